// Exact search: every present, allowed row of the store's int8 matrix scored
// against the query (int8_vectors.h kernels), the best k kept in a heap.
#include <algorithm>
#include <queue>

#include "indexer/vector_index.h"

namespace cs {
namespace {

class ExactVectorIndex final : public VectorIndex {
 public:
  explicit ExactVectorIndex(const VectorStore& store) : store_(store) {}

  void added(uint32_t) override {}
  void removing(uint32_t) override {}

  std::vector<VectorHit> search(const float* query, size_t k,
                                const std::function<bool(uint32_t)>& allowed) const override {
    std::vector<VectorHit> hits;
    if (k == 0) return hits;
    auto worse = [](const VectorHit& a, const VectorHit& b) {
      return a.score > b.score || (a.score == b.score && a.slot < b.slot);
    };
    // A min-heap of the best k so far: its top is the one to beat. Ties keep the lower slot.
    std::priority_queue<VectorHit, std::vector<VectorHit>, decltype(worse)> best(worse);
    const uint32_t rows = store_.rows();
    for (uint32_t slot = 0; slot < rows; ++slot) {
      if (!store_.contains(slot) || (allowed && !allowed(slot))) continue;
      const VectorHit hit{slot, store_.dot(slot, query)};
      if (best.size() < k) {
        best.push(hit);
      } else if (worse(hit, best.top())) {
        best.pop();
        best.push(hit);
      }
    }
    hits.resize(best.size());
    for (size_t i = hits.size(); i-- > 0; best.pop()) hits[i] = best.top();
    return hits;
  }

 private:
  const VectorStore& store_;
};

}  // namespace

std::unique_ptr<VectorIndex> makeExactVectorIndex(const VectorStore& store) {
  return std::make_unique<ExactVectorIndex>(store);
}

}  // namespace cs
