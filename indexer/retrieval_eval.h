// Retrieval evaluation of the whole search stack (model + the daemon's Index
// ranking) on held-out data:
//  - CodeSearchNet protocol: each test description ranks its function among 999
//    distractors of the same language; MRR and Recall@1/5/10 per language for
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

#include "model/code_encoder.h"
#include "model/pair_dataset.h"
#include "indexer/embedding_text.h"
#include "indexer/ranking.h"
#include "model/retrieval_metrics.h"
#include "support/result.h"

namespace cs {

struct EvalOptions {
  size_t group_size = 1000;          // the query's function + 999 distractors
  size_t max_groups_per_language = 10;
  size_t rank_cutoff = 100;          // ranks beyond this count as not found (MRR@100)
  std::string nl_queries;            // eval/nl_queries.jsonl; empty = skip
  EmbeddingTextOptions nl_embedding_text;  // how the NL codebases are embedded (the daemon's default)
  // Extra hybrid variants to report ("hybrid[dense=a,lexical=b]"), for tuning on the validation split.
  std::vector<FusionOptions> fusion_sweep;
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
  size_t nl_queries = 0;
  nlohmann::json toJson() const;
  std::string toMarkdown() const;
};

Result<EvalReport> evaluate(const std::vector<TrainingPair>& test_pairs, const CodeEncoder& encoder,
                            const EvalOptions& options);

// Renames local identifiers consistently (v1, v2, ...), keeping keywords, the
// function's own name and very short names: the code-to-code query.
std::string renameIdentifiers(const std::string& code, const std::string& keep_name);

}  // namespace cs
