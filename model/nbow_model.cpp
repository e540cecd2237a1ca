#include "model/nbow_model.h"

#include <algorithm>
#include <cmath>

#include "model/tokenizer.h"

namespace cs {

NbowTowerImpl::NbowTowerImpl(const NbowConfig& config, torch::nn::EmbeddingBag shared_embedding) {
  if (shared_embedding) {
    embedding = shared_embedding;
  } else {
    // Dense gradients: on this libtorch, sparse embedding gradients are ~4x slower to apply.
    embedding = register_module(
        "embedding", torch::nn::EmbeddingBag(torch::nn::EmbeddingBagOptions(config.tableRows(), config.embedding_dim)
                                                 .mode(torch::kSum)));
  }
  attention = register_module("attention", torch::nn::Embedding(torch::nn::EmbeddingOptions(config.tableRows(), 1)));
  torch::NoGradGuard no_grad;
  attention->weight.zero_();  // start as mean pooling
  projection = register_module("projection", torch::nn::Linear(config.embedding_dim, config.output_dim));
}

torch::Tensor NbowTowerImpl::forward(const torch::Tensor& ids) {
  auto pad = ids.eq(Tokenizer::kPad);                                          // [B, L]
  auto scores = attention->forward(ids).squeeze(2).masked_fill(pad, -1e9);    // [B, L]
  auto weights = torch::softmax(scores, 1);
  auto pooled = embedding->forward(ids, {}, weights);                         // [B, E]
  auto out = projection->forward(pooled);
  return torch::nn::functional::normalize(out, torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-8));
}

NbowModelImpl::NbowModelImpl(const NbowConfig& cfg) : config(cfg) {
  config.members = std::max(1, config.members);
  for (int m = 0; m < config.members; ++m) {
    const std::string suffix = m == 0 ? "" : std::to_string(m);
    auto code_tower = register_module("code" + suffix, NbowTower(config, nullptr));
    codes.push_back(code_tower);
    queries.push_back(register_module("query" + suffix, NbowTower(config, config.tied ? code_tower->embedding : nullptr)));
    logit_scales.push_back(register_parameter("logit_scale" + suffix, torch::full({1}, std::log(20.0f))));
  }
}

namespace {

torch::Tensor concatenateMembers(std::vector<NbowTower>& towers, const torch::Tensor& ids) {
  if (towers.size() == 1) return towers[0]->forward(ids);
  std::vector<torch::Tensor> parts;
  for (auto& tower : towers) parts.push_back(tower->forward(ids));
  return torch::cat(parts, 1) / std::sqrt(static_cast<double>(towers.size()));
}

}  // namespace

torch::Tensor NbowModelImpl::encodeCode(const torch::Tensor& ids) { return concatenateMembers(codes, ids); }
torch::Tensor NbowModelImpl::encodeQuery(const torch::Tensor& ids) { return concatenateMembers(queries, ids); }

std::vector<int> modelInput(std::vector<int> ids, const NbowConfig& config) {
  if (config.bigram_buckets <= 0 || ids.size() < 2) return ids;
  const size_t unigrams = ids.size();
  ids.reserve(unigrams * 2 - 1);
  for (size_t i = 0; i + 1 < unigrams; ++i) {
    uint64_t pair = (static_cast<uint64_t>(static_cast<uint32_t>(ids[i])) << 32) | static_cast<uint32_t>(ids[i + 1]);
    pair *= 0x9e3779b97f4a7c15ull;  // Fibonacci hashing: stable across builds and platforms
    ids.push_back(config.vocab_size + static_cast<int>((pair >> 32) % static_cast<uint64_t>(config.bigram_buckets)));
  }
  return ids;
}

std::vector<int> codeInput(const Tokenizer& tokenizer, const std::string& text, const NbowConfig& config) {
  return modelInput(tokenizer.encode(text, static_cast<size_t>(config.max_code_tokens)), config);
}

std::vector<int> queryInput(const Tokenizer& tokenizer, const std::string& text, const NbowConfig& config) {
  return modelInput(tokenizer.encode(text, static_cast<size_t>(config.max_query_tokens)), config);
}

torch::Tensor padIds(const std::vector<std::vector<int>>& ids) {
  size_t longest = 1;
  for (const auto& row : ids) longest = std::max(longest, row.size());
  auto tensor = torch::zeros({static_cast<int64_t>(ids.size()), static_cast<int64_t>(longest)}, torch::kInt64);
  auto accessor = tensor.accessor<int64_t, 2>();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].empty()) {
      accessor[static_cast<int64_t>(i)][0] = Tokenizer::kUnknown;
      continue;
    }
    for (size_t j = 0; j < ids[i].size(); ++j) accessor[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = ids[i][j];
  }
  return tensor;
}

}  // namespace cs
