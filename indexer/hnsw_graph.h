// HnswGraph: the one translation unit that instantiates hnswlib (0.6,
// Debian's header-only libhnswlib-dev): an inner-product HNSW graph over
// float vectors labelled by slot. HnswVectorIndex (hnsw_vector_index.cpp)
// keeps everything else, so that under ASan only hnswlib's own reads go
// unchecked (see hnsw_graph.cpp and indexer/CMakeLists.txt).
//
// Thread-safety: as hnswlib's: add() and markDeleted() need exclusive access;
// concurrent search() calls are safe (the owning Index serialises them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace cs {

class HnswGraph {
 public:
  HnswGraph(int dim, size_t max_elements, int m, int ef_construction);
  ~HnswGraph();
  HnswGraph(const HnswGraph&) = delete;
  HnswGraph& operator=(const HnswGraph&) = delete;

  // Inserts `label`, or replaces its vector and clears its deleted mark;
  // doubles the capacity when the graph is full.
  void add(const float* vector, uint32_t label);
  void markDeleted(uint32_t label);
  // The `n` nearest (hnswlib searches with ef = max(ef, n)), each as
  // (distance = 1 - inner product, label), in no particular order.
  std::vector<std::pair<float, uint32_t>> search(const float* query, size_t n) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs
