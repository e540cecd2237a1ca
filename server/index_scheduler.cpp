#include "server/index_scheduler.h"

#include <chrono>
#include <cstdio>
#include <utility>

namespace cs {

IndexScheduler::IndexScheduler(Index& index, const CodeEncoder* encoder, IndexSchedulerOptions options)
    : index_(index), encoder_(encoder), options_(options) {
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { workerLoop(); });
}

IndexScheduler::~IndexScheduler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void IndexScheduler::setProgressListener(std::function<void(const IndexProgress&)> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void IndexScheduler::enqueueLocked(Task task, bool urgent) {
  const std::string path = task.input.path;
  if (auto queued = queued_.find(path); queued != queued_.end() && queued->second.input.text && task.input.text) {
    // The superseded version is never parsed: the new one's edits start from where its edits did.
    std::vector<TextEdit>& edits = queued->second.input.edits;
    edits.insert(edits.end(), std::make_move_iterator(task.input.edits.begin()),
                 std::make_move_iterator(task.input.edits.end()));
    task.input.edits = std::move(edits);
  }
  auto [it, inserted] = queued_.insert_or_assign(path, std::move(task));
  if (inserted) {
    ++total_;
    (urgent ? urgent_order_ : normal_order_).push_back(path);
  } else if (urgent) {
    urgent_order_.push_back(path);  // promote; the stale entry in normal_order_ is skipped later
  }
}

void IndexScheduler::submit(FileInput input, bool urgent) {
  std::vector<Task> tasks;
  tasks.push_back(Task{std::move(input), false});
  enqueue(std::move(tasks), urgent);
}

void IndexScheduler::submitRemoval(const std::string& path, bool urgent) {
  std::vector<Task> tasks;
  tasks.push_back(Task{FileInput{path, std::nullopt}, true});
  enqueue(std::move(tasks), urgent);
}

void IndexScheduler::submitAll(std::vector<FileInput> inputs, const std::vector<std::string>& removals, bool urgent) {
  std::vector<Task> tasks;
  tasks.reserve(inputs.size() + removals.size());
  for (FileInput& input : inputs) tasks.push_back(Task{std::move(input), false});
  for (const std::string& path : removals) tasks.push_back(Task{FileInput{path, std::nullopt}, true});
  enqueue(std::move(tasks), urgent);
}

// All of `tasks` are queued under one lock, so no worker can find the queue
// empty (and report kEnd) between two of them.
void IndexScheduler::enqueue(std::vector<Task> tasks, bool urgent) {
  if (tasks.empty()) return;
  const bool several = tasks.size() > 1;
  std::lock_guard order(progress_order_);  // a worker's kEnd for these tasks waits for our kBegin
  bool begin = false, bulk = false;
  {
    std::lock_guard lock(mutex_);
    begin = queued_.empty() && in_flight_ == 0;
    for (Task& task : tasks) enqueueLocked(std::move(task), urgent);
    bulk = !bulk_ && options_.bulk_tasks > 0 && queued_.size() >= options_.bulk_tasks;
    bulk_ |= bulk;
  }
  // Under progress_order_, so the busy period's end (runBatch) comes after it;
  // a worker may already be indexing a few of these tasks, which is harmless.
  if (bulk) index_.beginBulkWrites();
  if (several) {
    work_cv_.notify_all();
  } else {
    work_cv_.notify_one();
  }
  if (begin) notify(IndexProgress::Phase::kBegin);
}

size_t IndexScheduler::pending() const {
  std::lock_guard lock(mutex_);
  return queued_.size() + in_flight_;
}

size_t IndexScheduler::skippedFiles() const {
  std::lock_guard lock(mutex_);
  return skipped_.size();
}

std::vector<std::string> IndexScheduler::skippedPaths() const {
  std::lock_guard lock(mutex_);
  return {skipped_.begin(), skipped_.end()};
}

std::vector<IndexScheduler::Task> IndexScheduler::takeBatchLocked() {
  std::vector<Task> batch;
  for (auto* order : {&urgent_order_, &normal_order_}) {
    for (auto it = order->begin(); it != order->end() && batch.size() < options_.batch_files;) {
      auto task = queued_.find(*it);
      if (task == queued_.end()) {  // already taken through its other queue entry
        it = order->erase(it);
        continue;
      }
      if (busy_.count(*it)) {  // an older version is being processed; keep the newer one queued
        ++it;
        continue;
      }
      busy_.insert(*it);
      batch.push_back(std::move(task->second));
      queued_.erase(task);
      it = order->erase(it);
    }
    // Urgent work (editor edits) goes alone, so its latency isn't tied to bulk files.
    if (!batch.empty() && order == &urgent_order_) break;
  }
  in_flight_ += batch.size();
  return batch;
}

// Indexes (or removes) the batch's files; returns each path with whether it
// was skipped. An exception from below (bad_alloc, hnswlib, libtorch) skips the
// batch's files instead of ending the worker thread, and with it the process.
std::vector<std::pair<std::string, bool>> IndexScheduler::processBatch(FileIndexer& indexer, std::vector<Task>& batch) {
  std::vector<std::pair<std::string, bool>> results;
  std::vector<FileInput> inputs;
  try {
    for (Task& task : batch) {
      if (task.remove) {
        (void)index_.removeFile(task.input.path);
        results.emplace_back(task.input.path, false);
      } else {
        inputs.push_back(task.input);
      }
    }
    if (!inputs.empty()) {
      for (const FileOutcome& outcome : indexer.indexBatch(inputs)) {
        results.emplace_back(outcome.path, outcome.kind == FileOutcome::Kind::kSkipped);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "codesearch: indexing a batch of %zu files failed: %s\n", batch.size(), e.what());
    results.clear();
    for (const Task& task : batch) results.emplace_back(task.input.path, !task.remove);
  }
  return results;
}

void IndexScheduler::runBatch(FileIndexer& indexer, std::vector<Task>& batch) {
  const auto outcomes = processBatch(indexer, batch);
  std::lock_guard order(progress_order_);
  bool finished = false, ended_bulk = false;
  {
    std::lock_guard lock(mutex_);
    for (const Task& task : batch) busy_.erase(task.input.path);
    in_flight_ -= batch.size();
    done_ += batch.size();
    for (const auto& [path, skipped] : outcomes) {
      if (skipped) {
        skipped_.insert(path);
      } else {
        skipped_.erase(path);
      }
    }
    finished = queued_.empty() && in_flight_ == 0;
    ended_bulk = finished && std::exchange(bulk_, false);
  }
  if (ended_bulk) index_.endBulkWrites();  // starts the graph build, if the index is large enough
  notify(finished ? IndexProgress::Phase::kEnd : IndexProgress::Phase::kReport);
  if (finished) {
    std::lock_guard lock(mutex_);
    if (queued_.empty() && in_flight_ == 0) {
      done_ = 0;
      total_ = 0;
    }
  }
  idle_cv_.notify_all();
  work_cv_.notify_all();  // paths that were busy may be runnable now
}

void IndexScheduler::notify(IndexProgress::Phase phase) {
  std::function<void(const IndexProgress&)> listener;
  IndexProgress progress;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
    progress = IndexProgress{phase, done_, std::max(total_, done_)};
  }
  if (listener) listener(progress);
}

void IndexScheduler::workerLoop() {
  FileIndexer indexer(index_, encoder_, options_.file_options);
  while (true) {
    std::vector<Task> batch;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] {
        if (stopping_) return true;
        for (const auto& [path, task] : queued_) {
          if (!busy_.count(path)) return true;
        }
        return false;
      });
      if (stopping_) return;
      batch = takeBatchLocked();
    }
    if (!batch.empty()) runBatch(indexer, batch);
  }
}

void IndexScheduler::waitIdle() {
  if (options_.threads == 0) {
    FileIndexer indexer(index_, encoder_, options_.file_options);
    while (true) {
      std::vector<Task> batch;
      {
        std::lock_guard lock(mutex_);
        batch = takeBatchLocked();
      }
      if (batch.empty()) return;
      runBatch(indexer, batch);
    }
  }
  std::unique_lock lock(mutex_);
  idle_cv_.wait(lock, [&] { return queued_.empty() && in_flight_ == 0; });
}

}  // namespace cs
