// The approximate-search graph saved beside the store (indexer/saved_graph.h):
// a restart loads it instead of building it, renames its elements to the new
// slots, adds what changed meanwhile, and never trusts a file that does not
// match.
#include "indexer/saved_graph.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "index_fixtures.h"

namespace cs {
namespace {

constexpr int kDim = 16;
constexpr int kFiles = 400;

class SavedGraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("codesearch-graph-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = (dir_ / "index.sqlite").string();
    RandomUnitVectors random(kDim, 7);
    for (int i = 0; i < kFiles; ++i) vectors_.push_back(random.next());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Index> open(const std::string& model = "model-a") {
    IndexOptions options;
    options.store_path = store_;
    options.model_id = model;
    options.dim = kDim;
    options.hnsw_threshold = 200;
    return std::move(Index::open(options).value());
  }
  static std::string path(int i) { return "/w/f" + std::to_string(1000 + i) + ".py"; }
  static std::string name(int i) { return "fn" + std::to_string(i); }
  void write(Index& index, int i, const std::vector<float>& vector) {
    ASSERT_TRUE(index.replaceFile(path(i), FileStamp{i, 1}, {make(path(i), name(i), "python", vector)}).ok());
  }
  static bool waitForGraph(const Index& index) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!index.stats().approximate_search && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return index.stats().approximate_search;
  }
  int foundOwnVectors(const Index& index, int from, int to) const {
    int found = 0;
    for (int i = from; i < to; ++i) found += topDenseName(index, vectors_[i]) == name(i);
    return found;
  }
  // Indexes every file and lets the graph be built and saved.
  void indexAll() {
    auto index = open();
    for (int i = 0; i < kFiles; ++i) write(*index, i, vectors_[i]);
    ASSERT_TRUE(waitForGraph(*index));
    EXPECT_FALSE(index->stats().graph_loaded);
  }

  std::filesystem::path dir_;
  std::string store_;
  std::vector<std::vector<float>> vectors_;
};

TEST_F(SavedGraphTest, ARestartLoadsTheSavedGraphInsteadOfBuildingIt) {
  indexAll();
  const SavedGraphPaths paths = savedGraphPaths(store_);
  ASSERT_TRUE(std::filesystem::exists(paths.graph));
  auto keys = readSavedGraphKeys(paths.keys);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ(keys->elements.size(), static_cast<size_t>(kFiles));
  EXPECT_EQ(keys->model_id, "model-a");

  auto index = open();
  ASSERT_TRUE(waitForGraph(*index));
  EXPECT_TRUE(index->stats().graph_loaded);
  EXPECT_GE(foundOwnVectors(*index, 0, kFiles), kFiles - 4);
}

// Files changed between the save and the restart: their old elements stay
// deleted in the loaded graph and their new vectors are added to it.
TEST_F(SavedGraphTest, ChunksChangedSinceTheSaveAreRenamedOrAddedNotMisread) {
  indexAll();
  RandomUnitVectors random(kDim, 99);
  std::vector<std::vector<float>> changed;
  {
    IndexOptions options;  // no graph: the saved one stays as it was
    options.store_path = store_;
    options.model_id = "model-a";
    options.dim = kDim;
    options.hnsw_threshold = 1 << 30;
    auto index = std::move(Index::open(options).value());
    for (int i = 0; i < 20; ++i) {
      changed.push_back(random.next());
      write(*index, i, changed.back());
    }
    ASSERT_TRUE(index->removeFile(path(20)).ok());
  }
  auto index = open();
  ASSERT_TRUE(waitForGraph(*index));
  EXPECT_TRUE(index->stats().graph_loaded);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(topDenseName(*index, changed[i]), name(i));
    EXPECT_NE(topDenseName(*index, vectors_[i]), name(i));  // the old vector went with the old element
  }
  EXPECT_NE(topDenseName(*index, vectors_[20]), name(20));
  EXPECT_GE(foundOwnVectors(*index, 21, kFiles), kFiles - 21 - 4);
}

TEST_F(SavedGraphTest, ACorruptOrForeignGraphIsRebuiltNotUsed) {
  indexAll();
  const SavedGraphPaths paths = savedGraphPaths(store_);
  {
    std::fstream graph(paths.graph, std::ios::in | std::ios::out | std::ios::binary);
    graph.seekp(200);
    const char junk[64] = {'\x7f'};
    graph.write(junk, sizeof junk);  // the checksum no longer matches
  }
  {
    auto index = open();
    ASSERT_TRUE(waitForGraph(*index));
    EXPECT_FALSE(index->stats().graph_loaded);
    EXPECT_GE(foundOwnVectors(*index, 0, 100), 96);
  }
  auto other_model = open("model-b");  // vectors dropped: nothing to load a graph for
  EXPECT_FALSE(other_model->stats().approximate_search);
  std::ofstream(paths.keys) << "not keys";
  EXPECT_FALSE(readSavedGraphKeys(paths.keys).ok());
}

TEST(SavedGraphKeysFile, RoundTripsAndRefusesTruncation) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("codesearch-keys-" + std::to_string(::getpid()))).string();
  SavedGraphKeys keys;
  keys.model_id = "m";
  keys.dim = 8;
  keys.m = 16;
  keys.graph_bytes = 12345;
  keys.graph_checksum = 0xfeedfacecafebeefull;
  keys.elements.push_back({3, StoredChunkKey{"/w/a.py", 0, 11}});
  keys.elements.push_back({7, StoredChunkKey{"/w/a.py", 1, 12}});
  keys.elements.push_back({1, StoredChunkKey{"/w/b.py", 0, 13}});
  ASSERT_TRUE(writeSavedGraphKeys(path, keys).ok());
  auto back = readSavedGraphKeys(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->graph_checksum, keys.graph_checksum);
  ASSERT_EQ(back->elements.size(), 3u);
  EXPECT_EQ(back->elements[1].slot, 7u);
  EXPECT_EQ(back->elements[1].chunk.path, "/w/a.py");
  EXPECT_EQ(back->elements[1].chunk.ord, 1u);
  EXPECT_EQ(back->elements[2].chunk.path, "/w/b.py");
  EXPECT_EQ(back->elements[2].chunk.content_hash, 13u);
  const auto size = std::filesystem::file_size(path);
  for (auto cut : {size - 1, size / 2, uintmax_t{6}}) {
    std::filesystem::resize_file(path, cut);
    EXPECT_FALSE(readSavedGraphKeys(path).ok()) << cut;
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cs
