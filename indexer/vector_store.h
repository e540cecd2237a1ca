// VectorStore: the index's embedding vectors, held once, as int8 rows with a
// scale each (int8_vectors.h), in fixed blocks addressed by slot, with a
// presence flag per row; the exact index scans the rows directly and the HNSW
// graph keeps only slot handles into them (vector_index.h), so a vector is
// never copied per index. A vector set here reads back quantised: equality
// with a caller's floats is judged after the same quantisation (sameRow), and
// quantising a row read back gives the same row again.
//
// Thread-safety: not synchronised; the owning Index serialises writers against
// readers (a write may reallocate the matrix). Concurrent const calls are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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
  // The row as floats, or empty when absent.
  std::vector<float> row(uint32_t slot) const;
  // Whether the row is present and equals `vector` once quantised.
  bool sameRow(uint32_t slot, const float* vector) const;
  // Inner products: a present or deleted row (slot < rows()) with a float
  // query, and two such rows with each other.
  float dot(uint32_t slot, const float* query) const;
  float dotRows(uint32_t a, uint32_t b) const;
  size_t size() const { return size_; }          // present rows
  uint32_t rows() const { return static_cast<uint32_t>(present_.size()); }  // highest slot ever set + 1
  size_t bytes() const {
    return blocks_.size() * kBlockRows * static_cast<size_t>(dim_) + scales_.capacity() * sizeof(float) + present_.capacity();
  }

 private:
  // Rows live in fixed blocks that never move: growing the store allocates a
  // block, never copies the matrix (a doubling vector held the old and the
  // new copy at once, half a gigabyte more at a kernel-sized index).
  static constexpr uint32_t kBlockShift = 14;
  static constexpr size_t kBlockRows = size_t{1} << kBlockShift;
  int8_t* bits(uint32_t slot) const {
    return blocks_[slot >> kBlockShift].get() + static_cast<size_t>(slot & (kBlockRows - 1)) * dim_;
  }

  int dim_;
  std::vector<std::unique_ptr<int8_t[]>> blocks_;
  std::vector<float> scales_;  // by slot
  std::vector<uint8_t> present_;
  size_t size_ = 0;
};

}  // namespace cs
