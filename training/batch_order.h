// BatchOrder: the order in which one training epoch visits the pairs. Pairs
// are shuffled, then windows of `window_batches` batches are sorted by code
// length (less padding per batch) and, with `language_batches`, by language
// first, so a batch's in-batch negatives share its language as the
// evaluation's distractors do. The batches themselves are then shuffled.
//
// Thread-safety: a pure function of its arguments (and the caller's rng).
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace cs {

struct BatchKey {
  int language = 0;    // any id; equal ids = same language
  size_t length = 0;   // tokens of the code side
};

struct BatchOrderOptions {
  size_t batch_size = 1000;
  bool language_batches = false;
  size_t window_batches = 50;
};

// Batches of indices into `keys`, each of batch_size except possibly the last
// (a remainder under half a batch is dropped). Every index appears at most once.
std::vector<std::vector<size_t>> epochBatches(const std::vector<BatchKey>& keys, const BatchOrderOptions& options,
                                              std::mt19937_64& rng);

}  // namespace cs
