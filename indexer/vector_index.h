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
#include <string>
#include <vector>

#include "indexer/vector_store.h"

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

struct ExactVectorIndexOptions {
  std::string device = "cpu";  // "cpu" or "cuda": where the score matmul runs
};
std::unique_ptr<VectorIndex> makeExactVectorIndex(const VectorStore& store, const ExactVectorIndexOptions& options);

struct HnswVectorIndexOptions {
  size_t max_elements = 1 << 16;  // grows automatically
  int m = 16;
  int ef_construction = 200;
  int ef_search = 200;            // raised to >= 2k per query
};
std::unique_ptr<VectorIndex> makeHnswVectorIndex(const VectorStore& store, const HnswVectorIndexOptions& options);

}  // namespace cs
