// Approximate search with an HNSW graph over the store's vectors (hnswlib is
// behind HnswGraph, hnsw_graph.h). hnswlib 0.6 has no filter callback, so
// filtered searches over-fetch and fall back to an exact scan of the allowed
// slots when too few survive: a filter never shrinks the answer after a plain
// top-k cut.
#include <algorithm>
#include <atomic>
#include <thread>

#include "indexer/hnsw_graph.h"
#include "indexer/vector_index.h"

namespace cs {
namespace {

class GraphIndex final : public HnswVectorIndex {
 public:
  GraphIndex(const VectorStore& store, const HnswVectorIndexOptions& options)
      : store_(store),
        options_(options),
        graph_(std::make_unique<HnswGraph>(store, options.max_elements, options.m, options.ef_construction)) {}
  GraphIndex(const VectorStore& store, const HnswVectorIndexOptions& options, std::unique_ptr<HnswGraph> loaded)
      : store_(store), options_(options), graph_(std::move(loaded)) {}

  bool holds(uint32_t slot) const override { return slot < in_graph_.size() && in_graph_[slot]; }
  Result<uint64_t> save(const std::string& path) const override { return graph_->save(path); }
  size_t relabel(const std::function<std::optional<uint32_t>(uint32_t)>& renamed) override {
    in_graph_.clear();
    size_ = 0;
    for (uint32_t slot : graph_->relabel(renamed)) mark(slot);
    return size_;
  }

  void added(uint32_t slot) override {
    graph_->reserve(1);
    graph_->add(slot);  // a known slot is re-linked for its new values and undeleted
    mark(slot);
  }

  // hnswlib's addPoint is safe to call concurrently for distinct labels; the
  // capacity is grown first because resizing is not.
  void addedMany(const std::vector<uint32_t>& slots, int threads) override {
    if (slots.empty()) return;
    graph_->reserve(slots.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < slots.size(); i = next++) graph_->add(slots[i]);
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
    for (auto& helper : helpers) helper.join();
    for (uint32_t slot : slots) mark(slot);
  }

  void removing(uint32_t slot) override {
    if (slot >= in_graph_.size() || !in_graph_[slot]) return;
    graph_->markDeleted(slot);
    in_graph_[slot] = 0;
    --size_;
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
      hits.clear();
      for (auto [distance, slot] : graph_->search(query, std::max<size_t>(options_.ef_search, fetch * 2))) {
        if (allowed && !allowed(slot)) continue;
        hits.push_back(VectorHit{slot, 1.0f - distance});  // inner-product distance = 1 - ip
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
  void mark(uint32_t slot) {
    if (slot >= in_graph_.size()) in_graph_.resize(slot + 1, 0);
    if (!in_graph_[slot]) ++size_;
    in_graph_[slot] = 1;
  }

  std::vector<VectorHit> exactScan(const float* query, size_t k, const std::function<bool(uint32_t)>& allowed) const {
    std::vector<VectorHit> hits;
    for (uint32_t slot = 0; slot < in_graph_.size(); ++slot) {
      if (!in_graph_[slot] || !allowed(slot)) continue;
      hits.push_back(VectorHit{slot, store_.dot(slot, query)});
    }
    size_t take = std::min(k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<long>(take), hits.end(),
                      [](const VectorHit& a, const VectorHit& b) { return a.score > b.score; });
    hits.resize(take);
    return hits;
  }

  const VectorStore& store_;
  HnswVectorIndexOptions options_;
  std::unique_ptr<HnswGraph> graph_;
  std::vector<uint8_t> in_graph_;
  size_t size_ = 0;
};

}  // namespace

std::unique_ptr<HnswVectorIndex> makeHnswVectorIndex(const VectorStore& store, const HnswVectorIndexOptions& options) {
  return std::make_unique<GraphIndex>(store, options);
}

Result<std::unique_ptr<HnswVectorIndex>> loadHnswVectorIndex(const VectorStore& store,
                                                              const HnswVectorIndexOptions& options,
                                                              const std::string& path) {
  auto graph = HnswGraph::load(store, path, options.max_elements, options.m);
  if (!graph.ok()) return graph.error();
  return std::unique_ptr<HnswVectorIndex>(std::make_unique<GraphIndex>(store, options, std::move(graph).value()));
}

}  // namespace cs
