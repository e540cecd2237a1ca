// hnswlib behind HnswGraph. Under ASan this file alone is built without read
// checks (indexer/CMakeLists.txt): hnswlib 0.6's graph walk while inserting
// (HierarchicalNSW::searchBaseLayer, from addPoint) prefetches the next
// neighbour as it visits neighbour j, so at the last one it loads the 4-byte
// id after the list, *(datal + size), and hands it to _mm_prefetch only
// (nmslib/hnswlib#107 and #578, open upstream; the fix in PR #459 was declined
// for its cost). ASan reports that load; it is benign:
// - it stays inside the allocation in practice: a level-0 list is followed by
//   its element's vector in the same block, and an upper level's block,
//   malloc(size_links_per_element_ * level + 1) with size_links_per_element_
//   = 4 * maxM_ + 4, is 1 mod 4 bytes long, so glibc's usable size (the
//   smallest n >= the request with n = 8 mod 16) always has the 3 bytes more
//   that the load needs (ASan counts the requested size only);
// - the value is only a prefetch address, a hint that never faults and changes
//   no result: no neighbour is read through it.
// gcc has no per-function ignore list and clang 14 cannot compile libtorch's
// headers as C++20, so the exemption is this translation unit's reads; writes,
// and every read in HnswVectorIndex, stay checked.
//
// The data hnswlib keeps inline per element is an 8-byte handle, not the
// vector: (slot << 1) | 1 for a stored row, or the address of a query's floats
// (even, being float-aligned). The distance function resolves both through the
// store and scores them with hnswlib's own inner-product kernel, so the graph
// and its answers are what a plain InnerProductSpace over copies would give.
#include "indexer/hnsw_graph.h"

#include <cstring>

#include <hnswlib/hnswlib.h>

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

}  // namespace

struct HnswGraph::Impl {
  Impl(const VectorStore& store, size_t max_elements, int m, int ef_construction)
      : space(store), graph(&space, max_elements, static_cast<size_t>(m), static_cast<size_t>(ef_construction)) {}
  StoreSpace space;
  hnswlib::HierarchicalNSW<float> graph;
};

HnswGraph::HnswGraph(const VectorStore& store, size_t max_elements, int m, int ef_construction)
    : impl_(std::make_unique<Impl>(store, max_elements, m, ef_construction)) {}

HnswGraph::~HnswGraph() = default;

void HnswGraph::reserve(size_t more) {
  auto& graph = impl_->graph;
  size_t capacity = graph.max_elements_;
  while (graph.cur_element_count + more > capacity) capacity *= 2;
  if (capacity != graph.max_elements_) graph.resizeIndex(capacity);
}

void HnswGraph::add(uint32_t slot) {
  const Handle handle = slotHandle(slot);
  impl_->graph.addPoint(&handle, slot);
}

void HnswGraph::markDeleted(uint32_t slot) { impl_->graph.markDelete(slot); }

std::vector<std::pair<float, uint32_t>> HnswGraph::search(const float* query, size_t n) const {
  const Handle handle = queryHandle(query);
  auto queue = impl_->graph.searchKnn(&handle, n);
  std::vector<std::pair<float, uint32_t>> nearest;
  nearest.reserve(queue.size());
  while (!queue.empty()) {
    nearest.emplace_back(queue.top().first, static_cast<uint32_t>(queue.top().second));
    queue.pop();
  }
  return nearest;
}

}  // namespace cs
