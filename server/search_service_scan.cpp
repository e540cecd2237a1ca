// SearchService's scan thread: the workspace walk and the re-evaluation of
// paths changed on disk (applyDiskChanges). One piece of work at a time, in
// the order requested; a full walk requested while paths wait subsumes them.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <type_traits>

#include "indexer/workspace_paths.h"
#include "server/search_service.h"

namespace cs {
namespace {

// A pass touching at most this many files is urgent (an edit on disk, seen
// fresh while a bulk scan runs); a larger one goes in bulk batches.
constexpr size_t kUrgentPassFiles = 8;

bool isIgnoreFile(const std::string& path) {
  const std::string name = path.substr(path.rfind('/') + 1);
  return name == ".gitignore" || name == ".codesearchignore";
}

// Sorted, distinct, and without paths below another one of the list (its walk covers them).
std::vector<std::string> outermost(std::vector<std::string> paths) {
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  const std::set<std::string> all(paths.begin(), paths.end());
  std::vector<std::string> out;
  for (std::string& path : paths) {
    bool covered = false;
    for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0 && !covered;
         slash = path.rfind('/', slash - 1)) {
      covered = all.count(path.substr(0, slash)) > 0;
    }
    if (!covered) out.push_back(std::move(path));
  }
  return out;
}

// The entries of `sorted` (a sorted vector or a set) at or below `path`: "/a"
// and "/a/..." but not "/a-b", which sorts between them.
template <typename Sorted>
std::vector<std::string> atOrBelow(const Sorted& sorted, const std::string& path) {
  auto lowerBound = [&](const std::string& key) {
    if constexpr (std::is_same_v<Sorted, std::set<std::string>>) {
      return sorted.lower_bound(key);
    } else {
      return std::lower_bound(sorted.begin(), sorted.end(), key);
    }
  };
  std::vector<std::string> out;
  if (auto it = lowerBound(path); it != sorted.end() && *it == path) out.push_back(*it);
  const std::string prefix = path + "/";
  for (auto it = lowerBound(prefix); it != sorted.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
    out.push_back(*it);
  }
  return out;
}

}  // namespace

void SearchService::startWorkspaceScan() { requestScanWork(/*full_walk=*/true, {}); }

void SearchService::applyDiskChanges(std::vector<std::string> paths) {
  if (!paths.empty()) requestScanWork(/*full_walk=*/false, std::move(paths));
}

void SearchService::requestScanWork(bool full_walk, std::vector<std::string> paths) {
  {
    std::lock_guard lock(scan_mutex_);
    full_walk_requested_ |= full_walk;
    disk_paths_.insert(disk_paths_.end(), std::make_move_iterator(paths.begin()), std::make_move_iterator(paths.end()));
    scan_busy_ = true;
  }
  if (options_.index_threads == 0) {
    runScanWork();
    return;
  }
  scan_cv_.notify_all();
}

void SearchService::scanThreadLoop() {
  std::unique_lock lock(scan_mutex_);
  for (;;) {
    scan_cv_.wait(lock, [&] { return scan_stopping_ || full_walk_requested_ || !disk_paths_.empty(); });
    if (scan_stopping_) return;
    lock.unlock();
    runScanWork();
    lock.lock();
  }
}

void SearchService::runScanWork() {
  for (;;) {
    bool full_walk = false;
    std::vector<std::string> paths;
    {
      std::lock_guard lock(scan_mutex_);
      if (!full_walk_requested_ && disk_paths_.empty()) {
        scan_busy_ = false;
        scan_cv_.notify_all();
        return;
      }
      full_walk = std::exchange(full_walk_requested_, false);
      paths.swap(disk_paths_);
    }
    try {  // the scan thread's boundary: a failure skips this piece of work, never the thread
      // The stored index first (a no-op once loaded): walks and disk passes compare with it.
      loadStoredIndex();
      if (full_walk) {
        walkOnce();
      } else {
        applyDiskPaths(std::move(paths));
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "codesearch: %s failed: %s\n", full_walk ? "a workspace scan" : "applying disk changes",
                   e.what());
    }
  }
}

// After a restart: the stored index comes into memory batch by batch; the
// destructor stops it at the next batch.
void SearchService::loadStoredIndex() {
  auto keep_going = [this](const LoadProgress&) {
    std::lock_guard lock(scan_mutex_);
    return !scan_stopping_;
  };
  if (Status loaded = index_->loadStored(keep_going); !loaded.ok())
    std::fprintf(stderr, "codesearch: loading the stored index: %s\n", loaded.error().message.c_str());
}

bool SearchService::scanBusy() const {
  std::lock_guard lock(scan_mutex_);
  return scan_busy_;
}

WalkOptions SearchService::walkOptions() const {
  WalkOptions walk_options;
  walk_options.roots = roots();
  walk_options.max_file_bytes = options_.max_file_bytes;
  walk_options.cache_dir = walk_cache_dir_;
  walk_options.already_indexed = [this](const std::string& path, uint64_t size, int64_t mtime_ns) {
    auto stamp = index_->fileStamp(path);
    return stamp && stamp->mtime_ns == mtime_ns && stamp->size == static_cast<int64_t>(size) && mtime_ns != 0;
  };
  std::lock_guard lock(hooks_mutex_);
  walk_options.on_directory = directory_listener_;
  return walk_options;
}

void SearchService::walkOnce() {
  WorkspaceWalker walker(walkOptions());
  WalkResult walked = walker.walk();
  {
    std::set<std::string> skipped;
    for (const SkippedFile& file : walked.skipped) skipped.insert(file.path);
    std::lock_guard lock(walk_skipped_mutex_);
    walk_skipped_ = std::move(skipped);
  }

  // Queued in one step: submitted one by one, a worker that drained the
  // queue between two of them ended the busy period (progress 'end' while
  // the scan was still queueing files).
  std::set<std::string> present;
  std::vector<FileInput> changed;
  for (const WalkedFile& file : walked.files) {
    present.insert(file.path);
    auto stamp = index_->fileStamp(file.path);
    if (stamp && stamp->mtime_ns == file.mtime_ns && stamp->size == static_cast<int64_t>(file.size)) continue;
    changed.push_back(FileInput{file.path, std::nullopt});
  }
  std::vector<std::string> removed;
  for (const std::string& indexed : index_->files()) {
    if (!present.count(indexed)) removed.push_back(indexed);
  }
  scheduler_->submitAll(std::move(changed), removed);
}

// Each path is walked as the scan would walk it (walkSubtree). A reported file
// it lists is re-indexed without a stamp check (the watcher saw it change, and
// a rewrite within the file system's timestamp granularity keeps the stamp);
// the files listed below a reported directory are, when their stamp changed.
// Indexed files at or below a path that no longer lists them leave the index.
void SearchService::applyDiskPaths(std::vector<std::string> paths) {
  const std::vector<std::string> current_roots = roots();
  std::vector<std::string> entries;
  for (const std::string& path : paths) {
    if (auto entry = resolveEntryUnderRoots(path, current_roots)) entries.push_back(std::move(*entry));
  }
  entries = outermost(std::move(entries));
  if (entries.empty()) return;
  if (std::any_of(entries.begin(), entries.end(), isIgnoreFile)) {
    walkOnce();  // the rules changed: what is indexed anywhere may change
    return;
  }

  WorkspaceWalker walker(walkOptions());
  std::optional<std::vector<std::string>> indexed;  // sorted; read when a path is not a plain file
  std::vector<std::string> changed, removed;
  std::vector<SkippedFile> skipped;
  for (const std::string& entry : entries) {
    WalkResult found = walker.walkSubtree(entry);
    std::set<std::string> listed;
    for (WalkedFile& file : found.files) {
      listed.insert(file.path);
      if (isOpenDocument(file.path)) continue;
      // Below a reported directory (moved in, touched) a file whose stamp the index already has is unchanged.
      if (file.path != entry) {
        auto stamp = index_->fileStamp(file.path);
        if (stamp && stamp->mtime_ns == file.mtime_ns && stamp->size == static_cast<int64_t>(file.size)) continue;
      }
      changed.push_back(std::move(file.path));
    }
    skipped.insert(skipped.end(), found.skipped.begin(), found.skipped.end());
    struct stat st {};
    std::vector<std::string> before;
    if (::lstat(entry.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (index_->fileStamp(entry)) before.push_back(entry);
    } else {
      if (!indexed) {
        indexed = index_->files();
        std::sort(indexed->begin(), indexed->end());
      }
      before = atOrBelow(*indexed, entry);
    }
    for (std::string& path : before) {
      if (!listed.count(path) && !isOpenDocument(path)) removed.push_back(std::move(path));
    }
  }
  {
    std::lock_guard lock(walk_skipped_mutex_);
    for (const std::string& entry : entries) {
      for (const std::string& path : atOrBelow(walk_skipped_, entry)) walk_skipped_.erase(path);
    }
    for (const SkippedFile& file : skipped) walk_skipped_.insert(file.path);
  }
  const bool urgent = changed.size() + removed.size() <= kUrgentPassFiles;
  std::vector<FileInput> inputs;
  for (std::string& path : changed) inputs.push_back(FileInput{std::move(path), std::nullopt});
  scheduler_->submitAll(std::move(inputs), removed, urgent);  // one busy period for the pass
}

}  // namespace cs
