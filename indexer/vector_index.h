// VectorIndex: maximum-inner-product search over the L2-normalised vectors of a
// VectorStore (vector_store.h), addressed by slot. Two implementations share
// the interface: exact search (the reference answer, used for recall tests and
// below the HNSW threshold) and HNSW for large indexes. Both read the vectors
// from the one store; the owner sets a row in the store first, then tells each
// index (`added`), and tells them before removing it (`removing`). Filters are
// applied inside the search, before the top-k cut.
//
// Thread-safety: not synchronised; the owning Index serialises writers against
// readers. Concurrent const calls are safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "indexer/vector_store.h"
#include "support/result.h"

namespace cs {

struct VectorHit {
  uint32_t slot = 0;
  float score = 0;  // inner product = cosine for normalised vectors
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;
  virtual void added(uint32_t slot) = 0;     // the store's row `slot` was set (new or replaced)
  virtual void removing(uint32_t slot) = 0;  // the store's row `slot` is about to go
  // `added` for many slots at once, on up to `threads` threads (HNSW builds
  // in parallel; the store must not change meanwhile).
  virtual void addedMany(const std::vector<uint32_t>& slots, int threads) {
    for (uint32_t slot : slots) added(slot);
  }
  // `allowed` may be empty (= every slot).
  virtual std::vector<VectorHit> search(const float* query, size_t k,
                                        const std::function<bool(uint32_t)>& allowed) const = 0;
};

std::unique_ptr<VectorIndex> makeExactVectorIndex(const VectorStore& store);

struct HnswVectorIndexOptions {
  size_t max_elements = 1 << 16;  // grows automatically
  int m = 16;
  int ef_construction = 200;
  int ef_search = 200;            // raised to >= 2k per query
};

// The HNSW index, which can also be saved and loaded back (hnsw_graph.h): a
// warm start loads the graph instead of inserting every vector again.
class HnswVectorIndex : public VectorIndex {
 public:
  virtual bool holds(uint32_t slot) const = 0;   // in the graph, not deleted
  // Writes the graph to `path`; returns its size in bytes. Its elements are
  // named by slot: the caller records what each slot held (saved_graph.h).
  virtual Result<uint64_t> save(const std::string& path) const = 0;
  // For a loaded index: renames the saved slots to this store's (saved slot
  // -> slot, or nullopt: the element stays only to route searches). Until
  // then the index holds nothing and answers nothing. Returns how many
  // elements it now holds.
  virtual size_t relabel(const std::function<std::optional<uint32_t>(uint32_t)>& renamed) = 0;
};

std::unique_ptr<HnswVectorIndex> makeHnswVectorIndex(const VectorStore& store, const HnswVectorIndexOptions& options);
// The graph `save` wrote, to be relabelled; an error when the file is missing,
// unreadable, of another shape or unsound (then build a new one).
Result<std::unique_ptr<HnswVectorIndex>> loadHnswVectorIndex(const VectorStore& store,
                                                              const HnswVectorIndexOptions& options,
                                                              const std::string& path);

}  // namespace cs
