// Retrieval evaluation of the whole search stack (model + the daemon's Index
// ranking) on held-out data:
//  - CodeSearchNet protocol: each test description ranks its function among 999
//    distractors drawn at random from the same language (or, harder, from its
//    neighbours in corpus order, i.e. mostly its own package); MRR and Recall@1/5/10 per language for
//    dense-only, lexical-only and hybrid ranking.
//  - Code-to-code: a function with its local identifiers renamed must find the
//    original among 999 distractors.
//  - A natural-language query set over real codebases (eval/nl_queries.jsonl):
//    NDCG@10 and MRR, the codebase indexed by the daemon's own pipeline.
// Thread-safety: runs on the calling thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "indexer/chunk_embedding.h"
#include "indexer/ranking.h"
#include "model/code_encoder.h"
#include "support/result.h"
#include "training/pair_dataset.h"
#include "training/retrieval_metrics.h"

namespace cs {

// How the 999 distractors of a CodeSearchNet group are drawn from the query's language.
enum class Distractors {
  kRandom,       // CodeSearchNet's protocol: the language's pairs are shuffled (seeded), then cut into groups
  kSamePackage,  // consecutive pairs in corpus order: mostly from the query's own few packages (harder)
};

struct EvalOptions {
  size_t group_size = 1000;          // the query's function + 999 distractors
  Distractors distractors = Distractors::kRandom;
  uint64_t seed = 0;                 // the shuffle for Distractors::kRandom
  size_t max_groups_per_language = 10;
  size_t rank_cutoff = 100;          // ranks beyond this count as not found (MRR@100)
  std::string nl_queries;            // eval/nl_queries.jsonl; empty = skip
  ChunkEmbeddingOptions nl_embedding;  // how the NL codebases are embedded (the daemon's default)
  // Extra hybrid variants to report ("hybrid[dense=a,lexical=b]"), for tuning on the validation split.
  std::vector<FusionOptions> fusion_sweep;
  // Likewise for code queries (the code-to-code task; "find similar" in the daemon).
  std::vector<FusionOptions> code_fusion_sweep;
  ShapingOptions shaping;            // result shaping after fusion, as the daemon's (ranking.h)
  std::function<void(const std::string&)> log;
};

struct ModeScores {
  std::map<std::string, RetrievalScores> by_language;  // means
  RetrievalScores average;                             // mean over languages
};

struct EvalReport {
  std::map<std::string, ModeScores> csn;        // "dense", "lexical", "hybrid"
  std::map<std::string, ModeScores> code2code;  // "dense", "hybrid"
  std::map<std::string, RetrievalScores> nl;    // "dense", "lexical", "hybrid"
  std::map<std::string, std::map<std::string, RetrievalScores>> nl_by_codebase;  // codebase -> mode -> scores
  size_t nl_queries = 0;
  // Per NL query, for error analysis: its id, text, and the 1-based rank of its
  // first relevant hit in each mode (0 = not in the top rank_cutoff).
  struct NlQueryRanks {
    std::string id, query;
    std::map<std::string, size_t> first_relevant;
    std::map<std::string, double> ndcg10;  // this query's NDCG@10 per mode
  };
  std::vector<NlQueryRanks> nl_details;
  // Hybrid minus lexical over the NL queries, paired per query ("ndcg@10", "mrr"):
  // the "hybrid clearly beats lexical" as a mean with a bootstrap interval.
  std::map<std::string, PairedDifference> nl_hybrid_minus_lexical;
  // Relevant entries of the NL set that name no indexed chunk ("id: path name"):
  // a stale or mistyped entry would otherwise just look like a miss.
  std::vector<std::string> nl_missing_relevant;
  std::string distractors;                      // "random" or "same-package"
  nlohmann::json toJson() const;
  std::string toMarkdown() const;
};

// The CodeSearchNet groups: per language, up to max_groups_per_language lists
// of group_size indices into `pairs`, drawn as options.distractors says.
// Languages with fewer than group_size pairs get no group.
std::map<std::string, std::vector<std::vector<size_t>>> evaluationGroups(const std::vector<TrainingPair>& pairs,
                                                                        const EvalOptions& options);

Result<EvalReport> evaluate(const std::vector<TrainingPair>& test_pairs, const CodeEncoder& encoder,
                            const EvalOptions& options);

// Renames local identifiers consistently (v1, v2, ...), keeping keywords, the
// function's own name and very short names: the code-to-code query.
std::string renameIdentifiers(const std::string& code, const std::string& keep_name);

}  // namespace cs
