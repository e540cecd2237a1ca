// InotifyTree: one inotify instance and the directories it watches (watch
// descriptor <-> directory path), decoding the kernel's events into paths.
// Linux only. A directory is watched without following a symbolic link
// (IN_DONT_FOLLOW | IN_ONLYDIR), so a watch never leads out of the workspace.
// A directory moved away stops being watched with everything below it the
// moment its IN_MOVED_FROM is decoded: its watches would go on reporting under
// the old name. The fd is non-blocking; whoever reads it polls for readability.
//
// Thread-safety: every method may be called from any thread (watches are added
// from the scan thread while events are decoded on the event loop); readEvents
// by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "support/result.h"

namespace cs {

struct InotifyEvent {
  std::string path;   // the entry the event is about (the watched directory itself for its own events); empty on overflow
  uint32_t mask = 0;  // IN_* bits as the kernel gave them; IN_Q_OVERFLOW when events were lost
};

class InotifyTree {
 public:
  // `max_watches` > 0 refuses watches beyond that many with ENOSPC, as the
  // kernel does at fs.inotify.max_user_watches (tests emulate the limit).
  static Result<std::unique_ptr<InotifyTree>> create(size_t max_watches = 0);
  ~InotifyTree();
  InotifyTree(const InotifyTree&) = delete;
  InotifyTree& operator=(const InotifyTree&) = delete;

  int fd() const { return fd_; }
  // Watches directory `dir` (an absolute real path). An error carries errno:
  // ENOSPC at the watch limit, ENOENT/ENOTDIR when it is gone or not a directory.
  Status watch(const std::string& dir);
  // Stops watching `dir` and every directory below it.
  void unwatchTree(const std::string& dir);
  size_t watchCount() const;
  // Reads and decodes everything queued (nothing when the queue is empty).
  Result<std::vector<InotifyEvent>> readEvents();

 private:
  InotifyTree(int fd, size_t max_watches) : fd_(fd), max_watches_(max_watches) {}
  void forgetLocked(int wd);
  void unwatchTreeLocked(const std::string& dir);
  void decode(const char* buffer, size_t size, std::vector<InotifyEvent>& out);

  const int fd_;
  const size_t max_watches_;
  mutable std::mutex mutex_;
  std::unordered_map<int, std::string> dirs_;  // wd -> directory
  std::map<std::string, int> wds_;             // directory -> wd (sorted: a subtree is a range)
};

}  // namespace cs
