#include "indexer/ranking.h"

#include <gtest/gtest.h>

#include "indexer/path_filter.h"

namespace cs {
namespace {

// The candidate's features as the Index computes them when it adds the chunk.
RerankFeatures featuresFor(const Chunk& chunk, const std::string& relative_path, WordStemmer& stemmer) {
  RerankFeatures f = rerankFeatures(chunk, pathStems(relative_path, stemmer), isTestPath(relative_path), stemmer);
  applyFileFeatures(fileFeatures(relative_path, stemmer), f);
  return f;
}

double multiplierFor(const RerankContext& context, const Chunk& chunk, const std::string& relative_path,
                     WordStemmer& stemmer) {
  return rerankMultiplier(context, featuresFor(chunk, relative_path, stemmer));
}

Chunk chunkNamed(const std::string& name, const std::string& kind, const std::string& qualified = "") {
  Chunk c;
  c.name = name;
  c.kind = kind;
  c.qualified_name = qualified.empty() ? name : qualified;
  return c;
}

// Candidates over chunks and paths the test owns (features live beside them).
struct Pool {
  std::vector<Chunk> chunks;
  std::vector<RerankFeatures> features;
  std::vector<ShapedCandidate> candidates;
  WordStemmer stemmer;

  void add(Chunk chunk, const std::string& path, double score) {
    chunks.push_back(std::move(chunk));
    features.push_back(featuresFor(chunks.back(), path, stemmer));
    scores.push_back(score);
  }
  std::vector<ShapedCandidate>& build() {
    candidates.clear();
    for (size_t i = 0; i < chunks.size(); ++i)
      candidates.push_back({static_cast<uint32_t>(i), scores[i], &chunks[i], &features[i]});
    return candidates;
  }
  double scoreOf(uint32_t slot) const {
    for (const auto& c : candidates) {
      if (c.slot == slot) return c.score;
    }
    return -1;
  }
  std::vector<double> scores;
};

TEST(Ranking, ReciprocalRankFusionAndRerankSignals) {
  EXPECT_NEAR(reciprocalRank(0, 60), 1.0 / 61, 1e-12);
  EXPECT_EQ(reciprocalRank(-1, 60), 0.0);
  Chunk exact = chunkNamed("parseUrl", "function"), partial = chunkNamed("parseHeaders", "function");
  WordStemmer stemmer;
  auto context = makeRerankContext("parse url", false, stemmer);
  EXPECT_GT(multiplierFor(context, exact, "src/url.py", stemmer), multiplierFor(context, partial, "src/http.py", stemmer));
  auto code = makeRerankContext("def parse_url(u): ...", true, stemmer);
  EXPECT_EQ(multiplierFor(code, exact, "src/url.py", stemmer), multiplierFor(code, partial, "src/http.py", stemmer));
}

TEST(Ranking, DefinitionsOfAQueriedSymbolComeFirstTypesBeforeMethods) {
  Pool pool;
  pool.add(chunkNamed("serialize", "method", "Router.serialize"), "src/serde.rs", 1.0);  // the lexical winner
  pool.add(chunkNamed("Router", "method", "App.Router"), "src/app.rs", 0.2);
  pool.add(chunkNamed("Router", "class"), "src/routing.rs", 0.1);
  pool.add(chunkNamed("router", "function"), "src/util.rs", 0.3);
  WordStemmer stemmer;
  auto context = makeRerankContext("Router", false, stemmer);
  ASSERT_TRUE(context.shape.symbol);
  auto& candidates = pool.build();
  boostDefinitions(candidates, context, ShapingOptions{});
  auto top = diverseTopK(candidates, 4, ShapingOptions{});
  ASSERT_EQ(top.size(), 4u);
  EXPECT_EQ(top[0].slot, 2u);  // the class, exact spelling
  EXPECT_EQ(top[1].slot, 1u);  // a method with the exact spelling
  EXPECT_EQ(top[2].slot, 3u);  // case-insensitive match
  EXPECT_EQ(top[3].slot, 0u);  // a mere usage
}

TEST(Ranking, AQualifiedSymbolPrefersTheMatchingQualifier) {
  Pool pool;
  pool.add(chunkNamed("Engine", "class", "Other.Engine"), "lib/other.rb", 0.5);
  pool.add(chunkNamed("Engine", "class", "Rails.Engine"), "lib/rails/engine.rb", 0.1);
  WordStemmer stemmer;
  auto context = makeRerankContext("Rails::Engine", false, stemmer);
  EXPECT_EQ(context.shape.qualifier, "rails");
  auto& candidates = pool.build();
  boostDefinitions(candidates, context, ShapingOptions{});
  EXPECT_GT(pool.scoreOf(1), pool.scoreOf(0));
}

TEST(Ranking, AFileNamedAfterTheSymbolIsADefinitionSite) {
  Pool pool;
  pool.add(chunkNamed("helper", "function"), "src/flat_map.h", 0.2);
  pool.add(chunkNamed("other", "function"), "src/other.h", 0.5);
  WordStemmer stemmer;
  auto context = makeRerankContext("flat_map", false, stemmer);
  auto& candidates = pool.build();
  boostDefinitions(candidates, context, ShapingOptions{});
  EXPECT_GT(pool.scoreOf(0), pool.scoreOf(1));
  ShapingOptions off;
  off.file_stem_boost = 0;
  auto& again = pool.build();
  boostDefinitions(again, context, off);
  EXPECT_LT(pool.scoreOf(0), pool.scoreOf(1));
}

TEST(Ranking, FileNamesMatchingASentencesKeywordsRise) {
  Pool pool;
  pool.add(chunkNamed("put", "method"), "src/Illuminate/Session/Store.php", 0.4);
  pool.add(chunkNamed("redirect", "method"), "src/Illuminate/Http/RedirectResponse.php", 0.5);
  WordStemmer stemmer;
  auto context = makeRerankContext("session store behavior", false, stemmer);
  auto& candidates = pool.build();
  boostFileNames(candidates, context, ShapingOptions{});
  EXPECT_GT(pool.scoreOf(0), pool.scoreOf(1));
  EXPECT_DOUBLE_EQ(pool.scoreOf(1), 0.5);  // no keyword in its name: unchanged
}

TEST(Ranking, FileCoherenceLiftsTheBestChunkOfAFileWithManyGoodChunks) {
  Pool pool;
  pool.add(chunkNamed("a", "function"), "src/many.py", 0.50);
  pool.add(chunkNamed("b", "function"), "src/many.py", 0.45);
  pool.add(chunkNamed("c", "function"), "src/many.py", 0.45);
  pool.add(chunkNamed("d", "function"), "src/one.py", 0.55);
  auto& candidates = pool.build();
  boostFileCoherence(candidates, ShapingOptions{});
  EXPECT_GT(pool.scoreOf(0), pool.scoreOf(3));
  EXPECT_DOUBLE_EQ(pool.scoreOf(1), 0.45);  // only a file's best chunk is lifted
}

TEST(Ranking, FileEvidenceLiftsEveryCandidateOfAnEvidencedFile) {
  Pool pool;
  pool.add(chunkNamed("a", "function"), "src/store.py", 0.5);
  pool.add(chunkNamed("b", "function"), "src/store.py", 0.4);
  pool.add(chunkNamed("c", "function"), "src/other.py", 1.0);
  auto& candidates = pool.build();
  std::unordered_map<uint64_t, double> evidence = {{pool.features[0].file_id, 1.0}};
  boostFileEvidence(candidates, evidence, ShapingOptions{});
  EXPECT_DOUBLE_EQ(pool.scoreOf(0), 0.5 + 0.35);
  EXPECT_DOUBLE_EQ(pool.scoreOf(1), 0.4 + 0.35);
  EXPECT_DOUBLE_EQ(pool.scoreOf(2), 1.0);
}

TEST(Ranking, DiverseTopKSpreadsResultsOverFiles) {
  Pool pool;
  for (int i = 0; i < 4; ++i) pool.add(chunkNamed("f" + std::to_string(i), "function"), "src/big.py", 1.0 - 0.01 * i);
  pool.add(chunkNamed("g", "function"), "src/small.py", 0.6);
  auto top = diverseTopK(pool.build(), 3, ShapingOptions{});
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].slot, 0u);
  EXPECT_EQ(top[1].slot, 4u);  // the second file beats big.py's second chunk (0.99 x 0.5)
  ShapingOptions no_decay;
  no_decay.saturation_decay = 1.0;
  auto plain = diverseTopK(pool.build(), 3, no_decay);
  EXPECT_EQ(plain[1].slot, 1u);
}

TEST(Ranking, PathPriorsDemoteTestsExamplesAndBenchmarksUnlessAsked) {
  Pool pool;
  pool.add(chunkNamed("parse", "function"), "src/parse.c", 1.0);
  pool.add(chunkNamed("parse", "function"), "tests/test_parse.c", 1.0);
  pool.add(chunkNamed("parse", "function"), "examples/parse.c", 1.0);
  pool.add(chunkNamed("parse", "function"), "bench/parse_benchmark.cc", 1.0);
  WordStemmer stemmer;
  auto& candidates = pool.build();
  applyPathPriors(candidates, makeRerankContext("parse a header", false, stemmer), ShapingOptions{});
  EXPECT_DOUBLE_EQ(pool.scoreOf(0), 1.0);
  EXPECT_LT(pool.scoreOf(1), 1.0);
  EXPECT_LT(pool.scoreOf(2), 1.0);
  EXPECT_LT(pool.scoreOf(3), 1.0);
  auto& asked = pool.build();
  applyPathPriors(asked, makeRerankContext("test for parse", false, stemmer), ShapingOptions{});
  EXPECT_DOUBLE_EQ(pool.scoreOf(1), 1.0);
}

TEST(Ranking, ParseShaping) {
  auto options = parseShaping("definition_boost=0,saturation_decay=1,path_priors=0,symbol_fusion=score:0.5:1");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->definition_boost, 0);
  EXPECT_EQ(options->saturation_decay, 1);
  EXPECT_FALSE(options->path_priors);
  ASSERT_TRUE(options->symbol_fusion);
  EXPECT_EQ(options->symbol_fusion->dense_weight, 0.5);
  EXPECT_FALSE(options->text_fusion);
  auto text = parseShaping("text_fusion=score:1:0.5");
  ASSERT_TRUE(text && text->text_fusion);
  EXPECT_EQ(text->text_fusion->lexical_weight, 0.5);
  EXPECT_FALSE(text->symbol_fusion);
  EXPECT_FALSE(parseShaping("no_such_knob=1"));
  EXPECT_FALSE(parseShaping("definition_boost=x"));
}

}  // namespace
}  // namespace cs
