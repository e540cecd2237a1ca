#include "indexer/store_read_ahead.h"

#include <iterator>

namespace cs {

StoreReadAhead::StoreReadAhead(IndexStore& store, std::vector<StoredFile> files, size_t batch_files, bool texts)
    : store_(store), files_(std::move(files)), batch_files_(std::max<size_t>(batch_files, 1)), texts_(texts),
      reader_([this] { run(); }) {}

StoreReadAhead::~StoreReadAhead() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  reader_.join();
}

// Batches of files in order, each read whole and queued; waits while kAhead
// are queued. Exceptions (bad_alloc) end the read with an error, never the process.
void StoreReadAhead::run() {
  auto fail = [&](Error error) {
    std::lock_guard lock(mutex_);
    error_ = std::move(error);
    finished_ = true;
  };
  try {
    for (size_t begin = 0; begin < files_.size(); begin += batch_files_) {
      const size_t end = std::min(files_.size(), begin + batch_files_);
      Batch batch;
      batch.files.assign(std::make_move_iterator(files_.begin() + static_cast<long>(begin)),
                         std::make_move_iterator(files_.begin() + static_cast<long>(end)));
      batch.end = end;
      if (Status read = store_.loadChunks(batch.files.front().path, batch.files.back().path, batch.files, texts_);
          !read.ok()) {
        fail(read.error());
        changed_.notify_all();
        return;
      }
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || ready_.size() < kAhead; });
      if (stopping_) return;
      ready_.push_back(std::move(batch));
      lock.unlock();
      changed_.notify_all();
    }
  } catch (const std::exception& e) {
    fail(Error{std::string("reading the stored index: ") + e.what()});
    changed_.notify_all();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

Result<std::optional<StoreReadAhead::Batch>> StoreReadAhead::next() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !ready_.empty() || finished_; });
  if (!ready_.empty()) {
    Batch batch = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    changed_.notify_all();
    return std::optional<Batch>(std::move(batch));
  }
  if (error_) return *error_;
  return std::optional<Batch>();
}

}  // namespace cs
