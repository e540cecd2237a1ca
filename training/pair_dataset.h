// PairDataset: (code, description) pairs read from the mined corpus's JSONL
// files (see scripts/corpus/README.md for the format).
// Thread-safety: plain data after loading.
#pragma once

#include <string>
#include <vector>

#include "support/result.h"

namespace cs {

struct TrainingPair {
  std::string language;
  std::string package;
  std::string name;
  std::string code;  // the embedding text of the function, docstring removed
  std::string doc;   // the description
};

// Reads one JSONL file; `limit` = 0 reads everything.
Result<std::vector<TrainingPair>> readPairs(const std::string& path, size_t limit = 0);

}  // namespace cs
