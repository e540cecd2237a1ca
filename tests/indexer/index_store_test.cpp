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

}  // namespace
}  // namespace cs
