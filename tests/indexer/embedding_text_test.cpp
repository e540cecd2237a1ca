// How a chunk is shown to the model (indexer/embedding_text.h), on a chunk
// extracted from the Python fixture.
#include "indexer/embedding_text.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "indexer/extractor.h"

namespace cs {
namespace {

std::vector<Chunk> extractFixture(const std::string& name) {
  const std::string path = std::string(CS_FIXTURES_DIR) + "/extract/" + name;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  Extractor extractor;
  auto chunks = extractor.extract(path, text.str(), "python");
  EXPECT_TRUE(chunks.ok());
  return chunks.ok() ? chunks.value() : std::vector<Chunk>{};
}

const Chunk* find(const std::vector<Chunk>& chunks, const std::string& qualified_name) {
  for (const auto& c : chunks) {
    if (c.qualified_name == qualified_name) return &c;
  }
  return nullptr;
}

TEST(EmbeddingText, DropsTheDocstringButKeepsTheCode) {
  auto chunks = extractFixture("sample.py");
  const Chunk* send = find(chunks, "HttpClient.send");
  ASSERT_NE(send, nullptr);
  std::string text = embeddingText(*send, EmbeddingTextOptions{.include_doc = false});
  EXPECT_EQ(text.find("Send a request"), std::string::npos);
  EXPECT_NE(text.find("HttpClient.send"), std::string::npos);
  EXPECT_NE(text.find("self._transport(request)"), std::string::npos);
  EXPECT_EQ(embeddingHash(*send), embeddingHash(*send));
  Chunk changed = *send;
  changed.text += "\n        # edited";
  EXPECT_NE(embeddingHash(changed), embeddingHash(*send));
}

TEST(EmbeddingText, TheDaemonEmbedsTheDocSummaryOnceBeforeTheCode) {
  auto chunks = extractFixture("sample.py");
  const Chunk* send = find(chunks, "HttpClient.send");
  ASSERT_NE(send, nullptr);
  ASSERT_FALSE(send->doc.empty());
  std::string text = embeddingText(*send);
  size_t doc = text.find("Send a request");
  ASSERT_NE(doc, std::string::npos);
  EXPECT_EQ(text.find("Send a request", doc + 1), std::string::npos);  // the docstring itself is still removed
  EXPECT_LT(doc, text.find("self._transport(request)"));
  EXPECT_NE(embeddingHash(*send), embeddingHash(*send, EmbeddingTextOptions{.include_doc = false}));
}

}  // namespace
}  // namespace cs
