// The lexical index saved beside the store (indexer/saved_lexical.h): a
// restart restores its postings instead of reading every text, answers as an
// index that read the texts does, fills the restored slots as the load goes
// (edits meanwhile win), and never trusts a file that is stale or damaged.
#include "indexer/saved_lexical.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "index_fixtures.h"

namespace cs {
namespace {

constexpr int kFiles = 600;  // more than two load batches (256 files)

class SavedLexicalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("codesearch-lexical-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = (dir_ / "index.sqlite").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Index> open(bool defer = false) {
    IndexOptions options;
    options.store_path = store_;
    options.model_id = "model-a";
    options.defer_load = defer;
    return std::move(Index::open(options).value());
  }
  static std::string path(int i) { return "/w/f" + std::to_string(1000 + i) + ".py"; }
  // A word only chunk `c` of file `i` has, in one flavour of its text: letters
  // only, so the word splitter keeps it whole (q/r/s/t, then the digits as a-j).
  static std::string word(int i, int c, const std::string& flavour = "alpha") {
    std::string w(1, flavour == "alpha" ? 'q' : flavour == "beta" ? 'r' : flavour == "gamma" ? 's' : 't');
    for (char d : std::to_string(i)) w += static_cast<char>('a' + (d - '0'));
    w += 'z';
    w += static_cast<char>('a' + c);
    return w;
  }
  // Two chunks per file, each with words of its own in the text only, so a
  // lexical hit proves the text's words were indexed (or restored).
  static std::vector<IndexedChunk> chunks(int i, const std::string& flavour = "alpha") {
    std::vector<IndexedChunk> out;
    for (int c = 0; c < 2; ++c) {
      IndexedChunk ic = make(path(i), "fn" + std::to_string(i) + "_" + std::to_string(c), "python", {},
                             static_cast<uint32_t>(c * 10), static_cast<uint32_t>(c * 10 + 5));
      ic.chunk.text = "def f():\n    return " + word(i, c, flavour) + " + common";
      ic.content_hash = embeddingHash(ic.chunk);
      out.push_back(ic);
    }
    return out;
  }
  void writeAll(Index& index) {
    for (int i = 0; i < kFiles; ++i) ASSERT_TRUE(index.replaceFile(path(i), FileStamp{i, 1}, chunks(i)).ok());
  }
  static std::vector<std::pair<std::string, double>> lexical(const Index& index, const std::string& query, int limit = 5) {
    SearchRequest request;
    request.query = query;
    request.mode = SearchMode::kLexical;
    request.limit = limit;
    std::vector<std::pair<std::string, double>> out;
    auto hits = index.search(request);
    if (hits.ok())
      for (const SearchHit& hit : *hits) out.emplace_back(hit.chunk.name, hit.lexical.value_or(0));
    return out;
  }
  static std::string top(const Index& index, const std::string& query) {
    auto hits = lexical(index, query, 1);
    return hits.empty() ? "(none)" : hits.front().first;
  }

  std::filesystem::path dir_;
  std::string store_;
};

TEST_F(SavedLexicalTest, ARestartRestoresThePostingsAndAnswersAsBefore) {
  std::vector<std::vector<std::pair<std::string, double>>> before;
  const std::vector<std::string> queries = {word(17, 1), "common fn", word(599, 0) + " common", "fn42"};
  {
    auto index = open();
    writeAll(*index);
    EXPECT_FALSE(index->stats().lexical_restored);
    for (const auto& q : queries) before.push_back(lexical(*index, q));
  }  // closing saves it
  ASSERT_TRUE(std::filesystem::exists(savedLexicalPath(store_)));
  auto index = open();
  EXPECT_TRUE(index->stats().lexical_restored);
  EXPECT_EQ(index->stats().chunks, 2u * kFiles);
  for (size_t q = 0; q < queries.size(); ++q) EXPECT_EQ(lexical(*index, queries[q]), before[q]) << queries[q];
  // The texts still come from the store, and edits and removals work on restored postings.
  auto hits = index->search(SearchRequest{word(17, 1)});
  ASSERT_TRUE(hits.ok() && !hits->empty());
  EXPECT_NE(hits->front().chunk.text.find(word(17, 1)), std::string::npos);
  ASSERT_TRUE(index->replaceFile(path(17), FileStamp{17, 2}, chunks(17, "beta")).ok());
  EXPECT_EQ(top(*index, word(17, 1)), "(none)");
  EXPECT_EQ(top(*index, word(17, 1, "beta")), "fn17_1");
  ASSERT_TRUE(index->removeFile(path(18)).ok());
  EXPECT_EQ(top(*index, word(18, 0)), "(none)");
}

TEST_F(SavedLexicalTest, EditsDuringTheLoadWinOverTheRestoredPostings) {
  {
    auto index = open();
    writeAll(*index);
  }
  auto index = open(/*defer=*/true);
  bool checked_midway = false;
  ASSERT_TRUE(index
                  ->loadStored([&](const LoadProgress& progress) {
                    if (checked_midway) return true;
                    checked_midway = true;
                    EXPECT_LT(progress.files_loaded, static_cast<size_t>(kFiles));
                    // Not loaded yet: its restored postings must not surface as results.
                    EXPECT_EQ(top(*index, word(599, 0)), "(none)");
                    // A writer's file is searchable at once, and stays so once the restored index is in.
                    EXPECT_TRUE(index->replaceFile(path(598), FileStamp{598, 2}, chunks(598, "gamma")).ok());
                    EXPECT_EQ(top(*index, word(598, 1, "gamma")), "fn598_1");
                    EXPECT_TRUE(index->removeFile(path(597)).ok());
                    EXPECT_TRUE(index->removeFile(path(2)).ok());  // loaded already: its restored postings must go
                    EXPECT_TRUE(index->replaceFile(path(3), FileStamp{3, 2}, chunks(3, "delta")).ok());
                    return true;
                  })
                  .ok());
  ASSERT_TRUE(checked_midway);
  EXPECT_TRUE(index->stats().lexical_restored);
  EXPECT_EQ(top(*index, word(599, 0)), "fn599_0");
  EXPECT_EQ(top(*index, word(598, 1, "gamma")), "fn598_1");
  EXPECT_EQ(top(*index, word(598, 1)), "(none)");
  EXPECT_EQ(top(*index, word(597, 0)), "(none)");
  EXPECT_EQ(top(*index, word(2, 0)), "(none)");
  EXPECT_EQ(top(*index, word(3, 1)), "(none)");
  EXPECT_EQ(top(*index, word(3, 1, "delta")), "fn3_1");
  EXPECT_EQ(top(*index, word(0, 0)), "fn0_0");
  EXPECT_EQ(index->stats().chunks, 2u * (kFiles - 2));
  // The slots held back for the files that changed are free again: a new file reuses one.
  ASSERT_TRUE(index->replaceFile("/w/new.py", FileStamp{1, 1}, {make("/w/new.py", "fresh_fn", "python")}).ok());
  EXPECT_EQ(top(*index, "fresh_fn"), "fresh_fn");
}

TEST_F(SavedLexicalTest, AStaleOrDamagedFileIsNotUsed) {
  {
    auto index = open();
    writeAll(*index);
  }
  const std::string saved = savedLexicalPath(store_);
  // A write after the save (another process's, here a second store handle): stale.
  {
    auto store = IndexStore::open(store_, "model-a", 0);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->replaceFile(path(5), FileStamp{5, 9}, chunks(5, "delta")).ok());
  }
  {
    auto index = open();
    EXPECT_FALSE(index->stats().lexical_restored);
    EXPECT_EQ(top(*index, word(5, 0, "delta")), "fn5_0");  // read from the texts
    EXPECT_EQ(top(*index, word(5, 0)), "(none)");
  }  // saved again, now matching
  {
    auto index = open();
    EXPECT_TRUE(index->stats().lexical_restored);
    EXPECT_EQ(top(*index, word(5, 0, "delta")), "fn5_0");
  }
  // One flipped byte in the middle: the checksum refuses it.
  {
    std::fstream file(saved, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(saved) / 2));
    file.put('\x5a');
  }
  ASSERT_FALSE(SavedLexical::read(saved).ok());
  auto index = open();
  EXPECT_FALSE(index->stats().lexical_restored);
  EXPECT_EQ(top(*index, word(300, 1)), "fn300_1");
  // Truncated: refused too.
  std::filesystem::resize_file(saved, 100);
  EXPECT_FALSE(SavedLexical::read(saved).ok());
}

}  // namespace
}  // namespace cs
