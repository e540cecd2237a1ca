// Persistence of the Index through its SQLite store (indexer/index_store.h):
// restarts, a model change, a foreign or old file.
#include "indexer/index_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "index_fixtures.h"

namespace cs {
namespace {

class IndexStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("codesearch-store-" + std::to_string(::getpid()) + ".sqlite");
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::unique_ptr<Index> open(const std::string& model, int dim) {
    IndexOptions options;
    options.store_path = path_;
    options.model_id = model;
    options.dim = dim;
    return std::move(Index::open(options).value());
  }
  std::string path_;
};

TEST_F(IndexStoreTest, PersistsChunksAndVectorsAcrossRestarts) {
  {
    auto index = open("model-a", 4);
    ASSERT_TRUE(index->replaceFile("/w/a.py", FileStamp{5, 9}, {make("/w/a.py", "alpha", "python", unit(4, 2))}).ok());
    ASSERT_TRUE(index->replaceFile("/w/b.py", FileStamp{6, 9}, {make("/w/b.py", "beta", "python", unit(4, 3))}).ok());
    ASSERT_TRUE(index->removeFile("/w/b.py").ok());
  }
  auto index = open("model-a", 4);
  EXPECT_EQ(index->stats().files, 1u);
  EXPECT_EQ(index->stats().chunks_with_vectors, 1u);
  EXPECT_EQ(index->fileStamp("/w/a.py")->mtime_ns, 5);
  auto at = index->chunkAt("/w/a.py", 1);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->second.chunk.name, "alpha");
  EXPECT_EQ(at->second.vector, unit(4, 2));
}

TEST_F(IndexStoreTest, AnotherModelDropsVectorsAndForcesReindex) {
  {
    auto index = open("model-a", 4);
    ASSERT_TRUE(index->replaceFile("/w/a.py", FileStamp{5, 9}, {make("/w/a.py", "alpha", "python", unit(4, 2))}).ok());
  }
  auto index = open("model-b", 4);
  EXPECT_EQ(index->stats().chunks, 1u);
  EXPECT_EQ(index->stats().chunks_with_vectors, 0u);
  EXPECT_NE(index->fileStamp("/w/a.py")->mtime_ns, 5);  // the stamp no longer matches: the scan re-embeds
}

TEST_F(IndexStoreTest, ForeignOrOldFormatIsRebuiltNotMisread) {
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                     "INSERT INTO meta VALUES ('magic', 'CSIX'), ('format_version', '0');"
                     "CREATE TABLE chunks (garbage TEXT); INSERT INTO chunks VALUES ('x');",
                 nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  {
    auto index = open("model-a", 4);
    EXPECT_EQ(index->stats().chunks, 0u);
    ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {make("/w/a.py", "alpha", "python", unit(4, 2))}).ok());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  std::ofstream(path_) << "this is not a database";
  auto recovered = open("model-a", 4);
  EXPECT_EQ(recovered->stats().chunks, 0u);
}

// A deferred load (warm start): the index answers while the stored files come
// in batch by batch, and what changes meanwhile keeps its newer state.
TEST_F(IndexStoreTest, ADeferredLoadAnswersMidwayAndKeepsWhatChangedMeanwhile) {
  const int files = 600;  // more than two load batches
  {
    auto index = open("model-a", 4);
    for (int i = 0; i < files; ++i) {
      const std::string path = "/w/f" + std::to_string(1000 + i) + ".py";
      ASSERT_TRUE(index->replaceFile(path, FileStamp{i, 1}, {make(path, "fn" + std::to_string(i), "python", unit(4, i % 4))}).ok());
    }
  }
  IndexOptions options;
  options.store_path = path_;
  options.model_id = "model-a";
  options.dim = 4;
  options.defer_load = true;
  auto index = std::move(Index::open(options).value());
  EXPECT_EQ(index->stats().files, 0u);
  EXPECT_FALSE(index->loadProgress().done);
  // Changed before their stored copies arrive: the newer state must win.
  ASSERT_TRUE(index->replaceFile("/w/f1599.py", FileStamp{77, 1}, {make("/w/f1599.py", "edited", "python", unit(4, 1))}).ok());
  ASSERT_TRUE(index->removeFile("/w/f1300.py").ok());

  std::vector<LoadProgress> seen;
  size_t found_midway = 0;
  ASSERT_TRUE(index->loadStored([&](const LoadProgress& p) {
    seen.push_back(p);
    if (!p.done) {
      SearchRequest request;
      request.query = "fn3";
      request.mode = SearchMode::kLexical;
      found_midway = index->search(request)->size();
    }
    return true;
  }).ok());
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen.front().files_loaded, 256u);
  EXPECT_EQ(seen.front().files_total, static_cast<size_t>(files - 1));  // the removal reached the store at once
  EXPECT_GE(found_midway, 1u);  // fn3 is in the first batch, searchable before the load ends
  EXPECT_TRUE(seen.back().done);
  EXPECT_TRUE(index->loadProgress().done);
  EXPECT_EQ(index->stats().files, static_cast<size_t>(files - 1));
  EXPECT_EQ(index->chunksOf("/w/f1599.py").at(0).name, "edited");
  EXPECT_EQ(index->fileStamp("/w/f1599.py")->mtime_ns, 77);
  EXPECT_FALSE(index->fileStamp("/w/f1300.py").has_value());
}

TEST_F(IndexStoreTest, AStoppedLoadKeepsWhatItLoadedAndResumes) {
  {
    auto index = open("model-a", 4);
    for (int i = 0; i < 300; ++i) {
      const std::string path = "/w/g" + std::to_string(1000 + i) + ".py";
      ASSERT_TRUE(index->replaceFile(path, FileStamp{i, 1}, {make(path, "g" + std::to_string(i), "python", unit(4, 0))}).ok());
    }
  }
  IndexOptions options;
  options.store_path = path_;
  options.model_id = "model-a";
  options.dim = 4;
  options.defer_load = true;
  auto index = std::move(Index::open(options).value());
  ASSERT_TRUE(index->loadStored([](const LoadProgress&) { return false; }).ok());
  EXPECT_EQ(index->stats().files, 256u);
  EXPECT_FALSE(index->loadProgress().done);
  ASSERT_TRUE(index->loadStored().ok());
  EXPECT_EQ(index->stats().files, 300u);
  EXPECT_EQ(index->stats().chunks_with_vectors, 300u);
  EXPECT_TRUE(index->loadProgress().done);
}

// With a store, chunk texts live on disk only: every way a chunk comes back
// (search hits, chunksOf, chunkAt) reads its text from there, before and
// after a restart, and after the file changed around an unchanged chunk.
TEST_F(IndexStoreTest, ChunkTextsComeBackFromTheStore) {
  auto first = make("/w/a.py", "alpha", "python", unit(4, 2));
  auto second = make("/w/a.py", "beta", "python", unit(4, 3), 5, 8);
  {
    auto index = open("model-a", 4);
    ASSERT_TRUE(index->replaceFile("/w/a.py", FileStamp{5, 9}, {first, second}).ok());
    EXPECT_EQ(index->chunksOf("/w/a.py").at(1).text, "def beta(): pass");
    SearchRequest request;
    request.query = "alpha";
    request.mode = SearchMode::kLexical;
    auto hits = index->search(request);
    ASSERT_TRUE(hits.ok());
    ASSERT_FALSE(hits->empty());
    EXPECT_EQ(hits->front().chunk.text, "def alpha(): pass");
    // beta moves to the front; the index keeps its slot, the store its new row.
    auto gamma = make("/w/a.py", "gamma", "python", unit(4, 1), 10, 12);
    ASSERT_TRUE(index->replaceFile("/w/a.py", FileStamp{6, 9}, {second, gamma}).ok());
    EXPECT_EQ(index->chunkAt("/w/a.py", 6)->second.chunk.text, "def beta(): pass");
    EXPECT_EQ(index->chunksOf("/w/a.py").at(1).text, "def gamma(): pass");
  }
  auto index = open("model-a", 4);
  auto chunks = index->chunksOf("/w/a.py");
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text, "def beta(): pass");
  EXPECT_EQ(chunks[1].text, "def gamma(): pass");
  SearchRequest request;
  request.query = "gamma";
  request.mode = SearchMode::kLexical;  // the lexical index read the texts while loading
  auto hits = index->search(request);
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().chunk.name, "gamma");
  EXPECT_EQ(hits->front().chunk.text, "def gamma(): pass");
}

TEST_F(IndexStoreTest, VectorsAreStoredInHalfPrecision) {
  {
    auto index = open("model-a", 4);
    ASSERT_TRUE(index->replaceFile("/w/a.py", FileStamp{5, 9},
                                   {make("/w/a.py", "alpha", "python", {0.1f, 0.2f, 0.3f, 0.9f})}).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT length(vector), text FROM chunks", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 8);  // 4 dimensions x 2 bytes
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)), "def alpha(): pass");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  auto index = open("model-a", 4);
  auto at = index->chunkAt("/w/a.py", 1);
  ASSERT_TRUE(at.has_value());
  ASSERT_EQ(at->second.vector.size(), 4u);
  EXPECT_NEAR(at->second.vector[0], 0.1f, 1e-3);
  EXPECT_NEAR(at->second.vector[3], 0.9f, 1e-3);
}

}  // namespace
}  // namespace cs
