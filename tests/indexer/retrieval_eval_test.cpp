// How the CodeSearchNet groups are drawn: CodeSearchNet shuffles a language's
// pairs before cutting them into groups of 1000; the harder variant keeps
// corpus order, so a group is mostly one package.
#include "indexer/retrieval_eval.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

namespace cs {
namespace {

// `packages` packages of `per_package` pairs each, in corpus (package) order,
// alternating between two languages package by package.
std::vector<TrainingPair> corpusInPackageOrder(int packages, int per_package) {
  std::vector<TrainingPair> pairs;
  for (int p = 0; p < packages; ++p) {
    for (int i = 0; i < per_package; ++i) {
      TrainingPair pair;
      pair.language = p % 2 == 0 ? "go" : "python";
      pair.package = "package" + std::to_string(p);
      pair.name = "f" + std::to_string(i);
      pairs.push_back(pair);
    }
  }
  return pairs;
}

size_t packagesIn(const std::vector<size_t>& group, const std::vector<TrainingPair>& pairs) {
  std::set<std::string> packages;
  for (size_t i : group) packages.insert(pairs[i].package);
  return packages.size();
}

TEST(EvaluationGroups, SamePackageKeepsCorpusOrder) {
  auto pairs = corpusInPackageOrder(8, 50);  // 200 pairs per language
  EvalOptions options;
  options.group_size = 50;
  options.distractors = Distractors::kSamePackage;
  auto groups = evaluationGroups(pairs, options);
  ASSERT_EQ(groups.size(), 2u);
  ASSERT_EQ(groups["go"].size(), 4u);
  for (const auto& group : groups["go"]) {
    EXPECT_EQ(packagesIn(group, pairs), 1u);
    EXPECT_TRUE(std::is_sorted(group.begin(), group.end()));
    for (size_t i : group) EXPECT_EQ(pairs[i].language, "go");
  }
}

TEST(EvaluationGroups, RandomMixesPackagesOfOneLanguageReproducibly) {
  auto pairs = corpusInPackageOrder(8, 50);
  EvalOptions options;
  options.group_size = 50;
  auto groups = evaluationGroups(pairs, options);
  ASSERT_EQ(groups["python"].size(), 4u);
  std::set<size_t> seen;
  for (const auto& group : groups["python"]) {
    EXPECT_EQ(group.size(), 50u);
    EXPECT_GE(packagesIn(group, pairs), 3u);  // 4 packages of 50; one package in a group of 50 is ~1e-28 likely
    for (size_t i : group) {
      EXPECT_EQ(pairs[i].language, "python");
      EXPECT_TRUE(seen.insert(i).second) << "pair " << i << " drawn twice";
    }
  }
  EXPECT_EQ(seen.size(), 200u);  // every python pair, once
  EXPECT_EQ(evaluationGroups(pairs, options), groups);  // the same seed draws the same groups
  options.seed = 1;
  EXPECT_NE(evaluationGroups(pairs, options)["python"], groups["python"]);
}

TEST(EvaluationGroups, CapsGroupsAndSkipsSmallLanguages) {
  auto pairs = corpusInPackageOrder(8, 50);
  pairs.push_back(TrainingPair{});
  pairs.back().language = "ruby";  // 1 pair: no full group
  EvalOptions options;
  options.group_size = 30;
  options.max_groups_per_language = 2;
  auto groups = evaluationGroups(pairs, options);
  EXPECT_EQ(groups.count("ruby"), 0u);
  EXPECT_EQ(groups["go"].size(), 2u);
}

}  // namespace
}  // namespace cs
