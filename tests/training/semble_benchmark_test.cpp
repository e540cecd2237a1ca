#include "training/semble_benchmark.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

namespace cs {
namespace {

namespace fs = std::filesystem;

SembleTarget file(const std::string& path) { return {path, std::nullopt, std::nullopt}; }
SembleTarget lines(const std::string& path, int first, int last) { return {path, first, last}; }

TEST(SembleScoring, PathMustMatchAsAPathSuffix) {
  SembleResult r{"/tmp/w/flask/src/flask/ctx.py", 1, 40};
  EXPECT_TRUE(sembleTargetMatches(r, file("src/flask/ctx.py")));
  EXPECT_TRUE(sembleTargetMatches(r, file("ctx.py")));  // pandoc-style paths relative to the benchmark root
  EXPECT_FALSE(sembleTargetMatches(r, file("x.py")));   // "ctx.py" ends with "x.py" but not as a path component
  EXPECT_FALSE(sembleTargetMatches(r, file("flask/app.py")));
  EXPECT_TRUE(sembleTargetMatches(SembleResult{"a\\b.py", 1, 1}, file("a/b.py")));  // backslashes normalised
}

TEST(SembleScoring, LineRangesMustOverlapWhenTheTargetHasLines) {
  const SembleTarget target = lines("lib/x.c", 10, 20);
  EXPECT_TRUE(sembleTargetMatches({"/r/lib/x.c", 20, 30}, target));   // touches the last line
  EXPECT_TRUE(sembleTargetMatches({"/r/lib/x.c", 1, 10}, target));    // touches the first line
  EXPECT_TRUE(sembleTargetMatches({"/r/lib/x.c", 12, 13}, target));   // inside
  EXPECT_FALSE(sembleTargetMatches({"/r/lib/x.c", 21, 30}, target));  // just after
  EXPECT_FALSE(sembleTargetMatches({"/r/lib/x.c", 1, 9}, target));    // just before
}

TEST(SembleScoring, NdcgOfHandComputedRankings) {
  const std::vector<SembleTarget> two = {file("a.py"), file("b.py")};
  // Both targets at ranks 1 and 2: perfect.
  EXPECT_DOUBLE_EQ(sembleNdcg({{"/r/a.py", 1, 2}, {"/r/b.py", 1, 2}}, two), 1.0);
  // One target at rank 3, the other missing: (1/log2(4)) / (1 + 1/log2(3)).
  const double expected = (1 / std::log2(4.0)) / (1 + 1 / std::log2(3.0));
  EXPECT_NEAR(sembleNdcg({{"/r/c.py", 1, 2}, {"/r/d.py", 1, 2}, {"/r/b.py", 1, 2}}, two), expected, 1e-12);
  // Nothing found.
  EXPECT_DOUBLE_EQ(sembleNdcg({{"/r/c.py", 1, 2}}, two), 0.0);
  // No results at all.
  EXPECT_DOUBLE_EQ(sembleNdcg({}, two), 0.0);
}

TEST(SembleScoring, ATargetCountsAtItsFirstMatchAndARankCountsOnce) {
  // The same file twice: the second copy adds nothing.
  const std::vector<SembleTarget> one = {file("a.py")};
  EXPECT_DOUBLE_EQ(sembleNdcg({{"/r/z.py", 1, 2}, {"/r/a.py", 1, 2}, {"/r/a.py", 5, 6}}, one), 1 / std::log2(3.0));
  // Two targets in one file found by one chunk: one gain at rank 1, ideal over two.
  const std::vector<SembleTarget> same_file = {lines("a.py", 1, 5), lines("a.py", 8, 9)};
  EXPECT_NEAR(sembleNdcg({{"/r/a.py", 1, 10}}, same_file), 1 / (1 + 1 / std::log2(3.0)), 1e-12);
}

TEST(SembleScoring, SecondaryTargetsAreRelevantAndIdealIsCappedAtK) {
  std::vector<SembleTarget> many;
  for (int i = 0; i < 12; ++i) many.push_back(file("f" + std::to_string(i) + ".py"));
  std::vector<SembleResult> results;
  for (int i = 0; i < 10; ++i) results.push_back({"/r/f" + std::to_string(i) + ".py", 1, 1});
  EXPECT_DOUBLE_EQ(sembleNdcg(results, many), 1.0);  // 10 of 12 found in 10 slots: ideal is min(10, 12)
  EXPECT_EQ(sembleTargetRank(results, many[11]), 0u);
  EXPECT_EQ(sembleTargetRank(results, many[3]), 4u);
}

TEST(SembleScoring, CategoryInference) {
  EXPECT_EQ(inferSembleCategory("HttpClient"), "symbol");
  EXPECT_EQ(inferSembleCategory("  parse_config "), "symbol");
  EXPECT_EQ(inferSembleCategory("How are routes matched"), "architecture");
  EXPECT_EQ(inferSembleCategory("retry with backoff"), "semantic");
}

TEST(SembleData, LoadsReposAnnotationsAndPublishedFigures) {
  const fs::path dir = fs::temp_directory_path() / ("semble-data-test-" + std::to_string(::getpid()));
  fs::create_directories(dir / "annotations");
  std::ofstream(dir / "repos.json") << R"([{"name":"r1","language":"python","url":"u","revision":"x","benchmark_root":"src"},
                                          {"name":"r2","language":"zig","url":"u","revision":"y","benchmark_root":null},
                                          {"name":"noannotations","language":"go","url":"u","revision":"z"}])";
  std::ofstream(dir / "annotations/r1.json")
      << R"([{"query":"Foo","relevant":["src/a.py",{"path":"src/b.py","start_line":3,"end_line":"9"}],"secondary":["src/c.py"]}])";
  std::ofstream(dir / "annotations/r2.json") << R"([{"query":"how x","relevant":["a.zig"],"category":"semantic"}])";
  std::ofstream(dir / "published.json") << R"({"tool":{"r1":{"ndcg10":0.5},"r2":{"ndcg10":0.25},"_mean":{"ndcg10":1}},"_source":"s"})";

  auto repos = loadSembleRepos(dir.string());
  ASSERT_TRUE(repos.ok()) << repos.error().message;
  ASSERT_EQ(repos.value().size(), 2u);
  EXPECT_EQ(repos.value()[0].benchmark_root, "src");
  EXPECT_EQ(repos.value()[1].benchmark_root, "");
  ASSERT_EQ(repos.value()[0].tasks.size(), 1u);
  const SembleTask& task = repos.value()[0].tasks[0];
  EXPECT_EQ(task.category, "symbol");  // inferred: no category given, no space
  ASSERT_EQ(task.targets.size(), 3u);
  EXPECT_EQ(task.targets[1].start_line, 3);
  EXPECT_EQ(task.targets[1].end_line, 9);  // a string line number is accepted, as the benchmark does
  EXPECT_FALSE(task.targets[2].start_line.has_value());
  EXPECT_EQ(repos.value()[1].tasks[0].category, "semantic");  // given categories win over inference

  auto published = loadSemblePublished(dir.string());
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published.value().size(), 1u);
  EXPECT_DOUBLE_EQ(published.value().at("tool").at("r2"), 0.25);
  EXPECT_EQ(published.value().at("tool").count("_mean"), 0u);

  SembleReport report;
  report.published = published.value();
  report.repos = {SembleRepoScore{"r1", "python", true, 0.8, {{"symbol", 0.8}}},
                  SembleRepoScore{"r2", "zig", false, 0.0, {{"semantic", 0.0}}}};
  EXPECT_DOUBLE_EQ(report.mean(true), 0.8);
  EXPECT_DOUBLE_EQ(report.mean(false), 0.4);
  EXPECT_DOUBLE_EQ(*report.publishedMean("tool", true), 0.5);
  EXPECT_DOUBLE_EQ(*report.publishedMean("tool", false), 0.375);
  EXPECT_EQ(report.meanByCategory().count("semantic"), 0u);  // unsupported repositories are not in the categories
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cs
