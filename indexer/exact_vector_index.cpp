// Exact search: one contiguous row-major matrix, scored with a libtorch matmul.
#include <torch/torch.h>

#include <algorithm>

#include "indexer/vector_index.h"

namespace cs {
namespace {

class ExactVectorIndex final : public VectorIndex {
 public:
  explicit ExactVectorIndex(const ExactVectorIndexOptions& options) : options_(options) {
    use_cuda_ = options.device == "cuda" && torch::cuda::is_available();
  }

  int dim() const override { return options_.dim; }

  void set(uint32_t slot, const float* vector) override {
    if (slot >= present_.size()) {
      present_.resize(slot + 1, 0);
      data_.resize(static_cast<size_t>(slot + 1) * options_.dim, 0.0f);
    }
    std::copy(vector, vector + options_.dim, data_.begin() + static_cast<long>(slot) * options_.dim);
    if (!present_[slot]) ++size_;
    present_[slot] = 1;
  }

  void remove(uint32_t slot) override {
    if (slot >= present_.size() || !present_[slot]) return;
    present_[slot] = 0;
    std::fill_n(data_.begin() + static_cast<long>(slot) * options_.dim, options_.dim, 0.0f);
    --size_;
  }

  size_t size() const override { return size_; }
  bool contains(uint32_t slot) const override { return slot < present_.size() && present_[slot]; }
  const float* vectorAt(uint32_t slot) const override {
    return contains(slot) ? data_.data() + static_cast<size_t>(slot) * options_.dim : nullptr;
  }

  std::vector<VectorHit> search(const float* query, size_t k,
                                const std::function<bool(uint32_t)>& allowed) const override {
    std::vector<VectorHit> hits;
    const int64_t rows = static_cast<int64_t>(present_.size());
    if (rows == 0 || k == 0) return hits;
    torch::NoGradGuard no_grad;
    auto matrix = torch::from_blob(const_cast<float*>(data_.data()), {rows, options_.dim}, torch::kFloat32);
    auto q = torch::from_blob(const_cast<float*>(query), {options_.dim, 1}, torch::kFloat32);
    torch::Tensor scores;
    if (use_cuda_) {
      scores = torch::mm(matrix.to(torch::kCUDA), q.to(torch::kCUDA)).squeeze(1).to(torch::kCPU);
    } else {
      scores = torch::mm(matrix, q).squeeze(1).contiguous();
    }
    float* s = scores.data_ptr<float>();
    // Absent and filtered-out rows can never win: masked before the cut.
    for (int64_t i = 0; i < rows; ++i) {
      if (!present_[i] || (allowed && !allowed(static_cast<uint32_t>(i)))) s[i] = -INFINITY;
    }
    const int64_t take = std::min<int64_t>(static_cast<int64_t>(k), rows);
    auto top = torch::topk(scores, take);
    auto values = std::get<0>(top);
    auto indices = std::get<1>(top);
    for (int64_t i = 0; i < take; ++i) {
      float v = values[i].item<float>();
      if (std::isinf(v)) break;
      hits.push_back(VectorHit{static_cast<uint32_t>(indices[i].item<int64_t>()), v});
    }
    return hits;
  }

 private:
  ExactVectorIndexOptions options_;
  bool use_cuda_ = false;
  std::vector<float> data_;
  std::vector<uint8_t> present_;
  size_t size_ = 0;
};

}  // namespace

std::unique_ptr<VectorIndex> makeExactVectorIndex(const ExactVectorIndexOptions& options) {
  return std::make_unique<ExactVectorIndex>(options);
}

}  // namespace cs
