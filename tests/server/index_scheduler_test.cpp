#include "server/index_scheduler.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace cs {
namespace {

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/codesearch-sched-XXXXXX";
    root_ = mkdtemp(tmpl);
    IndexOptions options;
    options.workspace_root = root_;
    index_ = std::move(Index::open(options).value());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = root_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::vector<std::string> namesIn(const std::string& query) {
    SearchRequest request;
    request.query = query;
    request.mode = SearchMode::kLexical;
    std::vector<std::string> names;
    for (const auto& hit : index_->search(request).value()) names.push_back(hit.chunk.name);
    return names;
  }
  std::string root_;
  std::unique_ptr<Index> index_;
};

TEST_F(SchedulerTest, SynchronousModeIndexesInsideWaitIdle) {
  IndexSchedulerOptions options;
  options.threads = 0;
  IndexScheduler scheduler(*index_, nullptr, options);
  std::string a = write("a.py", "def alpha_handler():\n    return 1\n");
  scheduler.submit(FileInput{a, std::nullopt});
  EXPECT_EQ(scheduler.pending(), 1u);
  EXPECT_EQ(index_->stats().files, 0u);
  scheduler.waitIdle();
  EXPECT_EQ(scheduler.pending(), 0u);
  EXPECT_EQ(index_->stats().files, 1u);
  EXPECT_EQ(namesIn("alpha handler").front(), "alpha_handler");
}

TEST_F(SchedulerTest, LatestBufferTextWinsOverQueuedOlderVersions) {
  IndexSchedulerOptions options;
  options.threads = 0;
  IndexScheduler scheduler(*index_, nullptr, options);
  std::string path = root_ + "/buf.py";
  scheduler.submit(FileInput{path, "def first_version():\n    pass\n"}, true);
  scheduler.submit(FileInput{path, "def second_version():\n    pass\n"}, true);
  EXPECT_EQ(scheduler.pending(), 1u);  // the older edit was superseded
  scheduler.waitIdle();
  auto names = namesIn("version");
  EXPECT_NE(std::find(names.begin(), names.end(), "second_version"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "first_version"), names.end());
}

TEST_F(SchedulerTest, RemovalsAndProgressEventsWithWorkerThreads) {
  IndexSchedulerOptions options;
  options.threads = 2;
  options.batch_files = 3;
  IndexScheduler scheduler(*index_, nullptr, options);
  std::mutex mutex;
  std::vector<IndexProgress> events;
  scheduler.setProgressListener([&](const IndexProgress& p) {
    std::lock_guard lock(mutex);
    events.push_back(p);
  });
  std::vector<std::string> paths;
  for (int i = 0; i < 20; ++i)
    paths.push_back(write("f" + std::to_string(i) + ".py", "def function_" + std::to_string(i) + "():\n    pass\n"));
  for (const auto& p : paths) scheduler.submit(FileInput{p, std::nullopt});
  scheduler.waitIdle();
  EXPECT_EQ(index_->stats().files, 20u);
  scheduler.submitRemoval(paths[0]);
  scheduler.waitIdle();
  EXPECT_EQ(index_->stats().files, 19u);

  std::lock_guard lock(mutex);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().phase, IndexProgress::Phase::kBegin);
  EXPECT_EQ(events.back().phase, IndexProgress::Phase::kEnd);
  size_t ends = 0;
  for (const auto& e : events) ends += e.phase == IndexProgress::Phase::kEnd;
  EXPECT_GE(ends, 1u);
}

// The workspace scan queues its files with submitAll: one busy period, one
// kEnd after the last file, however fast the workers drain the queue. (Queued
// one by one, a worker could empty the queue between two submits and report
// kEnd early: LspServerTest's progress test saw 'end' with 1 of 30 files
// indexed under TSan.)
TEST_F(SchedulerTest, SubmitAllIsOneBusyPeriodEndingAfterItsLastFile) {
  IndexSchedulerOptions options;
  options.threads = 2;
  options.batch_files = 1;  // the quickest drain: every task is a batch of its own
  IndexScheduler scheduler(*index_, nullptr, options);
  std::vector<FileInput> inputs;
  for (int i = 0; i < 20; ++i) {
    inputs.push_back(
        FileInput{write("f" + std::to_string(i) + ".py", "def function_" + std::to_string(i) + "():\n    pass\n"),
                  std::nullopt});
  }
  scheduler.submitAll(inputs, {});
  scheduler.waitIdle();
  ASSERT_EQ(index_->stats().files, 20u);

  std::mutex mutex;
  std::vector<IndexProgress> events;
  scheduler.setProgressListener([&](const IndexProgress& p) {
    std::lock_guard lock(mutex);
    events.push_back(p);
  });
  std::filesystem::remove(root_ + "/f0.py");
  inputs.erase(inputs.begin());
  scheduler.submitAll(inputs, {root_ + "/f0.py"});
  scheduler.waitIdle();
  EXPECT_EQ(index_->stats().files, 19u);

  std::lock_guard lock(mutex);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front().phase, IndexProgress::Phase::kBegin);
  size_t ends = 0;
  for (const auto& e : events) ends += e.phase == IndexProgress::Phase::kEnd;
  EXPECT_EQ(ends, 1u);
  EXPECT_EQ(events.back().phase, IndexProgress::Phase::kEnd);
  EXPECT_EQ(events.back().done, 20u);
  EXPECT_EQ(events.back().total, 20u);
}

TEST_F(SchedulerTest, VanishedAndUnreadableFilesAreSkippedWithoutStoppingTheRest) {
  IndexSchedulerOptions options;
  options.threads = 1;
  IndexScheduler scheduler(*index_, nullptr, options);
  std::string good = write("good.py", "def fine():\n    pass\n");
  scheduler.submit(FileInput{root_ + "/missing.py", std::nullopt});
  scheduler.submit(FileInput{good, std::nullopt});
  scheduler.waitIdle();
  EXPECT_EQ(index_->stats().files, 1u);
}

// An encoder that fails as libtorch can (an exception) on any text that
// mentions "explode", and embeds everything else as one fixed unit vector.
class ExplodingEncoder : public CodeEncoder {
 public:
  const std::string& modelId() const override { return id_; }
  int dim() const override { return 4; }
  std::string device() const override { return "cpu"; }
  std::vector<float> encodeCode(const std::vector<std::string>& texts) const override {
    for (const std::string& text : texts) {
      if (text.find("explode") != std::string::npos) throw std::runtime_error("simulated encoder failure");
    }
    std::vector<float> out;
    for (size_t i = 0; i < texts.size(); ++i) out.insert(out.end(), {1, 0, 0, 0});
    return out;
  }
  std::vector<float> encodeQuery(const std::vector<std::string>& texts) const override { return encodeCode(texts); }

 private:
  std::string id_ = "exploding-test-encoder";
};

// Issue 14: an exception from below (libtorch, hnswlib, bad_alloc) in a worker
// called std::terminate. Now the batch's files are skipped, the worker lives,
// and later files are indexed.
TEST_F(SchedulerTest, AnExceptionWhileIndexingSkipsTheBatchAndTheWorkerGoesOn) {
  IndexOptions index_options;
  index_options.workspace_root = root_;
  index_options.dim = 4;
  auto index = std::move(Index::open(index_options).value());
  ExplodingEncoder encoder;
  IndexSchedulerOptions options;
  options.threads = 1;
  options.batch_files = 1;
  IndexScheduler scheduler(*index, &encoder, options);
  std::string bad = write("bad.py", "def explode_now():\n    return 'explode'\n");
  scheduler.submit(FileInput{bad, std::nullopt});
  scheduler.waitIdle();
  EXPECT_EQ(scheduler.skippedFiles(), 1u);
  EXPECT_EQ(index->stats().files, 0u);
  std::string good = write("good.py", "def fine():\n    pass\n");
  scheduler.submit(FileInput{good, std::nullopt});
  scheduler.waitIdle();
  EXPECT_EQ(index->stats().files, 1u);
  EXPECT_EQ(index->stats().chunks_with_vectors, index->stats().chunks);
}

// Issue 14: every event for a skipped file used to add one to skippedFiles.
TEST_F(SchedulerTest, SkippedFilesCountsEachPathOnceAndForgetsItWhenItIndexes) {
  IndexSchedulerOptions options;
  options.threads = 1;
  IndexScheduler scheduler(*index_, nullptr, options);
  std::string binary = write("blob.py", std::string("def x():\0\0\0\x01\x02 pass\n", 19));
  std::string other = write("other.py", std::string("\0\0\0\0", 4));
  for (int i = 0; i < 5; ++i) {
    scheduler.submit(FileInput{binary, std::nullopt});
    scheduler.waitIdle();
  }
  EXPECT_EQ(scheduler.skippedFiles(), 1u);
  scheduler.submit(FileInput{other, std::nullopt});
  scheduler.submit(FileInput{binary, std::nullopt});
  scheduler.waitIdle();
  EXPECT_EQ(scheduler.skippedFiles(), 2u);

  write("blob.py", "def now_fine():\n    pass\n");
  scheduler.submit(FileInput{binary, std::nullopt});
  scheduler.waitIdle();
  EXPECT_EQ(scheduler.skippedFiles(), 1u);
  EXPECT_EQ(index_->stats().files, 1u);
  scheduler.submitRemoval(other);
  scheduler.waitIdle();
  EXPECT_EQ(scheduler.skippedFiles(), 0u);
}

// A busy period of at least bulk_tasks tasks is a bulk of writes for the
// index (its graph waits for the end); smaller ones are not.
TEST_F(SchedulerTest, ALargeBusyPeriodIsABulkOfWritesUntilItEnds) {
  IndexSchedulerOptions options;
  options.threads = 0;
  options.bulk_tasks = 4;
  IndexScheduler scheduler(*index_, nullptr, options);
  std::vector<FileInput> inputs;
  for (int i = 0; i < 5; ++i)
    inputs.push_back(FileInput{write("m" + std::to_string(i) + ".py", "def f" + std::to_string(i) + "():\n    pass\n"),
                               std::nullopt});
  scheduler.submitAll({inputs.begin(), inputs.begin() + 3}, {});
  EXPECT_FALSE(index_->stats().bulk_writes);  // 3 < 4
  scheduler.waitIdle();
  scheduler.submitAll(inputs, {});
  EXPECT_TRUE(index_->stats().bulk_writes);
  scheduler.waitIdle();
  EXPECT_FALSE(index_->stats().bulk_writes);
  EXPECT_EQ(index_->stats().files, 5u);
}

}  // namespace
}  // namespace cs
