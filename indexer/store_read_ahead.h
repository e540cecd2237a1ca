// StoreReadAhead: reads a stored index's chunks from the IndexStore in
// batches of files on a thread of its own, a couple of batches ahead of the
// loader that applies them (Index::loadStored): SQLite, the chunk metadata
// and the vectors' decoding run on one core while the index takes in the
// previous batch on the other.
//
// Thread-safety: one consumer calls next(); the reader thread only touches
// the store (which serialises its own calls) and the queue, under its mutex.
// The destructor stops the reader and joins it.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "indexer/index_store.h"

namespace cs {

class StoreReadAhead {
 public:
  struct Batch {
    std::vector<StoredFile> files;  // with their chunks
    size_t end = 0;                 // files read so far, this batch included
  };
  // `files` as IndexStore::storedFiles gave them (sorted by path).
  StoreReadAhead(IndexStore& store, std::vector<StoredFile> files, size_t batch_files, bool texts);
  ~StoreReadAhead();
  StoreReadAhead(const StoreReadAhead&) = delete;
  StoreReadAhead& operator=(const StoreReadAhead&) = delete;

  // The next batch in order; nullopt after the last. An error when the store
  // could not be read (the reader has stopped then).
  Result<std::optional<Batch>> next();

 private:
  static constexpr size_t kAhead = 2;  // batches held ready at most
  void run();

  IndexStore& store_;
  std::vector<StoredFile> files_;
  const size_t batch_files_;
  const bool texts_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> ready_;
  std::optional<Error> error_;
  bool finished_ = false;  // the reader has read everything (or failed)
  bool stopping_ = false;  // the consumer is gone
  std::thread reader_;
};

}  // namespace cs
