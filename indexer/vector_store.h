// VectorStore: the index's embedding vectors, held once. One contiguous
// row-major float matrix addressed by slot, with a presence flag per row; the
// exact index scores the matrix directly and the HNSW graph keeps only slot
// handles into it (vector_index.h), so a vector is never copied per index.
//
// Thread-safety: not synchronised; the owning Index serialises writers against
// readers (a write may reallocate the matrix). Concurrent const calls are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cs {

class VectorStore {
 public:
  explicit VectorStore(int dim) : dim_(dim) {}

  int dim() const { return dim_; }
  void set(uint32_t slot, const float* vector);  // insert or replace
  // The row stops being present but keeps its values until the slot is set
  // again: the HNSW graph still routes searches through a deleted element.
  void remove(uint32_t slot);
  bool contains(uint32_t slot) const { return slot < present_.size() && present_[slot]; }
  const float* row(uint32_t slot) const {        // nullptr when absent
    return contains(slot) ? data_.data() + static_cast<size_t>(slot) * dim_ : nullptr;
  }
  // Any row ever set, present or not; slot < rows().
  const float* rowUnchecked(uint32_t slot) const { return data_.data() + static_cast<size_t>(slot) * dim_; }
  size_t size() const { return size_; }          // present rows
  uint32_t rows() const { return static_cast<uint32_t>(present_.size()); }  // highest slot ever set + 1
  const float* data() const { return data_.data(); }  // rows() x dim(), row-major

 private:
  int dim_;
  std::vector<float> data_;
  std::vector<uint8_t> present_;
  size_t size_ = 0;
};

}  // namespace cs
