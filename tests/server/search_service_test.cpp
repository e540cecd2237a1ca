// SearchService: with the shipped model, the chunk vectors it stores follow
// ChunkEmbeddingOptions, and a persisted index made with another recipe is
// re-embedded on start-up rather than mixed with new vectors. Without a model:
// a warm start answers before its stored index is loaded, and an edited buffer
// re-indexes only what the edit changed.
#include "server/search_service.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace cs {
namespace {

const std::string kModel = std::string(CS_SOURCE_DIR) + "/model/weights/codesearch-model.bin";

class SearchServiceWithModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = std::filesystem::temp_directory_path() / ("codesearch-service-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base_);
    std::filesystem::create_directories(base_ / "ws");
    std::ofstream(base_ / "ws" / "urls.py")
        << "def parse_url(text):\n    \"\"\"Split a web address into its scheme, host and path.\"\"\"\n"
           "    scheme, rest = text.split(':', 1)\n    return scheme, rest\n";
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  // The dense score of parse_url for `query` after a start-up scan with `doc_weight`.
  double denseScore(float doc_weight, const std::string& query) {
    SearchServiceOptions options;
    options.roots = {(base_ / "ws").string()};
    options.model_path = kModel;
    options.cache_dir = (base_ / "cache").string();
    options.index_threads = 0;
    options.embedding.doc_weight = doc_weight;
    auto service = SearchService::create(options);
    EXPECT_TRUE(service.ok());
    if (!service.ok()) return -2;
    service.value()->startWorkspaceScan();
    service.value()->waitUntilIdle();
    auto answer = service.value()->query(QueryOptions{.text = query, .limit = 5, .mode = SearchMode::kSemantic});
    EXPECT_TRUE(answer.ok());
    if (!answer.ok()) return -2;
    for (const auto& hit : answer->hits) {
      if (hit.chunk.name == "parse_url" && hit.dense) return *hit.dense;
    }
    ADD_FAILURE() << "parse_url not found";
    return -2;
  }

  std::filesystem::path base_;
};

TEST_F(SearchServiceWithModelTest, TheDocRecipeIsPartOfTheStoredVectorsIdentity) {
  ASSERT_TRUE(std::filesystem::exists(kModel)) << "the shipped model is missing: " << kModel;
  const std::string query = "split a web address into its scheme host and path";
  const double code_only = denseScore(0.0f, query);
  const double blended = denseScore(1.0f, query);  // same cache: must re-embed, not reuse
  const double code_only_again = denseScore(0.0f, query);
  // The query repeats the docstring, so adding the summary's query vector brings the chunk closer.
  EXPECT_GT(blended, code_only + 0.05);
  EXPECT_NEAR(code_only_again, code_only, 1e-5);
}

// Warm start: create() opens the stored index without loading it, so an
// editor's initialize is answered at once; the scan thread loads it, and a
// query meanwhile says the results cover only what is loaded.
TEST(SearchServiceWarmStart, CreateDoesNotLoadTheStoredIndexTheScanDoes) {
  const auto base = std::filesystem::temp_directory_path() / ("codesearch-warm-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base / "ws");
  for (int i = 0; i < 40; ++i)
    std::ofstream(base / "ws" / ("m" + std::to_string(i) + ".py")) << "def parse_record_" << i << "(line):\n    return line.split(',')\n";
  SearchServiceOptions options;
  options.roots = {(base / "ws").string()};
  options.cache_dir = (base / "cache").string();
  options.index_threads = 0;  // the scan runs inside startWorkspaceScan: deterministic
  {
    auto first = SearchService::create(options);
    ASSERT_TRUE(first.ok());
    first.value()->startWorkspaceScan();
    first.value()->waitUntilIdle();
    ASSERT_EQ(first.value()->status().stats.files, 40u);
  }
  auto second = SearchService::create(options);
  ASSERT_TRUE(second.ok());
  ServiceStatus before = second.value()->status();
  EXPECT_EQ(before.stats.files, 0u);
  EXPECT_FALSE(before.load.done);
  EXPECT_TRUE(before.indexing);
  auto early = second.value()->query(QueryOptions{.text = "parse record", .limit = 5, .mode = SearchMode::kLexical});
  ASSERT_TRUE(early.ok());
  ASSERT_TRUE(early->warning.has_value());
  EXPECT_NE(early->warning->find("still loading"), std::string::npos) << *early->warning;

  second.value()->startWorkspaceScan();
  second.value()->waitUntilIdle();
  ServiceStatus after = second.value()->status();
  EXPECT_EQ(after.stats.files, 40u);
  EXPECT_TRUE(after.load.done);
  EXPECT_EQ(after.load.files_total, 40u);
  EXPECT_FALSE(after.indexing);
  EXPECT_EQ(after.pending, 0u);
  auto later = second.value()->query(QueryOptions{.text = "parse record", .limit = 5, .mode = SearchMode::kLexical});
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->warning.has_value());
  EXPECT_EQ(later->hits.size(), 5u);
  second.value().reset();
  std::filesystem::remove_all(base);
}

// An open buffer's edit re-indexes only what it changed: the functions it did
// not touch keep their chunk ids (they are not removed and added again) and
// the edited one is found by its new text.
TEST(SearchServiceEdits, AnEditedBufferKeepsTheChunksItDidNotTouch) {
  const auto base = std::filesystem::temp_directory_path() / ("codesearch-edits-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base / "ws");
  const std::string path = (base / "ws" / "edit.py").string();
  const std::string text =
      "def alpha_reader(path):\n    return open(path).read()\n\n"
      "def beta_writer(path, data):\n    open(path, 'w').write(data)\n\n"
      "def gamma_counter(items):\n    return len(items)\n";
  std::ofstream(path) << text;
  SearchServiceOptions options;
  options.roots = {(base / "ws").string()};
  options.index_threads = 0;
  auto service = std::move(SearchService::create(options).value());
  service->startWorkspaceScan();
  service->waitUntilIdle();
  auto idOf = [&](const std::string& query) -> ChunkId {
    auto answer = service->query(QueryOptions{.text = query, .limit = 1, .mode = SearchMode::kLexical});
    EXPECT_TRUE(answer.ok() && !answer->hits.empty()) << query;
    return answer.ok() && !answer->hits.empty() ? answer->hits.front().id : 0;
  };
  service->openDocument(path, text);
  service->waitUntilIdle();
  const ChunkId alpha = idOf("alpha_reader"), beta = idOf("beta_writer"), gamma = idOf("gamma_counter");

  const uint32_t at = static_cast<uint32_t>(text.find("write(data)") + 11);
  std::string edited = text;
  edited.insert(at, "  # quokka");
  service->changeDocument(path, edited, {TextEdit{at, at, "  # quokka"}});
  service->waitUntilIdle();
  EXPECT_EQ(idOf("alpha_reader"), alpha);
  EXPECT_EQ(idOf("gamma_counter"), gamma);
  const ChunkId edited_beta = idOf("quokka");
  EXPECT_NE(edited_beta, 0u);
  EXPECT_NE(edited_beta, beta);
  EXPECT_EQ(idOf("beta_writer"), edited_beta);
  service.reset();
  std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace cs
