// HnswGraph: the one translation unit that instantiates hnswlib (0.6,
// Debian's header-only libhnswlib-dev): an inner-product HNSW graph over the
// rows of a VectorStore, labelled by slot. The graph keeps an 8-byte handle
// per element instead of a copy of its vector (hnsw_graph.cpp), so each
// vector is held once, in the store. HnswVectorIndex (hnsw_vector_index.cpp)
// keeps everything else, so that under ASan only hnswlib's own reads go
// unchecked (see hnsw_graph.cpp and indexer/CMakeLists.txt).
//
// Thread-safety: as hnswlib's: add() may run concurrently for distinct slots
// once reserve() made room; reserve() and markDeleted() need exclusive access;
// concurrent search() calls are safe (the owning Index serialises them). The
// store must not change while any of them runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "indexer/vector_store.h"

namespace cs {

class HnswGraph {
 public:
  HnswGraph(const VectorStore& store, size_t max_elements, int m, int ef_construction);
  ~HnswGraph();
  HnswGraph(const HnswGraph&) = delete;
  HnswGraph& operator=(const HnswGraph&) = delete;

  // Room for `more` elements beyond those in the graph (doubling the capacity).
  void reserve(size_t more);
  // Inserts `slot` with the store's row, or re-links it for the row's new
  // values and clears its deleted mark. Call reserve() first.
  void add(uint32_t slot);
  void markDeleted(uint32_t slot);
  // The `n` nearest (hnswlib searches with ef = max(ef, n)), each as
  // (distance = 1 - inner product, slot), in no particular order.
  std::vector<std::pair<float, uint32_t>> search(const float* query, size_t n) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs
