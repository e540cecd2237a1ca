// NbowModel: the bi-encoder's network — two towers (code, query), each a
// neural bag of words with learned attention pooling: every token has a learned
// attention score, the softmax of the scores over the input weights the sum of
// the token embeddings (one EmbeddingBag call), then a projection and L2 norm.
// Built around EmbeddingBag because Debian's libtorch runs gathers and
// elementwise ops over [batch, length, dim] tensors ~50x slower (MODEL_CARD.md).
// With `members` > 1 the model is an ensemble in one file: that many
// independently initialised pairs of towers, trained side by side on the same
// batches, whose unit vectors are concatenated and scaled by 1/sqrt(members),
// so a dot product is the members' mean cosine similarity.
//
// Thread-safety: forward() under NoGradGuard is safe from several threads at
// once; training (parameter updates) is single-threaded.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace cs {

struct NbowConfig {
  int vocab_size = 16000;
  int embedding_dim = 128;
  int output_dim = 128;
  bool tied = false;           // share the embedding table between the towers
  int max_code_tokens = 200;
  int max_query_tokens = 32;
  // Hashed token bigrams (fastText style): each adjacent pair of pieces also
  // enters the bag as one of this many extra table rows after the vocabulary,
  // a cheap token-order signal. 0 = unigrams only.
  int bigram_buckets = 0;
  int members = 1;             // towers per side, each with its own table (an ensemble); see above
  int tableRows() const { return vocab_size + bigram_buckets; }
  int vectorDim() const { return output_dim * members; }  // the length of the vectors the model emits
};

struct NbowTowerImpl : torch::nn::Module {
  NbowTowerImpl(const NbowConfig& config, torch::nn::EmbeddingBag shared_embedding);
  // ids: [batch, length] int64 with 0 = padding. Returns [batch, output_dim], L2-normalised.
  torch::Tensor forward(const torch::Tensor& ids);

  torch::nn::EmbeddingBag embedding{nullptr};
  torch::nn::Embedding attention{nullptr};  // [vocab, 1]: each token's attention score
  torch::nn::Linear projection{nullptr};
};
TORCH_MODULE(NbowTower);

struct NbowModelImpl : torch::nn::Module {
  explicit NbowModelImpl(const NbowConfig& config);
  // [batch, vectorDim()], L2-normalised: the members' vectors side by side.
  torch::Tensor encodeCode(const torch::Tensor& ids);
  torch::Tensor encodeQuery(const torch::Tensor& ids);

  NbowConfig config;
  // One entry per member. Member 0's modules are named "code", "query" and
  // "logit_scale" (as in single-member files); member m > 0 adds the suffix m.
  std::vector<NbowTower> codes, queries;
  std::vector<torch::Tensor> logit_scales;  // learned inverse temperatures (log space)
};
TORCH_MODULE(NbowModel);

// The model's input for one tokenised text: the piece ids, then one hashed
// bigram id per adjacent pair when config.bigram_buckets > 0.
std::vector<int> modelInput(std::vector<int> ids, const NbowConfig& config);

// Text to each tower's input: tokenised, capped at the tower's length, then modelInput().
std::vector<int> codeInput(const class Tokenizer& tokenizer, const std::string& text, const NbowConfig& config);
std::vector<int> queryInput(const class Tokenizer& tokenizer, const std::string& text, const NbowConfig& config);

// Pads id lists into a [batch, max length] int64 tensor (0 = padding; an empty
// list becomes one <unk> so every row has a token).
torch::Tensor padIds(const std::vector<std::vector<int>>& ids);

}  // namespace cs
