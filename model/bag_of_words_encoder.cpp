// CodeEncoder implementation for the attention-pooled bag-of-words model.
#include <thread>

#include "model/code_encoder.h"
#include "model/model_file.h"

namespace cs {
namespace {

constexpr size_t kInferenceBatch = 512;

class BagOfWordsEncoder final : public CodeEncoder {
 public:
  BagOfWordsEncoder(LoadedModel loaded, torch::Device device)
      : loaded_(std::move(loaded)), device_(device) {
    loaded_.model->to(device_);
  }

  const std::string& modelId() const override { return loaded_.model_id; }
  int dim() const override { return loaded_.model->config.vectorDim(); }
  std::string device() const override { return device_.is_cuda() ? "cuda" : "cpu"; }

  std::vector<float> encodeCode(const std::vector<std::string>& texts) const override {
    return encode(texts, /*code=*/true);
  }
  std::vector<float> encodeQuery(const std::vector<std::string>& texts) const override {
    return encode(texts, /*code=*/false);
  }

 private:
  std::vector<float> encode(const std::vector<std::string>& texts, bool code) const {
    std::vector<float> out;
    out.reserve(texts.size() * static_cast<size_t>(dim()));
    try {
      torch::NoGradGuard no_grad;
      for (size_t begin = 0; begin < texts.size(); begin += kInferenceBatch) {
        size_t end = std::min(texts.size(), begin + kInferenceBatch);
        std::vector<std::vector<int>> ids;
        ids.reserve(end - begin);
        const NbowConfig& config = loaded_.model->config;
        for (size_t i = begin; i < end; ++i) {
          ids.push_back(code ? codeInput(*loaded_.tokenizer, texts[i], config) : queryInput(*loaded_.tokenizer, texts[i], config));
        }
        auto input = padIds(ids).to(device_);
        auto vectors = (code ? loaded_.model->encodeCode(input) : loaded_.model->encodeQuery(input))
                           .to(torch::kCPU)
                           .contiguous();
        const float* data = vectors.data_ptr<float>();
        out.insert(out.end(), data, data + vectors.numel());
      }
    } catch (const std::exception&) {
      return {};  // callers treat a short answer as "no vectors" and fall back to lexical
    }
    return out;
  }

  mutable LoadedModel loaded_;  // torch modules have no const forward; inference does not mutate them
  torch::Device device_;
};

}  // namespace

Result<std::unique_ptr<CodeEncoder>> CodeEncoder::load(const std::string& path, const EncoderOptions& options) {
  auto loaded = loadModelFile(path);
  if (!loaded.ok()) return loaded.error();
  bool cuda = torch::cuda::is_available();
  if (options.device == "cuda" && !cuda) return makeError("--device cuda requested but CUDA is not available");
  torch::Device device = (options.device == "cpu" || !cuda) ? torch::kCPU : torch::kCUDA;
  // libtorch defaults to one intra-op thread here; use what was asked for.
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  return std::unique_ptr<CodeEncoder>(std::make_unique<BagOfWordsEncoder>(std::move(loaded.value()), device));
}

}  // namespace cs
