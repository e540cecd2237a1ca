// Concurrency: the engine indexing while it is queried, buffers edited from
// several threads while the scan runs, files deleted under the scan, and a
// persisted index written while searched. Meant for the TSan job
// (scripts/sanitize.sh tsan runs every Concurrency.* test); without a model,
// so libtorch's inference threads stay out of it. The LSP layer's cancel storm
// is LspServerTest.EveryRequestIsAnsweredExactlyOnceUnderACancelStorm.
#include "server/search_service.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace cs {
namespace {

class Concurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = std::filesystem::temp_directory_path() / ("codesearch-concurrency-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base_);
    std::filesystem::create_directories(base_ / "ws" / "pkg");
    for (int i = 0; i < 120; ++i) write(i, "v0");
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  std::string path(int i) const { return (base_ / "ws" / "pkg" / ("mod" + std::to_string(i) + ".py")).string(); }
  void write(int i, const std::string& tag) {
    std::ofstream(path(i)) << source(i, tag);
  }
  static std::string source(int i, const std::string& tag) {
    return "def handler_" + std::to_string(i) + "_" + tag + "(request):\n    \"\"\"Handle request " + std::to_string(i) +
           ".\"\"\"\n    return request.payload\n\nclass Service" + std::to_string(i) +
           ":\n    def run(self):\n        return handler()\n";
  }
  std::unique_ptr<SearchService> service(bool persistent, int threads = 2) {
    SearchServiceOptions options;
    options.roots = {(base_ / "ws").string()};
    options.index_threads = threads;
    if (persistent) options.cache_dir = (base_ / "cache").string();
    auto created = SearchService::create(options);
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? std::move(created.value()) : nullptr;
  }
  // Queries from `n` threads until `stop`; returns the number of failed queries.
  static int queryWhile(SearchService& s, std::atomic<bool>& stop, int n) {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < n; ++t) {
      threads.emplace_back([&, t] {
        const char* queries[] = {"handler request", "Service run", "payload", "handle request 7"};
        for (int k = 0; !stop; ++k) {
          QueryOptions options;
          options.text = queries[(t + k) % 4];
          options.limit = 10;
          options.mode = SearchMode::kLexical;
          auto answer = s.query(options);
          if (!answer.ok()) ++failures;
          (void)s.status();
        }
      });
    }
    for (auto& thread : threads) thread.join();
    return failures;
  }

  std::filesystem::path base_;
};

TEST_F(Concurrency, IndexingWhileQuerying) {
  auto s = service(/*persistent=*/false);
  ASSERT_TRUE(s);
  std::atomic<bool> stop{false};
  std::thread queries([&] { EXPECT_EQ(queryWhile(*s, stop, 3), 0); });
  s->startWorkspaceScan();
  s->waitUntilIdle();
  stop = true;
  queries.join();
  EXPECT_EQ(s->status().stats.files, 120u);
}

TEST_F(Concurrency, EditsAndDeletionsWhileIndexing) {
  auto s = service(/*persistent=*/true);
  ASSERT_TRUE(s);
  std::atomic<bool> stop{false};
  std::thread queries([&] { EXPECT_EQ(queryWhile(*s, stop, 2), 0); });
  s->startWorkspaceScan();
  std::vector<std::thread> editors;
  for (int t = 0; t < 3; ++t) {
    editors.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        int i = (t * 37 + round * 11) % 120;
        s->openDocument(path(i), source(i, "edit" + std::to_string(round)));
        if (round % 3 == 0) s->closeDocument(path(i));
        if (round % 5 == 0) {
          int gone = 100 + (t * 5 + round) % 20;
          std::filesystem::remove(path(gone));
          s->fileDeleted(path(gone));
        }
      }
    });
  }
  for (auto& editor : editors) editor.join();
  s->waitUntilIdle();
  stop = true;
  queries.join();
  auto status = s->status();
  EXPECT_FALSE(status.indexing);
  EXPECT_LE(status.stats.files, 120u);
  EXPECT_GT(status.stats.files, 90u);
}

TEST_F(Concurrency, RestartOnAPersistedIndexWhileQuerying) {
  {
    auto s = service(/*persistent=*/true);
    ASSERT_TRUE(s);
    s->startWorkspaceScan();
    s->waitUntilIdle();
  }
  for (int i = 0; i < 40; ++i) write(i, "changed");
  auto s = service(/*persistent=*/true);
  ASSERT_TRUE(s);
  std::atomic<bool> stop{false};
  std::thread queries([&] { EXPECT_EQ(queryWhile(*s, stop, 2), 0); });
  s->startWorkspaceScan();
  s->waitUntilIdle();
  stop = true;
  queries.join();
  QueryOptions options;
  options.text = "handler 3 changed";
  options.limit = 5;
  options.mode = SearchMode::kLexical;
  auto answer = s->query(options);
  ASSERT_TRUE(answer.ok());
  ASSERT_FALSE(answer->hits.empty());
  EXPECT_EQ(s->status().stats.files, 120u);
}

}  // namespace
}  // namespace cs
