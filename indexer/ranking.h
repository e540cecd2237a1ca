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
#include <unordered_map>
#include <vector>

#include "indexer/chunk.h"
#include "indexer/lexical_index.h"
#include "indexer/query_shape.h"
#include "indexer/vector_index.h"
#include "indexer/word_stemmer.h"

namespace cs {

enum class SearchMode { kHybrid, kSemantic, kLexical };

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

// What the two retrievers returned for one query, best first.
struct RetrievedLists {
  std::vector<VectorHit> dense;
  std::vector<LexicalHit> lexical;
};

// A candidate's fused score and the raw retriever scores it came with.
struct FusedCandidate {
  uint32_t slot = 0;
  double score = 0;
  std::optional<double> dense, lexical;
};

// Every candidate of either list, scored as `fusion` says for `mode`: hybrid
// weighs the normalised scores (or reciprocal ranks); semantic and lexical
// keep their one retriever's raw score. Order unspecified.
std::vector<FusedCandidate> fuseRetrievedLists(const RetrievedLists& lists, SearchMode mode, const FusionOptions& fusion);

struct RerankContext {
  QueryShape shape;                      // symbol or sentence, embedded identifiers, keywords (query_shape.h)
  std::vector<std::string> keyword_stems;  // shape.keywords stemmed, for file-name matching
  std::vector<std::string> query_words;  // identifier-split, lower-case
  std::vector<std::string> query_stems;  // the same words stemmed (word_stemmer.h)
  std::string query_identifier;          // the query words joined, e.g. "parseurl" for "parse url"/"parseUrl"
  bool code_query = false;               // "find similar": no name or test signals
};

RerankContext makeRerankContext(const std::string& query, bool code_query, WordStemmer& stemmer);

// What the rerank reads of a candidate. The Index computes it once, when the
// chunk is added, so a search stems nothing but its query.
struct RerankFeatures {
  bool module = false;                  // the file's top-level remainder
  bool window = false;                  // a window of a long definition (Chunk::part > 0)
  bool test_path = false;
  uint32_t path_traits = 0;             // path_prior.h, shared by a file's chunks
  uint64_t file_id = 0;                 // the same for every chunk of one file
  int definition_rank = 0;              // 3 type-like, 2 function, 1 method/constructor, 0 module
  std::string file_stem_key;            // identifierKey of the file name's stem: "queuemanager"
  std::shared_ptr<const std::vector<std::string>> file_words;  // fileNameWords and their stems, sorted
  std::string name_identifier;          // the name's words joined, e.g. "parseurl"
  std::vector<std::string> name_stems;  // one per name word, in order
  std::shared_ptr<const std::vector<std::string>> path_stems;  // distinct, sorted; shared by a file's chunks
};

std::shared_ptr<const std::vector<std::string>> pathStems(const std::string& relative_path, WordStemmer& stemmer);
RerankFeatures rerankFeatures(const Chunk& chunk, std::shared_ptr<const std::vector<std::string>> path_stems,
                              bool test_path, WordStemmer& stemmer);
// The per-file part of the features, computed once per file and copied into each chunk's.
struct FileFeatures {
  uint32_t path_traits = 0;
  uint64_t file_id = 0;
  std::string file_stem_key;
  std::shared_ptr<const std::vector<std::string>> file_words;
};
FileFeatures fileFeatures(const std::string& relative_path, WordStemmer& stemmer);
void applyFileFeatures(const FileFeatures& file, RerankFeatures& features);

// Multiplier (>= 0) applied to a candidate's fused score. The name and path
// overlaps compare stems ("parsing dates" overlaps parse_date); the exact-name
// match compares the words themselves.
double rerankMultiplier(const RerankContext& context, const RerankFeatures& candidate);

// Result shaping: the stages after fusion and the multiplier, in this order
// (Index::search): definitions of a queried symbol first, file-name evidence
// for sentences, file coherence, path priors, then a top-k that spreads the
// results over files. Each stage reads and writes `score`; boosts are
// fractions of the pool's best score, so they work on any score scale.
struct ShapedCandidate {
  uint32_t slot = 0;
  double score = 0;
  const Chunk* chunk = nullptr;
  const RerankFeatures* features = nullptr;
};

struct ShapingOptions {
  double definition_boost = 3.0;         // a chunk that defines the queried symbol
  double embedded_definition_scale = 0.5;  // ... an identifier inside a sentence
  double file_stem_boost = 1.0;          // the best chunk of a file named after the symbol
  double file_name_boost = 1.0;          // times the share of a sentence's keywords in the file name
  double coherence_boost = 0.2;          // a file's best chunk, times the file's share of the pool's score
  double file_evidence_boost = 0.35;     // times the file's file-level retriever score (normalised by the best file)
  size_t file_evidence_files = 20;       // files the file-level retriever contributes
  size_t saturation_threshold = 1;       // chunks of one file before each further one is decayed
  double saturation_decay = 0.5;
  double saturation_floor = 0.5;         // the decay never multiplies by less than this: a file's later chunks count half
  bool path_priors = true;               // path_prior.h: tests, examples, benchmarks, ... demoted
  std::optional<FusionOptions> symbol_fusion;  // fusion for a symbol query; unset = the text-query fusion
  std::optional<FusionOptions> text_fusion;    // fusion for other text queries; unset = IndexOptions::fusion
};

// "definition_boost=0,saturation_decay=1,...": ShapingOptions fields by name over
// the defaults, for evaluation sweeps (codesearch eval --shaping); nullopt on a bad spec.
std::optional<ShapingOptions> parseShaping(const std::string& text);

// How strongly `candidate` defines `name_key` (identifierKey) written `name`
// with `qualifier`: 0 when it does not define it, else a factor in (0, 1.5].
double definitionMatch(const ShapedCandidate& candidate, const std::string& name, const std::string& name_key,
                       const std::string& qualifier);
void boostDefinitions(std::vector<ShapedCandidate>& candidates, const RerankContext& context,
                      const ShapingOptions& options);
void boostFileNames(std::vector<ShapedCandidate>& candidates, const RerankContext& context,
                    const ShapingOptions& options);
void boostFileCoherence(std::vector<ShapedCandidate>& candidates, const ShapingOptions& options);
// `evidence`: file_id -> the file-level retriever's score in [0, 1] (Index::search).
void boostFileEvidence(std::vector<ShapedCandidate>& candidates, const std::unordered_map<uint64_t, double>& evidence,
                       const ShapingOptions& options);
void applyPathPriors(std::vector<ShapedCandidate>& candidates, const RerankContext& context,
                     const ShapingOptions& options);
// The best `k` by score, where the n-th chunk of a file beyond the threshold
// counts decay^n of its score; sorted best first.
std::vector<ShapedCandidate> diverseTopK(std::vector<ShapedCandidate> candidates, size_t k,
                                         const ShapingOptions& options);

}  // namespace cs
