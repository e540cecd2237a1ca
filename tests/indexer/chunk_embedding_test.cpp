#include "indexer/chunk_embedding.h"

#include <cmath>

#include <gtest/gtest.h>

namespace cs {
namespace {

// The code tower answers one fixed direction per text, the query tower
// another, and both remember what they were asked to embed.
class TwoDirectionEncoder final : public CodeEncoder {
 public:
  const std::string& modelId() const override { return id_; }
  int dim() const override { return 3; }
  std::string device() const override { return "cpu"; }
  std::vector<float> encodeCode(const std::vector<std::string>& texts) const override {
    code_texts.insert(code_texts.end(), texts.begin(), texts.end());
    return repeat({1, 0, 0}, texts.size());
  }
  std::vector<float> encodeQuery(const std::vector<std::string>& texts) const override {
    query_texts.insert(query_texts.end(), texts.begin(), texts.end());
    if (malformed_queries) return {1};
    return repeat({0, 1, 0}, texts.size());
  }
  mutable std::vector<std::string> code_texts, query_texts;
  bool malformed_queries = false;

 private:
  static std::vector<float> repeat(std::vector<float> row, size_t n) {
    std::vector<float> out;
    for (size_t i = 0; i < n; ++i) out.insert(out.end(), row.begin(), row.end());
    return out;
  }
  std::string id_ = "two-directions";
};

Chunk documented() {
  Chunk chunk;
  chunk.language = "python";
  chunk.kind = "function";
  chunk.name = "parse_url";
  chunk.doc = "Split a URL into scheme, host and path.\n\n:param text: the URL";
  chunk.text = "def parse_url(text):\n    \"\"\"Split a URL into scheme, host and path.\n\n    :param text: the URL\n    \"\"\"\n"
               "    return text.split(':', 1)\n";
  return chunk;
}

Chunk undocumented() {
  Chunk chunk = documented();
  chunk.name = "send_mail";
  chunk.doc.clear();
  chunk.text = "def send_mail(to, body):\n    smtp.send(to, body)\n";
  return chunk;
}

TEST(ChunkEmbedding, AddsTheDocSummarysQueryVectorWithItsWeightAndRenormalises) {
  TwoDirectionEncoder encoder;
  const Chunk a = documented(), b = undocumented();
  ChunkEmbeddingOptions options;
  options.doc_weight = 0.5f;
  std::vector<float> v = embedChunks(encoder, {&a, &b}, options);
  ASSERT_EQ(v.size(), 6u);
  const float norm = std::sqrt(1.0f + 0.25f);
  EXPECT_FLOAT_EQ(v[0], 1.0f / norm);
  EXPECT_FLOAT_EQ(v[1], 0.5f / norm);
  EXPECT_FLOAT_EQ(v[2], 0.0f);
  // The undocumented chunk keeps its code vector.
  EXPECT_EQ(std::vector<float>(v.begin() + 3, v.end()), (std::vector<float>{1, 0, 0}));
  // The query tower saw the doc's summary only (first paragraph, no tags).
  ASSERT_EQ(encoder.query_texts.size(), 1u);
  EXPECT_EQ(encoder.query_texts[0], "Split a URL into scheme, host and path.");
  ASSERT_EQ(encoder.code_texts.size(), 2u);
  EXPECT_EQ(encoder.code_texts[0], embeddingText(a, options.text));
}

TEST(ChunkEmbedding, WithoutTheDocOrWithWeightZeroTheCodeTowerAlone) {
  const Chunk a = documented();
  for (ChunkEmbeddingOptions options : {ChunkEmbeddingOptions{.text = {.include_doc = false}},
                                        ChunkEmbeddingOptions{.doc_weight = 0.0f}}) {
    TwoDirectionEncoder encoder;
    EXPECT_EQ(embedChunks(encoder, {&a}, options), (std::vector<float>{1, 0, 0}));
    EXPECT_TRUE(encoder.query_texts.empty());
  }
}

TEST(ChunkEmbedding, AMalformedEncoderAnswerGivesNoVectors) {
  TwoDirectionEncoder encoder;
  encoder.malformed_queries = true;
  const Chunk a = documented();
  EXPECT_TRUE(embedChunks(encoder, {&a}).empty());
}

TEST(ChunkEmbedding, TheVectorSpaceIdNamesTheDocRecipe) {
  EXPECT_EQ(vectorSpaceId("m1", ChunkEmbeddingOptions{.doc_weight = 0.0f}), "m1");
  EXPECT_EQ(vectorSpaceId("m1", ChunkEmbeddingOptions{.text = {.include_doc = false}}), "m1");
  EXPECT_EQ(vectorSpaceId("m1", ChunkEmbeddingOptions{.doc_weight = 0.5f}), "m1+doc0.5");
  EXPECT_NE(vectorSpaceId("m1"), vectorSpaceId("m1", ChunkEmbeddingOptions{.doc_weight = 1.0f}));
  EXPECT_NE(vectorSpaceId("m1"), vectorSpaceId("m2"));
}

}  // namespace
}  // namespace cs
