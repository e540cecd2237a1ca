// codesearch eval --semble DIR: the semble benchmark protocol
// (training/semble_benchmark.h) run over the daemon's own engine
// (SearchService), one in-memory index per repository. Main thread only.
#pragma once

#include <string>
#include <vector>

#include "indexer/chunk_embedding.h"

namespace cs {

struct SembleEvalCliOptions {
  std::string data_dir;                 // ../shared/semble-dev
  std::string work_dir;                 // default: <cache dir>/semble-trees
  std::vector<std::string> repos;       // empty = all
  std::string mode = "hybrid";          // hybrid, semantic or lexical
  std::string model_path;               // empty = the shipped model
  bool no_model = false;
  int threads = 2;
  std::string json_out;
  std::string shaping;                  // parseShaping() spec over the defaults; empty = the defaults
  float doc_weight = ChunkEmbeddingOptions{}.doc_weight;  // the doc summary's weight in a chunk vector
};

int runSembleEval(const SembleEvalCliOptions& options);

}  // namespace cs
