#include "indexer/vector_store.h"

#include <algorithm>

#include "indexer/half_vectors.h"

namespace cs {

void VectorStore::set(uint32_t slot, const float* vector) {
  if (slot >= present_.size()) present_.resize(slot + 1, 0);
  while (blocks_.size() <= (slot >> kBlockShift))
    blocks_.push_back(std::make_unique_for_overwrite<uint16_t[]>(kBlockRows * static_cast<size_t>(dim_)));
  encodeHalves(vector, static_cast<size_t>(dim_), bits(slot));
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
  decodeHalves(bits(slot), out.size(), out.data());
  return out;
}

bool VectorStore::sameRow(uint32_t slot, const float* vector) const {
  if (!contains(slot)) return false;
  std::vector<uint16_t> rounded(static_cast<size_t>(dim_));
  encodeHalves(vector, rounded.size(), rounded.data());
  return std::equal(rounded.begin(), rounded.end(), bits(slot));
}

float VectorStore::dot(uint32_t slot, const float* query) const {
  return dotHalfFloat(bits(slot), query, static_cast<size_t>(dim_));
}

float VectorStore::dotRows(uint32_t a, uint32_t b) const {
  return dotHalfHalf(bits(a), bits(b), static_cast<size_t>(dim_));
}

}  // namespace cs
