// ParsedFileCache: the parse state (ParsedFile: text, tree, definitions) of
// each open document between its versions, so that the next version of a
// buffer is parsed incrementally (Extractor::extract with a ParsedFile). At
// most `capacity` documents; the one used longest ago goes first.
//
// Thread-safety: all methods may be called from any thread (one mutex). A
// worker takes a path's state out, extracts, and puts it back; IndexScheduler
// never gives one path to two workers at once, so a state is used by one
// thread at a time.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "indexer/extractor.h"

namespace cs {

class ParsedFileCache {
 public:
  explicit ParsedFileCache(size_t capacity = 32) : capacity_(capacity) {}

  // The state of `path`, removed from the cache; empty when there is none.
  ParsedFile take(const std::string& path);
  void put(const std::string& path, ParsedFile file);
  void erase(const std::string& path);
  size_t size() const;

 private:
  struct Entry {
    ParsedFile file;
    uint64_t used = 0;  // when it was last put
  };
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t clock_ = 0;
};

}  // namespace cs
