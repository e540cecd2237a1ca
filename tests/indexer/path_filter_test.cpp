#include "indexer/path_filter.h"

#include <chrono>

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
  for (const char* p : {"src/contest.py", "lib/attestation.go", "src/latest/x.js", "testing_utils_notes.md"})
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
