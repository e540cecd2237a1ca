// The device matrix (device_vector_index.h): a [capacity, dim] tensor and a
// [capacity] presence mask on the device, written row by row, searched with
// mv + masked_fill + topk. libtorch errors (a device out of memory) are
// caught here: the index then reports failed() and its owner searches on the
// host instead; nothing throws past this file.
#include "indexer/device_vector_index.h"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>

namespace cs {
namespace {

class TorchVectorIndex final : public DeviceVectorIndex {
 public:
  TorchVectorIndex(const VectorStore& store, torch::Device device, size_t initial_rows)
      : store_(store), device_(device), dtype_(device.is_cuda() ? torch::kHalf : torch::kFloat),
        dim_(store.dim()) {
    allocate(std::max<size_t>(initial_rows, 1));
  }

  std::string device() const override { return device_.is_cuda() ? "cuda" : "cpu"; }
  size_t capacity() const override { return capacity_; }
  size_t deviceBytes() const override {
    return capacity_ * static_cast<size_t>(dim_) * (dtype_ == torch::kHalf ? 2 : 4) + capacity_;
  }
  bool failed() const override { return failed_; }

  void added(uint32_t slot) override { addedMany({slot}, 1); }

  // The store's rows, gathered on the host, go to the device in one copy
  // and land in place with index_copy_.
  void addedMany(const std::vector<uint32_t>& slots, int) override {
    if (failed_ || slots.empty()) return;
    guarded("adding rows", [&] {
      const uint32_t highest = *std::max_element(slots.begin(), slots.end());
      if (highest >= capacity_) grow(static_cast<size_t>(highest) + 1);
      torch::Tensor rows = torch::empty({static_cast<int64_t>(slots.size()), dim_}, torch::kFloat);
      torch::Tensor index = torch::empty({static_cast<int64_t>(slots.size())}, torch::kLong);
      float* out = rows.data_ptr<float>();
      int64_t* at = index.data_ptr<int64_t>();
      int64_t n = 0;
      for (uint32_t slot : slots) {
        const std::vector<float> row = store_.row(slot);
        if (row.empty()) continue;  // not in the store (any more): nothing to mirror
        std::copy(row.begin(), row.end(), out + n * dim_);
        at[n++] = slot;
      }
      if (n == 0) return;
      rows = rows.narrow(0, 0, n);
      index = index.narrow(0, 0, n).to(device_);
      matrix_.index_copy_(0, index, rows.to(device_, dtype_));
      present_.index_fill_(0, index, true);
      rows_ = std::max<int64_t>(rows_, static_cast<int64_t>(highest) + 1);
    });
  }

  void removing(uint32_t slot) override {
    if (failed_ || slot >= capacity_) return;
    guarded("removing a row", [&] { present_[slot] = false; });
  }

  std::vector<VectorHit> search(const float* query, size_t k,
                                const std::function<bool(uint32_t)>& allowed) const override {
    std::vector<VectorHit> hits;
    if (failed_ || k == 0 || rows_ == 0) return hits;
    guarded("searching", [&] {
      c10::InferenceMode inference;
      torch::Tensor q = torch::from_blob(const_cast<float*>(query), {dim_}, torch::kFloat).to(device_, dtype_);
      torch::Tensor scores = matrix_.narrow(0, 0, rows_).mv(q).to(torch::kFloat);
      torch::Tensor keep = present_.narrow(0, 0, rows_);
      if (allowed) keep = keep.logical_and(allowedMask(allowed));
      scores.masked_fill_(keep.logical_not(), -std::numeric_limits<float>::infinity());
      const int64_t want = std::min<int64_t>(static_cast<int64_t>(k), rows_);
      auto [values, indices] = scores.topk(want);
      values = values.cpu();
      indices = indices.cpu();
      const float* v = values.data_ptr<float>();
      const int64_t* s = indices.data_ptr<int64_t>();
      for (int64_t i = 0; i < want && std::isfinite(v[i]); ++i) hits.push_back({static_cast<uint32_t>(s[i]), v[i]});
      // topk leaves the order of equal scores open: the exact index's (lower slot first).
      std::stable_sort(hits.begin(), hits.end(), [](const VectorHit& a, const VectorHit& b) {
        return a.score != b.score ? a.score > b.score : a.slot < b.slot;
      });
    });
    return hits;
  }

  std::vector<float> deviceRow(uint32_t slot) const override {
    std::vector<float> out;
    if (failed_ || slot >= rows_ || !present_[slot].item<bool>()) return out;
    torch::Tensor row = matrix_[slot].to(torch::kFloat).cpu().contiguous();
    out.assign(row.data_ptr<float>(), row.data_ptr<float>() + dim_);
    return out;
  }

 private:
  void allocate(size_t rows) {
    const auto options = torch::TensorOptions().device(device_);
    matrix_ = torch::zeros({static_cast<int64_t>(rows), dim_}, options.dtype(dtype_));
    present_ = torch::zeros({static_cast<int64_t>(rows)}, options.dtype(torch::kBool));
    capacity_ = rows;
  }

  // Doubling (at least to `rows`): the one copy of the whole matrix, on the device.
  void grow(size_t rows) {
    torch::Tensor old_matrix = matrix_;
    torch::Tensor old_present = present_;
    const int64_t old_rows = static_cast<int64_t>(capacity_);
    allocate(std::max(rows, capacity_ * 2));
    matrix_.narrow(0, 0, old_rows).copy_(old_matrix);
    present_.narrow(0, 0, old_rows).copy_(old_present);
  }

  // The filter over rows [0, rows_), evaluated on the host, as a device mask.
  torch::Tensor allowedMask(const std::function<bool(uint32_t)>& allowed) const {
    torch::Tensor mask = torch::zeros({rows_}, torch::kBool);
    bool* m = mask.data_ptr<bool>();
    for (int64_t slot = 0; slot < rows_; ++slot)
      m[slot] = store_.contains(static_cast<uint32_t>(slot)) && allowed(static_cast<uint32_t>(slot));
    return mask.to(device_);
  }

  template <class Work>
  void guarded(const char* what, Work work) const {
    try {
      work();
    } catch (const std::exception& e) {
      std::call_once(failure_reported_, [&] {
        std::fprintf(stderr, "codesearch: the %s vector index failed %s (%s); searching on the host instead\n",
                     device().c_str(), what, e.what());
      });
      failed_ = true;
    }
  }

  const VectorStore& store_;
  torch::Device device_;
  torch::ScalarType dtype_;
  int64_t dim_;
  torch::Tensor matrix_;   // [capacity_, dim_], dtype_
  torch::Tensor present_;  // [capacity_], bool
  size_t capacity_ = 0;
  int64_t rows_ = 0;       // highest slot ever added + 1
  mutable std::atomic<bool> failed_{false};
  mutable std::once_flag failure_reported_;
};

}  // namespace

bool cudaAvailable() {
  try {
    return torch::cuda::is_available();
  } catch (const std::exception&) {
    return false;
  }
}

Result<std::unique_ptr<DeviceVectorIndex>> makeDeviceVectorIndex(const VectorStore& store,
                                                                 const DeviceVectorIndexOptions& options) {
  if (options.device != "cpu" && options.device != "cuda")
    return makeError("unknown vector device '" + options.device + "' (cpu or cuda)");
  if (options.device == "cuda" && !cudaAvailable()) return makeError("vector device cuda requested but CUDA is not available");
  try {
    const torch::Device device = options.device == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    return std::unique_ptr<DeviceVectorIndex>(std::make_unique<TorchVectorIndex>(store, device, options.initial_rows));
  } catch (const std::exception& e) {
    return makeError(std::string("allocating the ") + options.device + " vector index: " + e.what());
  }
}

}  // namespace cs
