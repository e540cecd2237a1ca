// WorkspaceWalker: lists the files of the workspace roots that should be
// indexed. Ignore rules come from libgit2 (.gitignore at every level,
// .git/info/exclude, the user's global excludes) plus a .codesearchignore at
// each root; binary, oversized, generated and minified files are skipped with a
// reason; symbolic links are never followed (no loops, never out of a root).
// A permission error or a file vanishing mid-walk skips that entry only.
// Ignore files are never a way to stall or bloat the walk: .codesearchignore is
// read with readBoundedFile (regular file, not a symlink, at most 1 MiB), and a
// directory whose .gitignore is not such a file (libgit2 would open a FIFO there
// and block) is skipped with a reason.
//
// Thread-safety: a walker is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cs {

struct WalkOptions {
  std::vector<std::string> roots;  // absolute directories
  size_t max_file_bytes = 1 << 20;
  // Where private ignore-rule repositories live for roots that are not git
  // repositories (libgit2 needs a repository to evaluate .gitignore files).
  // Empty = a temporary directory removed with the walker.
  std::string cache_dir;
  // Called with every directory the walk is about to list (a root included),
  // before it reads the entries: a file watcher adds its watch there, so
  // nothing created after the listing goes unseen. Runs on the walking thread.
  std::function<void(const std::string& dir)> on_directory;
  // Whether the file is indexed with exactly this stamp (size, mtime): then
  // its head was judged indexable when it was indexed and is not read again
  // (a warm start's walk of a kernel-sized tree read 55k heads, seconds).
  // The indexer checks the content again whenever it reads a file. Runs on
  // the walking thread; may be empty.
  std::function<bool(const std::string& path, uint64_t size, int64_t mtime_ns)> already_indexed;
};

struct WalkedFile {
  std::string path;      // absolute
  std::string language;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

struct SkippedFile {
  std::string path;
  std::string reason;
};

struct WalkResult {
  std::vector<WalkedFile> files;
  std::vector<SkippedFile> skipped;
};

class WorkspaceWalker {
 public:
  explicit WorkspaceWalker(WalkOptions options);
  ~WorkspaceWalker();
  WorkspaceWalker(const WorkspaceWalker&) = delete;
  WorkspaceWalker& operator=(const WorkspaceWalker&) = delete;

  WalkResult walk();
  // What walk() would list at or below `path` (a file or a directory strictly
  // inside a root, its parent directories real paths): the same rules,
  // including ignore rules of the directories above it. A path that is gone,
  // ignored, a symbolic link or not source code lists nothing.
  WalkResult walkSubtree(const std::string& path);
  // Whether an ignore rule excludes `path` (absolute, inside a root).
  bool isIgnored(const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Why the first bytes of a file (and its name) mark it as not worth indexing:
// "binary file", "generated file", "minified file"; empty when it is fine.
std::string unindexableReason(const std::string& file_name, std::string_view head);

}  // namespace cs
