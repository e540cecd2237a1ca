// DiskWatcher over a real SearchService and real inotify: files and
// directories changed on disk with no editor reach the index within a second,
// a burst is coalesced, ignore rules and symbolic links are respected, and the
// degraded cases (queue overflow, watch limit) rescan with a warning. Each
// expectation is a condition polled with a deadline.
#include "server/disk_watcher.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <thread>

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <gtest/gtest.h>

namespace cs {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The deadlines are the requirement (a second for one change, five for a branch
// switch); sanitizer builds run several times slower and stretch them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kTimeScale = 10;
#else
constexpr int kTimeScale = 1;
#endif

// Per file, its chunks as (name, kind, lines, text): what a clean rebuild must equal.
using Snapshot = std::map<std::string, std::vector<std::string>>;

Snapshot snapshotOf(const SearchService& service, const std::string& root) {
  Snapshot out;
  for (const std::string& path : service.indexedFiles()) {
    auto& chunks = out[path.substr(root.size() + 1)];
    for (const Chunk& c : service.chunksOf(path)) {
      chunks.push_back(c.kind + " " + c.qualified_name + " " + std::to_string(c.start.line) + "-" +
                       std::to_string(c.end.line) + "\n" + c.text);
    }
  }
  return out;
}

std::unique_ptr<SearchService> makeService(const std::string& root) {
  SearchServiceOptions options;
  options.roots = {root};
  options.index_threads = 1;
  auto service = SearchService::create(options);
  EXPECT_TRUE(service.ok()) << service.error().message;
  return std::move(service.value());
}

class DiskWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/codesearch-watch-XXXXXX";
    base_ = fs::canonical(mkdtemp(tmpl)).string();
    root_ = base_ + "/ws";
    fs::create_directories(root_);
  }
  void TearDown() override {
    stop();
    fs::remove_all(base_);
  }

  // Indexes the workspace with a watcher running on a loop thread of its own.
  void start(DiskWatcherOptions options = {}) {
    service_ = makeService(root_);
    watcher_ = DiskWatcher::start(io_, *service_, options);  // before the loop runs
    loop_ = std::thread([this] { io_.run(); });
    service_->startWorkspaceScan();  // adds the watches as it walks
    service_->waitUntilIdle();
  }
  void stop() {
    if (!loop_.joinable()) return;
    asio::post(io_, [this] { watcher_.reset(); });
    work_.reset();
    loop_.join();
    service_.reset();
  }

  std::string write(const std::string& rel, const std::string& text) {
    fs::path path = fs::path(root_) / rel;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  static std::string function(const std::string& name) { return "def " + name + "(x):\n    return x + 1\n"; }

  std::vector<std::string> indexed() const {
    std::vector<std::string> out;
    for (const std::string& path : service_->indexedFiles()) out.push_back(path.substr(root_.size() + 1));
    return out;
  }
  bool isIndexed(const std::string& rel) const {
    auto files = indexed();
    return std::find(files.begin(), files.end(), rel) != files.end();
  }
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const std::string& path : service_->indexedFiles()) {
      for (const Chunk& c : service_->chunksOf(path)) out.insert(c.name);
    }
    return out;
  }
  // Polls `condition` until it holds or `timeout` passes.
  template <typename Condition>
  bool eventually(Condition condition, std::chrono::milliseconds timeout = 1000ms) {
    const auto deadline = Clock::now() + timeout * kTimeScale;
    while (Clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return condition();
  }
  // A file written after the events under test: once it is indexed, every
  // earlier event has been through a pass (they are read in order).
  void sentinel(const std::string& name) {
    write(name + ".py", function(name));
    ASSERT_TRUE(eventually([&] { return isIndexed(name + ".py"); })) << name;
    service_->waitUntilIdle();
  }

  std::string base_, root_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::unique_ptr<SearchService> service_;
  std::unique_ptr<DiskWatcher> watcher_;
  std::thread loop_;
};

TEST_F(DiskWatcherTest, FilesCreatedModifiedRenamedAndDeletedOnDiskAreReflectedWithinASecond) {
  write("keep.py", function("keep"));
  start();
  EXPECT_EQ(service_->status().watch.mode, WatchMode::kInotify);
  EXPECT_EQ(service_->status().watch.warning, "");

  write("a.py", function("alpha"));
  EXPECT_TRUE(eventually([&] { return names().count("alpha"); })) << "created";
  write("a.py", function("alpha_two"));
  EXPECT_TRUE(eventually([&] { return names().count("alpha_two") && !names().count("alpha"); })) << "modified";
  fs::rename(root_ + "/a.py", root_ + "/b.py");
  EXPECT_TRUE(eventually([&] { return indexed() == std::vector<std::string>{"b.py", "keep.py"}; })) << "renamed";
  fs::remove(root_ + "/b.py");
  EXPECT_TRUE(eventually([&] { return indexed() == std::vector<std::string>{"keep.py"}; })) << "deleted";
}

TEST_F(DiskWatcherTest, DirectoriesCreatedMovedAndDeletedOnDiskAreReflected) {
  // One file indexed first: the process's first source file compiles every
  // language's queries (a one-time cost of a second or more on a loaded
  // machine), which is not what these deadlines measure.
  write("keep.py", function("keep"));
  start();
  // Created, and filled at once (before any watch on it can exist).
  write("d/x.py", function("in_d"));
  write("d/sub/y.py", function("in_sub"));
  EXPECT_TRUE(eventually([&] { return indexed() == std::vector<std::string>{"d/sub/y.py", "d/x.py", "keep.py"}; }))
      << ::testing::PrintToString(indexed()) << " after " << watcher_->passes() << " passes";

  // Renamed inside the workspace: the watches follow it.
  fs::rename(root_ + "/d", root_ + "/e");
  EXPECT_TRUE(eventually([&] { return indexed() == std::vector<std::string>{"e/sub/y.py", "e/x.py", "keep.py"}; }));
  write("e/sub/z.py", function("after_rename"));
  EXPECT_TRUE(eventually([&] { return isIndexed("e/sub/z.py"); }));

  // Moved out: its files leave, and what is written there later is not watched.
  fs::rename(root_ + "/e", base_ + "/moved-out");
  EXPECT_TRUE(eventually([&] { return indexed() == std::vector<std::string>{"keep.py"}; }));
  std::ofstream(base_ + "/moved-out/later.py") << function("outside_later");
  sentinel("marker_one");
  EXPECT_EQ(indexed(), (std::vector<std::string>{"keep.py", "marker_one.py"}));

  // Moved in: its files are indexed and its directories watched.
  fs::rename(base_ + "/moved-out", root_ + "/incoming");
  EXPECT_TRUE(eventually([&] { return isIndexed("incoming/later.py") && isIndexed("incoming/sub/z.py"); }));
  write("incoming/sub/new.py", function("after_move_in"));
  EXPECT_TRUE(eventually([&] { return isIndexed("incoming/sub/new.py"); }));

  // Deleted with everything in it.
  fs::remove_all(root_ + "/incoming");
  EXPECT_TRUE(eventually([&] { return indexed() == std::vector<std::string>{"keep.py", "marker_one.py"}; }));
}

TEST_F(DiskWatcherTest, IgnoredPathsStayOutAndAChangedIgnoreFileIsReevaluated) {
  write(".gitignore", "build/\n*.gen.py\n");
  write("src/a.py", function("a"));
  start();
  write("build/out.py", function("built"));
  write("src/x.gen.py", function("generated"));
  sentinel("marker_one");
  EXPECT_EQ(indexed(), (std::vector<std::string>{"marker_one.py", "src/a.py"}));

  // The rules change: what they no longer ignore comes in, what they now ignore leaves.
  write(".gitignore", "marker_one.py\n");
  EXPECT_TRUE(eventually([&] {
    return indexed() == std::vector<std::string>{"build/out.py", "src/a.py", "src/x.gen.py"};
  }));
  // The directory no longer ignored is watched now.
  write("build/later.py", function("built_later"));
  EXPECT_TRUE(eventually([&] { return isIndexed("build/later.py"); }));

  write(".codesearchignore", "src/\n");
  EXPECT_TRUE(eventually([&] { return indexed() == std::vector<std::string>{"build/later.py", "build/out.py"}; }));
}

TEST_F(DiskWatcherTest, SymbolicLinksPointingOutsideAreNeverFollowed) {
  fs::create_directories(base_ + "/secret");
  std::ofstream(base_ + "/secret/s.py") << function("secret_function");
  write("a.py", function("a"));
  start();
  fs::create_directory_symlink(base_ + "/secret", root_ + "/linked-dir");
  fs::create_symlink(base_ + "/secret/s.py", root_ + "/linked.py");
  sentinel("marker_one");
  EXPECT_EQ(indexed(), (std::vector<std::string>{"a.py", "marker_one.py"}));
  // Nothing was watched through the link either.
  std::ofstream(base_ + "/secret/t.py") << function("secret_later");
  sentinel("marker_two");
  EXPECT_FALSE(names().count("secret_function") || names().count("secret_later"));

  // An indexed file replaced by a link out leaves the index.
  fs::remove(root_ + "/a.py");
  fs::create_symlink(base_ + "/secret/s.py", root_ + "/a.py");
  EXPECT_TRUE(eventually([&] { return !isIndexed("a.py"); }));
  EXPECT_FALSE(names().count("secret_function"));
}

TEST_F(DiskWatcherTest, ABranchSwitchOfAThousandFilesIsCoalescedAndEqualsACleanRebuild) {
  auto module = [](int i, int version) {
    std::string s;
    for (int f = 0; f < 3; ++f) {
      s += "def op_" + std::to_string(i) + "_" + std::to_string(f) + "_v" + std::to_string(version) +
           "(items):\n    return [x for x in items if x > " + std::to_string(f) + "]\n\n";
    }
    return s;
  };
  auto rel = [](int i) { return "pkg" + std::to_string(i % 10) + "/m" + std::to_string(i) + ".py"; };
  // Before: 1,000 modules plus 150 the other branch deletes. After: the 1,000 rewritten
  // and 150 new ones in a new directory.
  for (int i = 0; i < 1000; ++i) write(rel(i), module(i, 0));
  for (int i = 0; i < 150; ++i) write("old/o" + std::to_string(i) + ".py", module(5000 + i, 0));
  // The other branch, checked out cleanly elsewhere: the reference.
  const std::string other = base_ + "/other";
  auto writeOther = [&](const std::string& dir) {
    for (int i = 0; i < 1000; ++i) {
      fs::create_directories(fs::path(dir + "/" + rel(i)).parent_path());
      std::ofstream(dir + "/" + rel(i)) << module(i, 1);
    }
    fs::create_directories(dir + "/new");
    for (int i = 0; i < 150; ++i) std::ofstream(dir + "/new/n" + std::to_string(i) + ".py") << module(9000 + i, 1);
  };
  writeOther(other);
  Snapshot reference;
  {
    auto clean = makeService(other);
    clean->startWorkspaceScan();
    clean->waitUntilIdle();
    reference = snapshotOf(*clean, other);
  }
  ASSERT_EQ(reference.size(), 1150u);
  start();
  ASSERT_EQ(indexed().size(), 1150u);
  const size_t passes_before = watcher_->passes();

  const auto switch_start = Clock::now();
  fs::remove_all(root_ + "/old");
  writeOther(root_);
  const auto switched = Clock::now();  // timed from the end of the checkout
  // Comparing every chunk costs CPU the indexer needs: only when it is idle.
  EXPECT_TRUE(eventually([&] { return !service_->status().indexing && snapshotOf(*service_, root_) == reference; },
                         5000ms))
      << "files indexed: " << indexed().size();
  const size_t passes = watcher_->passes() - passes_before;
  std::cerr << "branch switch reflected "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - switched).count()
            << " ms after the last write, in " << passes << " passes\n";
  // A pass goes only after 75 ms without events (or 750 ms of them): a few
  // passes for 1,300 changed paths, one more only when the writer stalled.
  const auto writing = switched - switch_start;
  EXPECT_LE(passes, 2 + static_cast<size_t>(writing / CoalescerOptions{}.quiet)) << "writing took "
      << std::chrono::duration_cast<std::chrono::milliseconds>(writing).count() << " ms";
}

TEST_F(DiskWatcherTest, AnOpenDocumentWinsOverTheDisk) {
  const std::string path = write("a.py", function("from_disk"));
  start();
  service_->openDocument(path, function("from_buffer"));
  service_->waitUntilIdle();
  const size_t passes = watcher_->passes();
  write("a.py", function("from_disk_again"));
  ASSERT_TRUE(eventually([&] { return watcher_->passes() > passes; }));
  service_->waitUntilIdle();
  EXPECT_TRUE(names().count("from_buffer"));
  EXPECT_FALSE(names().count("from_disk_again"));
  service_->closeDocument(path);  // the disk is the truth again
  EXPECT_TRUE(eventually([&] { return names().count("from_disk_again") && !names().count("from_buffer"); }));
}

TEST_F(DiskWatcherTest, AQueueOverflowRescansTheWorkspaceWithAWarning) {
  size_t limit = 0;
  std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> limit;
  if (limit == 0 || limit > 1000000) GTEST_SKIP() << "max_queued_events is " << limit;
  write("a.py", function("a"));
  write("b.txt", "b\n");
  start();
  // Hold the loop so the kernel's queue fills, then overflow it: alternate
  // attribute changes on two files (identical consecutive events are merged).
  std::promise<void> release;
  std::promise<void> held;
  asio::post(io_, [&] {
    held.set_value();
    release.get_future().wait();
  });
  held.get_future().wait();
  for (size_t i = 0; i <= limit; ++i) ::chmod((root_ + (i % 2 ? "/a.py" : "/b.txt")).c_str(), i % 4 < 2 ? 0644 : 0640);
  write("lost.py", function("lost_in_the_overflow"));  // its events cannot be queued any more
  release.set_value();
  EXPECT_TRUE(eventually([&] { return isIndexed("lost.py"); }, 5000ms));
  EXPECT_EQ(service_->status().watch.mode, WatchMode::kInotify);
  EXPECT_NE(service_->status().watch.warning.find("overflowed 1 time"), std::string::npos)
      << service_->status().watch.warning;
  // Watching goes on.
  write("after.py", function("after"));
  EXPECT_TRUE(eventually([&] { return isIndexed("after.py"); }));
}

TEST_F(DiskWatcherTest, AtTheWatchLimitWhatIsWatchedStaysWatchedAndTheRestIsPolled) {
  write("a/a.py", function("a"));
  write("b/b.py", function("b"));
  write("c/c.py", function("c"));
  DiskWatcherOptions options;
  options.max_watches = 2;  // the root and a/; b/ and c/ are refused with ENOSPC
  options.rescan_interval = 200ms;
  start(options);
  EXPECT_TRUE(eventually([&] { return service_->status().watch.mode == WatchMode::kPolling; }));
  const std::string warning = service_->status().watch.warning;
  EXPECT_NE(warning.find("watch limit"), std::string::npos) << warning;
  EXPECT_EQ(watcher_->watchedDirectories(), 2u);
  write("a/watched.py", function("watched"));
  write("c/polled.py", function("polled"));
  EXPECT_TRUE(eventually([&] { return isIndexed("a/watched.py") && isIndexed("c/polled.py"); }));
}

}  // namespace
}  // namespace cs
