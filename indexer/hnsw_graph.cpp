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
#include "indexer/hnsw_graph.h"

#include <hnswlib/hnswlib.h>

namespace cs {

struct HnswGraph::Impl {
  Impl(int dim, size_t max_elements, int m, int ef_construction)
      : space(static_cast<size_t>(dim)),
        graph(&space, max_elements, static_cast<size_t>(m), static_cast<size_t>(ef_construction)) {}
  hnswlib::InnerProductSpace space;
  hnswlib::HierarchicalNSW<float> graph;
};

HnswGraph::HnswGraph(int dim, size_t max_elements, int m, int ef_construction)
    : impl_(std::make_unique<Impl>(dim, max_elements, m, ef_construction)) {}

HnswGraph::~HnswGraph() = default;

void HnswGraph::add(const float* vector, uint32_t label) {
  auto& graph = impl_->graph;
  if (graph.cur_element_count + 1 > graph.max_elements_) graph.resizeIndex(graph.max_elements_ * 2);
  graph.addPoint(vector, label);
}

void HnswGraph::markDeleted(uint32_t label) { impl_->graph.markDelete(label); }

std::vector<std::pair<float, uint32_t>> HnswGraph::search(const float* query, size_t n) const {
  auto queue = impl_->graph.searchKnn(query, n);
  std::vector<std::pair<float, uint32_t>> nearest;
  nearest.reserve(queue.size());
  while (!queue.empty()) {
    nearest.emplace_back(queue.top().first, static_cast<uint32_t>(queue.top().second));
    queue.pop();
  }
  return nearest;
}

}  // namespace cs
