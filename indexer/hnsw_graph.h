// HnswGraph: the one translation unit that instantiates hnswlib (0.6,
// Debian's header-only libhnswlib-dev): an inner-product HNSW graph over the
// rows of a VectorStore, labelled by slot. The graph keeps an 8-byte handle
// per element instead of a copy of its vector (hnsw_graph.cpp), so each
// vector is held once, in the store. HnswVectorIndex (hnsw_vector_index.cpp)
// keeps everything else, so that under ASan only hnswlib's own reads go
// unchecked (see hnsw_graph.cpp and indexer/CMakeLists.txt).
//
// A graph can be saved (hnswlib's own file layout) and loaded back for
// another index over the same vectors: load() reads the file and checks its
// structure, relabel() then renames its elements' slots to that index's (the
// rest stay in the graph as deleted elements, still routing searches).
//
// Thread-safety: as hnswlib's: add() may run concurrently for distinct slots
// once reserve() made room; reserve() and markDeleted() need exclusive access;
// concurrent search() calls are safe (the owning Index serialises them). The
// store must not change while any of them runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "indexer/vector_store.h"
#include "support/result.h"

namespace cs {

class HnswGraph {
 public:
  HnswGraph(const VectorStore& store, size_t max_elements, int m, int ef_construction);
  ~HnswGraph();
  HnswGraph(const HnswGraph&) = delete;
  HnswGraph& operator=(const HnswGraph&) = delete;

  // A graph saved by save() with the same `m`, room for `max_elements`. Its
  // elements keep the saved slots as labels until relabel(); the file is
  // refused (an error, nothing loaded) unless every link stays inside it.
  static Result<std::unique_ptr<HnswGraph>> load(const VectorStore& store, const std::string& path,
                                                  size_t max_elements, int m);
  // Renames every element's slot by `renamed` (saved slot -> slot in `store`);
  // an element without one, or deleted, becomes a deleted element whose
  // distance to anything is 1. Returns the slots now present. Exclusive access.
  std::vector<uint32_t> relabel(const std::function<std::optional<uint32_t>(uint32_t)>& renamed);
  // Writes the graph to `path` (replaced whole); returns its size in bytes.
  Result<uint64_t> save(const std::string& path) const;

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
  explicit HnswGraph(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs
