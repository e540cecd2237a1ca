#include "indexer/path_filter.h"

#include <chrono>

#include <gtest/gtest.h>


namespace cs {
namespace {

TEST(GlobMatches, GitignoreStyle) {
  EXPECT_TRUE(globMatches("*.py", "src/a/b.py"));
  EXPECT_FALSE(globMatches("*.py", "src/a/b.pyc"));
  EXPECT_TRUE(globMatches("src/**", "src/a/b.py"));
  EXPECT_TRUE(globMatches("src/**/*.go", "src/x/y/z.go"));
  EXPECT_TRUE(globMatches("src/**/*.go", "src/z.go"));
  EXPECT_FALSE(globMatches("src/*.go", "src/x/z.go"));
  EXPECT_TRUE(globMatches("vendor/", "a/vendor/lib/x.js"));
  EXPECT_TRUE(globMatches("/auth/*", "auth/tokens.go"));
  EXPECT_TRUE(globMatches("file?.[ch]", "lib/file1.c"));
  EXPECT_FALSE(globMatches("file?.[!ch]", "lib/file1.c"));
}

// "**" + "?**" x 13 + "Z" backtracked exponentially (27 s on one path); the
// memoised matcher decides every (pattern, path) position once.
TEST(GlobMatches, PathologicalPatternsTakeLinearishTime) {
  std::string pattern = "**";
  for (int i = 0; i < 13; ++i) pattern += "?**";
  pattern += "Z";
  const std::string path = "src/" + std::string(60, 'a') + "/" + std::string(60, 'b') + "/module_name.py";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(globMatches(pattern, path));
  EXPECT_TRUE(globMatches(pattern, path + "Z"));
  EXPECT_FALSE(globMatches("*a*a*a*a*a*a*a*a*a*a*a*a*a*b", std::string(200, 'a')));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(IsTestPath, CommonConventions) {
  for (const char* p : {"tests/test_api.py", "pkg/foo_test.go", "src/__tests__/x.js", "app/user.spec.ts",
                        "src/test/java/FooTest.java", "lib/a.test.js", "spec/models/user_spec.rb", "FooTests.cs"})
    EXPECT_TRUE(isTestPath(p)) << p;
  EXPECT_TRUE(isTestPath("src/test_parser.cpp"));
  for (const char* p : {"src/contest.py", "lib/attestation.go", "src/latest/x.js", "testing_utils_notes.md",
                        "lib/bats-core/test_functions.bash"})
    EXPECT_FALSE(isTestPath(p)) << p;
}

TEST(IsTestPath, ConventionsOfTheLanguagesAddedLater) {
  for (const char* p : {"ktor-client/common/test/io/ktor/ClientTest.kt", "kotlinx-coroutines-core/jvm/test/FlowTest.kt",
                        "core/src/commonTest/kotlin/ChannelTest.kt", "src/jvmTest/kotlin/Util.kt",
                        "modules/core/src/test/scala/cats/ShowSuite.scala", "circe/DecoderSpec.scala",
                        "Tests/AlamofireTests/SessionTests.swift", "Tests/VaporTests/Helpers.swift",
                        "test/plug/conn_test.exs", "tests/test_buffers.lua", "spec/picker_spec.lua",
                        "tests/Data/Aeson/EncodeSpec.hs", "test/Spec.hs", "src/parser_test.zig", "test/cli.zig"})
    EXPECT_TRUE(isTestPath(p)) << p;
  for (const char* p : {"src/main/kotlin/io/ktor/Application.kt", "core/src/commonMain/kotlin/Channel.kt",
                        "modules/core/src/main/scala/cats/Show.scala", "Source/Session.swift", "lib/plug/conn.ex",
                        "lua/telescope/pickers.lua", "src/Text/Pandoc/App.hs", "src/main.zig",
                        "src/Contest/Latest.cs", "src/jvmTest/notes.md"})
    EXPECT_FALSE(isTestPath(p)) << p;
}

}  // namespace
}  // namespace cs
