// VectorIndex: maximum-inner-product search over L2-normalised vectors
// addressed by slot. Two implementations share the interface: exact search
// (the reference answer, used for recall tests and below the HNSW threshold)
// and HNSW for large indexes. Filters are applied inside the search, before the
// top-k cut.
//
// Thread-safety: not synchronised; the owning Index serialises writers against
// readers. Concurrent const calls are safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "support/result.h"

namespace cs {

struct VectorHit {
  uint32_t slot = 0;
  float score = 0;  // inner product = cosine for normalised vectors
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;
  virtual int dim() const = 0;
  virtual void set(uint32_t slot, const float* vector) = 0;  // insert or replace
  virtual void remove(uint32_t slot) = 0;
  virtual size_t size() const = 0;
  virtual bool contains(uint32_t slot) const = 0;
  virtual const float* vectorAt(uint32_t slot) const = 0;  // nullptr when absent
  // `allowed` may be empty (= every slot).
  virtual std::vector<VectorHit> search(const float* query, size_t k,
                                        const std::function<bool(uint32_t)>& allowed) const = 0;
};

struct ExactVectorIndexOptions {
  int dim = 0;
  std::string device = "cpu";  // "cpu" or "cuda": where the score matmul runs
};
std::unique_ptr<VectorIndex> makeExactVectorIndex(const ExactVectorIndexOptions& options);

struct HnswVectorIndexOptions {
  int dim = 0;
  size_t max_elements = 1 << 16;  // grows automatically
  int m = 16;
  int ef_construction = 200;
  int ef_search = 200;            // raised to >= 2k per query
};
std::unique_ptr<VectorIndex> makeHnswVectorIndex(const HnswVectorIndexOptions& options);

}  // namespace cs
