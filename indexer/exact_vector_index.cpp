// Exact search: the store's matrix scored with one libtorch matmul.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "indexer/vector_index.h"

namespace cs {
namespace {

class ExactVectorIndex final : public VectorIndex {
 public:
  ExactVectorIndex(const VectorStore& store, const ExactVectorIndexOptions& options) : store_(store) {
    use_cuda_ = options.device == "cuda" && torch::cuda::is_available();
  }

  void added(uint32_t) override {}
  void removing(uint32_t) override {}

  std::vector<VectorHit> search(const float* query, size_t k,
                                const std::function<bool(uint32_t)>& allowed) const override {
    std::vector<VectorHit> hits;
    const int64_t rows = store_.rows();
    const int64_t dim = store_.dim();
    if (rows == 0 || k == 0) return hits;
    torch::NoGradGuard no_grad;
    auto matrix = torch::from_blob(const_cast<float*>(store_.data()), {rows, dim}, torch::kFloat32);
    auto q = torch::from_blob(const_cast<float*>(query), {dim, 1}, torch::kFloat32);
    torch::Tensor scores;
    if (use_cuda_) {
      scores = torch::mm(matrix.to(torch::kCUDA), q.to(torch::kCUDA)).squeeze(1).to(torch::kCPU);
    } else {
      scores = torch::mm(matrix, q).squeeze(1).contiguous();
    }
    float* s = scores.data_ptr<float>();
    // Absent and filtered-out rows can never win: masked before the cut.
    for (int64_t i = 0; i < rows; ++i) {
      const auto slot = static_cast<uint32_t>(i);
      if (!store_.contains(slot) || (allowed && !allowed(slot))) s[i] = -INFINITY;
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
  const VectorStore& store_;
  bool use_cuda_ = false;
};

}  // namespace

std::unique_ptr<VectorIndex> makeExactVectorIndex(const VectorStore& store, const ExactVectorIndexOptions& options) {
  return std::make_unique<ExactVectorIndex>(store, options);
}

}  // namespace cs
