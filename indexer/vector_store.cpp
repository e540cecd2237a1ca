#include "indexer/vector_store.h"

#include <algorithm>
#include <cmath>

#include "indexer/int8_vectors.h"

namespace cs {

void VectorStore::set(uint32_t slot, const float* vector) {
  if (slot >= present_.size()) {
    present_.resize(slot + 1, 0);
    scales_.resize(slot + 1, 0.0f);
  }
  while (blocks_.size() <= (slot >> kBlockShift))
    blocks_.push_back(std::make_unique_for_overwrite<int8_t[]>(kBlockRows * static_cast<size_t>(dim_)));
  scales_[slot] = encodeInt8(vector, static_cast<size_t>(dim_), bits(slot));
  if (!present_[slot]) ++size_;
  present_[slot] = 1;
}

void VectorStore::remove(uint32_t slot) {
  if (!contains(slot)) return;
  present_[slot] = 0;  // the row keeps its old values until the slot is reused (see the header)
  --size_;
}

std::vector<float> VectorStore::row(uint32_t slot) const {
  std::vector<float> out;
  if (!contains(slot)) return out;
  out.resize(static_cast<size_t>(dim_));
  decodeInt8(bits(slot), scales_[slot], out.size(), out.data());
  return out;
}

bool VectorStore::sameRow(uint32_t slot, const float* vector) const {
  if (!contains(slot)) return false;
  std::vector<int8_t> quantised(static_cast<size_t>(dim_));
  const float scale = encodeInt8(vector, quantised.size(), quantised.data());
  // A row read back quantises to the same bytes, its scale to within a rounding.
  return std::fabs(scale - scales_[slot]) <= 1e-6f * scales_[slot] &&
         std::equal(quantised.begin(), quantised.end(), bits(slot));
}

float VectorStore::dot(uint32_t slot, const float* query) const {
  return scales_[slot] * dotInt8Float(bits(slot), query, static_cast<size_t>(dim_));
}

float VectorStore::dotRows(uint32_t a, uint32_t b) const {
  return scales_[a] * scales_[b] * static_cast<float>(dotInt8Int8(bits(a), bits(b), static_cast<size_t>(dim_)));
}

}  // namespace cs
