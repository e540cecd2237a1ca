// IndexScheduler: runs indexing work (FileIndexer batches) on background worker
// threads so the LSP loop never blocks. Per-path queueing: a newer request for a
// path replaces a queued older one (superseded edits are dropped, their byte
// edits prepended to the newer buffer's so they still lead from the version
// parsed last), a path is never processed by two workers at once, and editor
// edits jump the queue ahead of the bulk workspace scan.
//
// Thread-safety: all public methods may be called from any thread. The progress
// listener is invoked on worker threads (or the caller's, when threads == 0),
// one event at a time and in the order of the state changes they describe (a
// batch's kEnd never overtakes the kBegin of the submit that queued it); it
// must not call submit() or submitRemoval().
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "indexer/file_indexer.h"

namespace cs {

struct IndexSchedulerOptions {
  int threads = 1;         // worker threads; 0 = no threads: work runs inside waitIdle() (tests, CLI)
  size_t batch_files = 8;  // files per FileIndexer batch (amortises encoder calls)
  // A busy period with at least this many tasks queued is a bulk for the
  // index (Index::beginBulkWrites until the period ends): a cold scan, a
  // branch switch. 0 = never. A scheduler destroyed during a bulk leaves it
  // open: its index goes with it (SearchService owns both).
  size_t bulk_tasks = 1000;
  FileIndexerOptions file_options;
};

struct IndexProgress {
  enum class Phase { kBegin, kReport, kEnd } phase = Phase::kReport;
  size_t done = 0;   // tasks finished in this busy period
  size_t total = 0;  // tasks submitted in this busy period
};

class IndexScheduler {
 public:
  IndexScheduler(Index& index, const CodeEncoder* encoder, IndexSchedulerOptions options);
  ~IndexScheduler();  // finishes the batch in flight, drops the rest, joins
  IndexScheduler(const IndexScheduler&) = delete;
  IndexScheduler& operator=(const IndexScheduler&) = delete;

  // Queues (re)indexing of a file; `input.text` carries unsaved buffer text.
  void submit(FileInput input, bool urgent = false);
  void submitRemoval(const std::string& path, bool urgent = false);
  // Queues files and removals in one step (a workspace scan, a pass of disk
  // changes): the busy period they begin cannot end before all of them are
  // done, however fast workers drain the queue.
  void submitAll(std::vector<FileInput> inputs, const std::vector<std::string>& removals, bool urgent = false);

  size_t pending() const;  // queued + in flight
  bool idle() const { return pending() == 0; }
  void waitIdle();         // blocks until nothing is queued or in flight

  // Distinct paths whose latest processing skipped them (binary, too large,
  // unreadable, a failed batch). A path counts once however often it is
  // skipped again, and leaves the set when it later indexes fine or is removed.
  size_t skippedFiles() const;
  std::vector<std::string> skippedPaths() const;
  void setProgressListener(std::function<void(const IndexProgress&)> listener);

 private:
  struct Task {
    FileInput input;
    bool remove = false;
  };

  void workerLoop();
  // Takes up to batch_files runnable tasks; caller holds mutex_.
  std::vector<Task> takeBatchLocked();
  void runBatch(FileIndexer& indexer, std::vector<Task>& batch);
  // Never throws; returns each processed path with whether it was skipped.
  std::vector<std::pair<std::string, bool>> processBatch(FileIndexer& indexer, std::vector<Task>& batch);
  void enqueue(std::vector<Task> tasks, bool urgent);
  void enqueueLocked(Task task, bool urgent);
  void notify(IndexProgress::Phase phase);

  Index& index_;
  const CodeEncoder* encoder_;
  IndexSchedulerOptions options_;

  // Held from a state change to the progress event describing it, so events
  // leave in order. Taken before mutex_, never while holding it.
  std::mutex progress_order_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::unordered_map<std::string, Task> queued_;  // path -> latest task
  std::deque<std::string> urgent_order_;
  std::deque<std::string> normal_order_;
  std::unordered_set<std::string> busy_;          // paths being processed
  size_t in_flight_ = 0;
  size_t done_ = 0;
  size_t total_ = 0;
  bool bulk_ = false;  // the index is in a bulk of writes (beginBulkWrites) until this busy period ends
  std::unordered_set<std::string> skipped_;      // paths skipped by their latest processing
  bool stopping_ = false;
  std::function<void(const IndexProgress&)> listener_;
  std::vector<std::thread> workers_;
};

}  // namespace cs
