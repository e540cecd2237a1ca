#include "model/model_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "model/code_encoder.h"

namespace cs {
namespace {

Tokenizer tinyTokenizer() {
  std::vector<std::string> pieces = {"<pad>", "<unk>", "\xe2\x96\x81parse", "\xe2\x96\x81url", "\xe2\x96\x81token"};
  return std::move(Tokenizer::fromPieces(pieces, {-100, -100, -1, -1, -1}).value());
}

std::string tempPath(const std::string& name) { return std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid())); }

TEST(ModelFile, SaveLoadRoundTripGivesIdenticalVectors) {
  NbowConfig config;
  config.vocab_size = 5;
  config.embedding_dim = 16;
  config.output_dim = 16;
  NbowModel model(config);
  // fp16 storage: give the weights values that are exact in half precision.
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.copy_((p * 64).round() / 64);
  }
  Tokenizer tokenizer = tinyTokenizer();
  const std::string path = tempPath("codesearch-model-roundtrip.bin");
  auto id = saveModelFile(path, model, tokenizer, {{"note", "test"}});
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->rfind("cs-nbow-", 0), 0u);

  auto encoder = CodeEncoder::load(path, EncoderOptions{"cpu", 1});
  ASSERT_TRUE(encoder.ok()) << encoder.error().message;
  EXPECT_EQ(encoder.value()->modelId(), *id);
  EXPECT_EQ(encoder.value()->dim(), 16);
  std::vector<float> a = encoder.value()->encodeCode({"parse url", "token"});
  ASSERT_EQ(a.size(), 32u);
  torch::NoGradGuard no_grad;
  model->eval();
  auto expected = model->encodeCode(padIds({tokenizer.encode("parse url"), tokenizer.encode("token")}));
  for (int i = 0; i < 32; ++i) EXPECT_NEAR(a[i], expected.view({-1})[i].item<float>(), 1e-3);
  // L2-normalised rows.
  float norm = 0;
  for (int i = 0; i < 16; ++i) norm += a[i] * a[i];
  EXPECT_NEAR(norm, 1.0f, 1e-4);
  // Saving the same weights again gives the same id.
  EXPECT_EQ(saveModelFile(path, model, tokenizer, {}).value(), *id);
  std::filesystem::remove(path);
}

TEST(ModelFile, BigramBucketsRoundTripAndMakeOrderMatter) {
  EXPECT_EQ(modelInput({2, 3, 4}, NbowConfig{}), (std::vector<int>{2, 3, 4}));  // no buckets: unigrams only
  NbowConfig config;
  config.vocab_size = 5;
  config.embedding_dim = 16;
  config.output_dim = 16;
  config.bigram_buckets = 7;
  auto input = modelInput({2, 3, 4}, config);
  ASSERT_EQ(input.size(), 5u);  // 3 pieces + 2 bigrams
  for (size_t i = 3; i < input.size(); ++i) {
    EXPECT_GE(input[i], 5);
    EXPECT_LT(input[i], 12);
  }
  NbowModel model(config);
  Tokenizer tokenizer = tinyTokenizer();
  const std::string path = tempPath("codesearch-model-bigrams.bin");
  ASSERT_TRUE(saveModelFile(path, model, tokenizer, {}).ok());
  auto loaded = loadModelFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->model->config.bigram_buckets, 7);
  auto encoder = CodeEncoder::load(path, EncoderOptions{"cpu", 1});
  ASSERT_TRUE(encoder.ok()) << encoder.error().message;
  std::vector<float> v = encoder.value()->encodeCode({"parse url", "url parse"});
  ASSERT_EQ(v.size(), 32u);
  float difference = 0;
  for (int i = 0; i < 16; ++i) difference += std::abs(v[i] - v[16 + i]);
  EXPECT_GT(difference, 1e-3);  // a bag of unigrams could not tell these apart
  std::filesystem::remove(path);
}

TEST(ModelFile, EnsembleMembersConcatenateAndRoundTrip) {
  NbowConfig config;
  config.vocab_size = 5;
  config.embedding_dim = 8;
  config.output_dim = 8;
  config.tied = true;
  config.members = 2;
  NbowModel model(config);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.copy_((p * 64).round() / 64);
  }
  ASSERT_EQ(model->codes.size(), 2u);
  // Each tensor listed once (the weight average in trainer.cpp relies on it): per member
  // the code tower's table, attention and projection (weight, bias), the query tower's
  // attention and projection, and the temperature; the tied table is not listed twice.
  EXPECT_EQ(model->parameters().size(), 16u);
  EXPECT_NE(model->codes[0]->embedding.ptr(), model->codes[1]->embedding.ptr());  // each member has its own table
  EXPECT_EQ(model->queries[1]->embedding.ptr(), model->codes[1]->embedding.ptr());  // tied within a member
  Tokenizer tokenizer = tinyTokenizer();
  const std::string path = tempPath("codesearch-model-members.bin");
  ASSERT_TRUE(saveModelFile(path, model, tokenizer, {}).ok());
  auto encoder = CodeEncoder::load(path, EncoderOptions{"cpu", 1});
  ASSERT_TRUE(encoder.ok()) << encoder.error().message;
  EXPECT_EQ(encoder.value()->dim(), 16);
  std::vector<float> v = encoder.value()->encodeCode({"parse url"});
  ASSERT_EQ(v.size(), 16u);
  torch::NoGradGuard no_grad;
  model->eval();
  auto ids = padIds({tokenizer.encode("parse url")});
  auto first = model->codes[0]->forward(ids).view({-1});
  auto second = model->codes[1]->forward(ids).view({-1});
  float norm = 0;
  for (int i = 0; i < 8; ++i) {
    EXPECT_NEAR(v[i], first[i].item<float>() / std::sqrt(2.0f), 1e-3);
    EXPECT_NEAR(v[8 + i], second[i].item<float>() / std::sqrt(2.0f), 1e-3);
  }
  for (float x : v) norm += x * x;
  EXPECT_NEAR(norm, 1.0f, 1e-4);  // still a unit vector: dot products are the members' mean cosine

  // A file that claims more members than it holds tensors for is refused, not half-random.
  std::string bytes;
  {
    NbowConfig single = config;
    single.members = 1;
    NbowModel one(single);
    ASSERT_TRUE(saveModelFile(path, one, tokenizer, {}).ok());
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  size_t at = bytes.find("\"members\":1");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 10] = '2';  // same length, so the header stays well-formed
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto lying = loadModelFile(path);
  ASSERT_FALSE(lying.ok());
  EXPECT_NE(lying.error().message.find("missing tensor"), std::string::npos) << lying.error().message;
  std::filesystem::remove(path);
}

TEST(ModelFile, RejectsBadMagicVersionAndMissingFiles) {
  const std::string path = tempPath("codesearch-not-a-model.bin");
  std::ofstream(path) << "GGUF this is something else";
  auto bad = loadModelFile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bad magic"), std::string::npos);
  std::ofstream out(path, std::ios::binary);
  out.write("CSMD", 4);
  uint32_t version = 99;
  out.write(reinterpret_cast<const char*>(&version), 4);
  out.close();
  auto wrong_version = loadModelFile(path);
  ASSERT_FALSE(wrong_version.ok());
  EXPECT_NE(wrong_version.error().message.find("version"), std::string::npos);
  EXPECT_FALSE(CodeEncoder::load("/nonexistent/model.bin").ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cs
