// Ranking: fusion of the dense and lexical candidate lists (normalised-score
// or reciprocal-rank fusion) and the cheap reranking signals applied on top
// (symbol-name match, path match, test-code and top-level-chunk demotion).
// Pure functions over values; thread-safe given one WordStemmer (caller-owned
// scratch) per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "indexer/chunk.h"
#include "indexer/word_stemmer.h"

namespace cs {

struct RankedCandidate {
  uint32_t slot = 0;
  int dense_rank = -1;    // 0-based rank in the dense list, -1 when absent
  int lexical_rank = -1;  // likewise for the lexical list
  double fused = 0;
};

enum class FusionMethod {
  kReciprocalRank,  // weight / (k + rank + 1), summed over the lists
  kScore,           // weight * the list's score, min-max normalised over the candidate pool
  kZScore,          // weight * the list's score as a z-score over the pool: a list whose top
                    // stands far above the rest (a confident list) counts for more
};

// Defaults for text queries, chosen on the validation split and the development
// query set (MODEL_CARD.md): score fusion beats reciprocal rank on both. With
// the doc summary blended into chunk vectors (chunk_embedding.h) dense 1 :
// lexical 0.75 scored validation MRR 0.605 / dev NDCG@10 0.634, against
// 0.603 / 0.629 for 1 : 1 and 0.597 / 0.626 for the earlier 1 : 1.5.
// Code queries use score 1 : 0.5 (Index::search).
struct FusionOptions {
  FusionMethod method = FusionMethod::kScore;
  double k = 60;             // RRF constant: larger = flatter rank weighting
  double dense_weight = 1.0;
  double lexical_weight = 0.75;
};

// "rrf:DENSE:LEXICAL:K", "score:DENSE:LEXICAL", "z:DENSE:LEXICAL" or the older "DENSE:LEXICAL:K" (RRF).
std::optional<FusionOptions> parseFusion(const std::string& text);
std::string describeFusion(const FusionOptions& fusion);

// A list's scores normalised as `method` says (kScore: min-max onto [0, 1];
// kZScore: (score - mean) / standard deviation). A candidate absent from the
// list takes the value of the list's lowest score.
struct ListNormaliser {
  FusionMethod method = FusionMethod::kScore;
  double low = 0, high = 0, mean = 0, stddev = 0;
  bool empty = true;
  static ListNormaliser of(const std::vector<double>& scores, FusionMethod method);
  double normalise(double score) const;
  double absent() const { return empty ? 0.0 : normalise(low); }
};

// score(d) = sum over lists of weight / (k + rank + 1).
double reciprocalRank(int rank, double k);

struct RerankContext {
  std::vector<std::string> query_words;  // identifier-split, lower-case
  std::vector<std::string> query_stems;  // the same words stemmed (word_stemmer.h)
  std::string query_identifier;          // the query words joined, e.g. "parseurl" for "parse url"/"parseUrl"
  bool query_mentions_tests = false;
  bool code_query = false;               // "find similar": no name or test signals
};

RerankContext makeRerankContext(const std::string& query, bool code_query, WordStemmer& stemmer);

// What the rerank reads of a candidate. The Index computes it once, when the
// chunk is added, so a search stems nothing but its query.
struct RerankFeatures {
  bool module = false;                  // the file's top-level remainder
  bool test_path = false;
  std::string name_identifier;          // the name's words joined, e.g. "parseurl"
  std::vector<std::string> name_stems;  // one per name word, in order
  std::shared_ptr<const std::vector<std::string>> path_stems;  // distinct, sorted; shared by a file's chunks
};

std::shared_ptr<const std::vector<std::string>> pathStems(const std::string& relative_path, WordStemmer& stemmer);
RerankFeatures rerankFeatures(const Chunk& chunk, std::shared_ptr<const std::vector<std::string>> path_stems,
                              bool test_path, WordStemmer& stemmer);

// Multiplier (>= 0) applied to a candidate's fused score. The name and path
// overlaps compare stems ("parsing dates" overlaps parse_date); the exact-name
// match compares the words themselves.
double rerankMultiplier(const RerankContext& context, const RerankFeatures& candidate);

}  // namespace cs
