// Approximate search with hnswlib (inner-product space). hnswlib 0.6 has no
// filter callback, so filtered searches over-fetch and fall back to an exact
// scan of the allowed slots when too few survive: a filter never shrinks the
// answer after a plain top-k cut. hnswlib itself is behind HnswGraph.
#include <algorithm>

#include "indexer/hnsw_graph.h"
#include "indexer/vector_index.h"

namespace cs {
namespace {

class HnswVectorIndex final : public VectorIndex {
 public:
  explicit HnswVectorIndex(const HnswVectorIndexOptions& options)
      : options_(options), graph_(options.dim, options.max_elements, options.m, options.ef_construction) {}

  int dim() const override { return options_.dim; }

  void set(uint32_t slot, const float* vector) override {
    if (slot >= present_.size()) {
      present_.resize(slot + 1, 0);
      copies_.resize(static_cast<size_t>(slot + 1) * options_.dim, 0.0f);
    }
    std::copy(vector, vector + options_.dim, copies_.begin() + static_cast<long>(slot) * options_.dim);
    graph_.add(vector, slot);  // a known slot: its vector is updated and its deleted mark cleared
    if (!present_[slot]) ++size_;
    present_[slot] = 1;
  }

  void remove(uint32_t slot) override {
    if (slot >= present_.size() || !present_[slot]) return;
    graph_.markDeleted(slot);
    present_[slot] = 0;
    --size_;
  }

  size_t size() const override { return size_; }
  bool contains(uint32_t slot) const override { return slot < present_.size() && present_[slot]; }
  const float* vectorAt(uint32_t slot) const override {
    return contains(slot) ? copies_.data() + static_cast<size_t>(slot) * options_.dim : nullptr;
  }

  std::vector<VectorHit> search(const float* query, size_t k,
                                const std::function<bool(uint32_t)>& allowed) const override {
    std::vector<VectorHit> hits;
    if (size_ == 0 || k == 0) return hits;
    size_t fetch = allowed ? k * 8 : k;
    for (int attempt = 0; attempt < 3; ++attempt) {
      fetch = std::min(fetch, size_);
      // hnswlib 0.6 searches with ef = max(ef_, k). Asking for ef results
      // instead of calling setEf keeps search read-only on the shared graph
      // (concurrent searches hold only a shared lock); the best `fetch` of
      // them are the same answer setEf(ef) + searchKnn(fetch) would give.
      const auto nearest = graph_.search(query, std::max<size_t>(options_.ef_search, fetch * 2));
      hits.clear();
      for (const auto& [distance, slot] : nearest) {
        if (allowed && !allowed(slot)) continue;
        hits.push_back(VectorHit{slot, 1.0f - distance});  // InnerProductSpace distance = 1 - ip
      }
      if (hits.size() >= k || fetch >= size_) break;
      fetch *= 8;
    }
    if (allowed && hits.size() < k) return exactScan(query, k, allowed);
    std::sort(hits.begin(), hits.end(), [](const VectorHit& a, const VectorHit& b) { return a.score > b.score; });
    if (hits.size() > k) hits.resize(k);
    return hits;
  }

 private:
  std::vector<VectorHit> exactScan(const float* query, size_t k, const std::function<bool(uint32_t)>& allowed) const {
    std::vector<VectorHit> hits;
    for (uint32_t slot = 0; slot < present_.size(); ++slot) {
      if (!present_[slot] || !allowed(slot)) continue;
      const float* v = copies_.data() + static_cast<size_t>(slot) * options_.dim;
      float dot = 0;
      for (int d = 0; d < options_.dim; ++d) dot += v[d] * query[d];
      hits.push_back(VectorHit{slot, dot});
    }
    size_t take = std::min(k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<long>(take), hits.end(),
                      [](const VectorHit& a, const VectorHit& b) { return a.score > b.score; });
    hits.resize(take);
    return hits;
  }

  HnswVectorIndexOptions options_;
  HnswGraph graph_;
  std::vector<float> copies_;  // for vectorAt and the exact fallback
  std::vector<uint8_t> present_;
  size_t size_ = 0;
};

}  // namespace

std::unique_ptr<VectorIndex> makeHnswVectorIndex(const HnswVectorIndexOptions& options) {
  return std::make_unique<HnswVectorIndex>(options);
}

}  // namespace cs
