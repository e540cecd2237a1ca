// Approximate search with hnswlib over the store's vectors. hnswlib keeps each
// element's data inline in its graph; here that data is an 8-byte handle, not
// the vector: (slot << 1) | 1 for a stored row, or the address of a query's
// floats (even, being float-aligned). The distance function resolves both
// through the store and scores them with hnswlib's own inner-product kernel, so
// the graph and its answers are what a plain InnerProductSpace would give while
// each vector is held once, in the store.
//
// hnswlib 0.6 has no filter callback, so filtered searches over-fetch and fall
// back to an exact scan of the allowed slots when too few survive: a filter
// never shrinks the answer after a plain top-k cut.
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <cstring>

#include "indexer/vector_index.h"

namespace cs {
namespace {

using Handle = uint64_t;

Handle slotHandle(uint32_t slot) { return (static_cast<Handle>(slot) << 1) | 1u; }
Handle queryHandle(const float* query) { return reinterpret_cast<Handle>(query); }

// A space whose points are handles into a VectorStore.
class StoreSpace final : public hnswlib::SpaceInterface<float> {
 public:
  explicit StoreSpace(const VectorStore& store) : inner_product_(static_cast<size_t>(store.dim())) {
    param_.store = &store;
    param_.kernel = inner_product_.get_dist_func();
    param_.kernel_param = inner_product_.get_dist_func_param();
  }
  size_t get_data_size() override { return sizeof(Handle); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &distance; }
  void* get_dist_func_param() override { return &param_; }

 private:
  struct Param {
    const VectorStore* store = nullptr;
    hnswlib::DISTFUNC<float> kernel = nullptr;
    void* kernel_param = nullptr;
  };
  static const float* resolve(const void* point, const VectorStore& store) {
    Handle h;
    std::memcpy(&h, point, sizeof h);
    if (h & 1u) return store.rowUnchecked(static_cast<uint32_t>(h >> 1));
    return reinterpret_cast<const float*>(h);
  }
  static float distance(const void* a, const void* b, const void* param) {
    const auto& p = *static_cast<const Param*>(param);
    return p.kernel(resolve(a, *p.store), resolve(b, *p.store), p.kernel_param);
  }

  hnswlib::InnerProductSpace inner_product_;
  Param param_;
};

class HnswVectorIndex final : public VectorIndex {
 public:
  HnswVectorIndex(const VectorStore& store, const HnswVectorIndexOptions& options)
      : store_(store), options_(options), space_(store) {
    graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(&space_, options.max_elements, options.m,
                                                               options.ef_construction);
  }

  void added(uint32_t slot) override {
    if (graph_->cur_element_count + 1 > graph_->max_elements_) {
      graph_->resizeIndex(graph_->max_elements_ * 2);
    }
    // addPoint on a known label re-links it for the row's new vector and clears its deleted mark.
    const Handle handle = slotHandle(slot);
    graph_->addPoint(&handle, slot);
    if (slot >= in_graph_.size()) in_graph_.resize(slot + 1, 0);
    if (!in_graph_[slot]) ++size_;
    in_graph_[slot] = 1;
  }

  // hnswlib's addPoint is safe to call concurrently for distinct labels; the
  // capacity is grown first because resizeIndex is not.
  void addedMany(const std::vector<uint32_t>& slots, int threads) override {
    if (slots.empty()) return;
    const uint32_t highest = *std::max_element(slots.begin(), slots.end());
    size_t capacity = graph_->max_elements_;
    while (graph_->cur_element_count + slots.size() > capacity) capacity *= 2;
    if (capacity != graph_->max_elements_) graph_->resizeIndex(capacity);
    if (highest >= in_graph_.size()) in_graph_.resize(highest + 1, 0);
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < slots.size(); i = next++) {
        const Handle handle = slotHandle(slots[i]);
        graph_->addPoint(&handle, slots[i]);
      }
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
    for (auto& helper : helpers) helper.join();
    for (uint32_t slot : slots) {
      if (!in_graph_[slot]) ++size_;
      in_graph_[slot] = 1;
    }
  }

  void removing(uint32_t slot) override {
    if (slot >= in_graph_.size() || !in_graph_[slot]) return;
    graph_->markDelete(slot);
    in_graph_[slot] = 0;
    --size_;
  }

  std::vector<VectorHit> search(const float* query, size_t k,
                                const std::function<bool(uint32_t)>& allowed) const override {
    std::vector<VectorHit> hits;
    if (size_ == 0 || k == 0) return hits;
    const Handle handle = queryHandle(query);
    size_t fetch = allowed ? k * 8 : k;
    for (int attempt = 0; attempt < 3; ++attempt) {
      fetch = std::min(fetch, size_);
      // hnswlib 0.6 searches with ef = max(ef_, k). Asking for ef results
      // instead of calling setEf keeps search read-only on the shared graph
      // (concurrent searches hold only a shared lock); the best `fetch` of
      // them are the same answer setEf(ef) + searchKnn(fetch) would give.
      auto queue = graph_->searchKnn(&handle, std::max<size_t>(options_.ef_search, fetch * 2));
      hits.clear();
      while (!queue.empty()) {
        auto [distance, label] = queue.top();
        queue.pop();
        uint32_t slot = static_cast<uint32_t>(label);
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
  std::vector<VectorHit> exactScan(const float* query, size_t k, const std::function<bool(uint32_t)>& allowed) const {
    std::vector<VectorHit> hits;
    const int dim = store_.dim();
    for (uint32_t slot = 0; slot < in_graph_.size(); ++slot) {
      if (!in_graph_[slot] || !allowed(slot)) continue;
      const float* v = store_.rowUnchecked(slot);
      float dot = 0;
      for (int d = 0; d < dim; ++d) dot += v[d] * query[d];
      hits.push_back(VectorHit{slot, dot});
    }
    size_t take = std::min(k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<long>(take), hits.end(),
                      [](const VectorHit& a, const VectorHit& b) { return a.score > b.score; });
    hits.resize(take);
    return hits;
  }

  const VectorStore& store_;
  HnswVectorIndexOptions options_;
  StoreSpace space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  std::vector<uint8_t> in_graph_;
  size_t size_ = 0;
};

}  // namespace

std::unique_ptr<VectorIndex> makeHnswVectorIndex(const VectorStore& store, const HnswVectorIndexOptions& options) {
  return std::make_unique<HnswVectorIndex>(store, options);
}

}  // namespace cs
