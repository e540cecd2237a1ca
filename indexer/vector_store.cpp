#include "indexer/vector_store.h"

#include <algorithm>

namespace cs {

void VectorStore::set(uint32_t slot, const float* vector) {
  if (slot >= present_.size()) {
    present_.resize(slot + 1, 0);
    data_.resize(static_cast<size_t>(slot + 1) * dim_, 0.0f);
  }
  std::copy(vector, vector + dim_, data_.begin() + static_cast<long>(slot) * dim_);
  if (!present_[slot]) ++size_;
  present_[slot] = 1;
}

void VectorStore::remove(uint32_t slot) {
  if (!contains(slot)) return;
  present_[slot] = 0;  // the row keeps its old values until the slot is reused (see the header)
  --size_;
}

}  // namespace cs
