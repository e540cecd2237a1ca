// How the CodeSearchNet groups are drawn: CodeSearchNet shuffles a language's
// pairs before cutting them into groups of 1000; the harder variant keeps
// corpus order, so a group is mostly one package. And the natural-language
// evaluation over a real (temporary) tree, with its per-query details.
#include "training/retrieval_eval.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "model/identifier_split.h"
#include "support/hash.h"

#include <unistd.h>

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

// A stand-in encoder: each identifier-split word adds one to a hashed
// dimension, so texts that share words point the same way.
class HashedWordsEncoder final : public CodeEncoder {
 public:
  const std::string& modelId() const override { return id_; }
  int dim() const override { return 16; }
  std::string device() const override { return "cpu"; }
  std::vector<float> encodeCode(const std::vector<std::string>& texts) const override { return encode(texts); }
  std::vector<float> encodeQuery(const std::vector<std::string>& texts) const override { return encode(texts); }

 private:
  std::vector<float> encode(const std::vector<std::string>& texts) const {
    std::vector<float> out;
    for (const auto& text : texts) {
      std::vector<float> v(16, 0.0f);
      v[0] = 0.01f;  // never the zero vector
      for (const auto& word : splitIdentifierWords(text)) v[fnv1a(word) % 16] += 1.0f;
      float norm = 0;
      for (float x : v) norm += x * x;
      for (float& x : v) out.push_back(x / std::sqrt(norm));
    }
    return out;
  }
  std::string id_ = "test-hashed-words";
};

TEST(NaturalLanguageEval, ScoresQueriesAndReportsEachOnesFirstRelevantRank) {
  const auto root = std::filesystem::temp_directory_path() / ("codesearch-nl-eval-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "net");
  std::ofstream(root / "net" / "urls.py") << "def parse_url(text):\n    scheme, rest = text.split(':', 1)\n    return scheme, rest\n\n"
                                             "def send_mail(to, body):\n    smtp = connect()\n    smtp.send(to, body)\n";
  const auto queries = root / "queries.jsonl";
  std::ofstream(queries) << nlohmann::json{{"id", "q-url"}, {"query", "parse a url"}, {"root", root.string()},
                                           {"relevant", {{{"path", "net/urls.py"}, {"name", "parse_url"}}}}}.dump() << "\n"
                         << nlohmann::json{{"id", "q-none"}, {"query", "compress an archive"}, {"root", root.string()},
                                           {"relevant", {{{"path", "net/urls.py"}, {"name", "no_such_function"}}}}}.dump() << "\n";
  EvalOptions options;
  options.nl_queries = queries.string();
  HashedWordsEncoder encoder;
  auto report = evaluate({}, encoder, options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->nl_queries, 2u);
  ASSERT_EQ(report->nl_details.size(), 2u);
  EXPECT_EQ(report->nl_details[0].id, "q-url");
  for (const char* mode : {"dense", "lexical", "hybrid"}) {
    EXPECT_EQ(report->nl_details[0].first_relevant.at(mode), 1u) << mode;
    EXPECT_EQ(report->nl_details[1].first_relevant.at(mode), 0u) << mode;  // nothing relevant exists
  }
  EXPECT_NEAR(report->nl.at("lexical").mrr, 0.5, 1e-9);  // one query found at rank 1, one never
  EXPECT_DOUBLE_EQ(report->nl_details[0].ndcg10.at("hybrid"), 1.0);
  EXPECT_DOUBLE_EQ(report->nl_details[1].ndcg10.at("hybrid"), 0.0);
  // Both modes rank alike on both queries: no difference, and no interval around one.
  const PairedDifference& ndcg = report->nl_hybrid_minus_lexical.at("ndcg@10");
  EXPECT_EQ(ndcg.queries, 2u);
  EXPECT_DOUBLE_EQ(ndcg.mean, 0.0);
  EXPECT_DOUBLE_EQ(ndcg.low, 0.0);
  EXPECT_DOUBLE_EQ(ndcg.high, 0.0);
  auto json = report->toJson();
  EXPECT_EQ(json["natural_language_details"][0]["first_relevant_rank"]["hybrid"], 1);
  EXPECT_EQ(json["natural_language_details"][0]["ndcg@10"]["lexical"], 1.0);
  EXPECT_EQ(json["natural_language_hybrid_minus_lexical"]["mrr"]["queries"], 2);
  EXPECT_NE(report->toMarkdown().find("Hybrid minus lexical, ndcg@10: +0.000"), std::string::npos);
  // q-none's relevant function does not exist: reported, not silently a miss.
  ASSERT_EQ(report->nl_missing_relevant.size(), 1u);
  EXPECT_NE(report->nl_missing_relevant[0].find("q-none: "), std::string::npos);
  EXPECT_NE(report->nl_missing_relevant[0].find("net/urls.py no_such_function"), std::string::npos);
  EXPECT_EQ(json["natural_language_missing_relevant"].size(), 1u);
  // Per codebase: a query without a "codebase" field is counted under its root.
  ASSERT_EQ(report->nl_by_codebase.size(), 1u);
  EXPECT_EQ(report->nl_by_codebase.begin()->first, root.string());
  EXPECT_EQ(report->nl_by_codebase.begin()->second.at("hybrid").queries, 2u);
  EXPECT_NEAR(report->nl_by_codebase.begin()->second.at("lexical").mrr, 0.5, 1e-9);
  EXPECT_TRUE(json["natural_language_by_codebase"].contains(root.string()));
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace cs
