#include "indexer/parsed_file_cache.h"

#include <algorithm>

namespace cs {

ParsedFile ParsedFileCache::take(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return {};
  ParsedFile file = std::move(it->second.file);
  entries_.erase(it);
  return file;
}

void ParsedFileCache::put(const std::string& path, ParsedFile file) {
  std::lock_guard lock(mutex_);
  entries_[path] = Entry{std::move(file), ++clock_};
  while (entries_.size() > capacity_) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                   [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    entries_.erase(oldest);
  }
}

void ParsedFileCache::erase(const std::string& path) {
  std::lock_guard lock(mutex_);
  entries_.erase(path);
}

size_t ParsedFileCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace cs
