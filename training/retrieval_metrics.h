// Retrieval metrics over ranked lists: MRR, Recall@k and NDCG@k.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cs {

// 1-based rank of the first relevant item, 0 when none is retrieved.
double reciprocalRankOf(size_t rank);
// Whether a 1-based rank is within the first k.
double recallAt(size_t rank, size_t k);
// NDCG@k with binary relevance: `relevant[i]` says whether the i-th ranked item
// is relevant; `total_relevant` is how many relevant items exist.
double ndcgAt(const std::vector<bool>& relevant, size_t total_relevant, size_t k);

// Accumulates per-query figures into means.
struct RetrievalScores {
  double mrr = 0, recall1 = 0, recall5 = 0, recall10 = 0, ndcg10 = 0;
  size_t queries = 0;

  void addRank(size_t rank);  // single relevant item
  void addRanking(const std::vector<bool>& relevant, size_t total_relevant);
  RetrievalScores mean() const;
};

// Two systems compared over the same queries: the mean of the per-query
// differences (a - b) and its 95% percentile-bootstrap interval (queries
// resampled with replacement, `resamples` times, seeded: reproducible).
// An interval that excludes 0 is a margin the query set can resolve.
struct PairedDifference {
  double mean = 0, low = 0, high = 0;
  size_t queries = 0;
};
PairedDifference pairedBootstrap(const std::vector<double>& differences, size_t resamples = 10000, uint64_t seed = 0);

}  // namespace cs
