#include "indexer/path_filter.h"

#include <gtest/gtest.h>

#include "indexer/ranking.h"

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

TEST(IsTestPath, CommonConventions) {
  for (const char* p : {"tests/test_api.py", "pkg/foo_test.go", "src/__tests__/x.js", "app/user.spec.ts",
                        "src/test/java/FooTest.java", "lib/a.test.js", "spec/models/user_spec.rb", "FooTests.cs"})
    EXPECT_TRUE(isTestPath(p)) << p;
  for (const char* p : {"src/contest.py", "lib/attestation.go", "src/latest/x.js", "testing_utils_notes.md"})
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

// The candidate's features as the Index computes them when it adds the chunk.
double multiplierFor(const RerankContext& context, const Chunk& chunk, const std::string& relative_path,
                     WordStemmer& stemmer) {
  return rerankMultiplier(context, rerankFeatures(chunk, pathStems(relative_path, stemmer), isTestPath(relative_path), stemmer));
}

TEST(Ranking, ReciprocalRankFusionAndRerankSignals) {
  EXPECT_NEAR(reciprocalRank(0, 60), 1.0 / 61, 1e-12);
  EXPECT_EQ(reciprocalRank(-1, 60), 0.0);
  Chunk exact, partial, test;
  exact.name = "parseUrl";
  partial.name = "parseHeaders";
  test.name = "parseUrl";
  WordStemmer stemmer;
  auto context = makeRerankContext("parse url", false, stemmer);
  double m_exact = multiplierFor(context, exact, "src/url.py", stemmer);
  double m_partial = multiplierFor(context, partial, "src/http.py", stemmer);
  double m_test = multiplierFor(context, test, "tests/test_url.py", stemmer);
  EXPECT_GT(m_exact, m_partial);
  EXPECT_GT(m_exact, m_test);  // test code is demoted
  auto about_tests = makeRerankContext("test parse url", false, stemmer);
  EXPECT_GT(multiplierFor(about_tests, test, "tests/test_url.py", stemmer), m_test);
  auto code = makeRerankContext("def parse_url(u): ...", true, stemmer);
  EXPECT_EQ(multiplierFor(code, exact, "src/url.py", stemmer), multiplierFor(code, partial, "src/http.py", stemmer));
}

}  // namespace
}  // namespace cs
