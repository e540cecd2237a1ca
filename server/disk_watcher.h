// DiskWatcher: keeps a SearchService current with what changes on disk without
// an editor (a git checkout, a code generator, an agent writing files): files
// and directories created, written, deleted or moved. Linux inotify.
//
// Watches come from the service's own walks: the watcher installs the
// service's directory listener, so every directory a walk lists is watched
// before it is listed and nothing created meanwhile goes unseen (the caller
// starts the first walk, startWorkspaceScan, after start()). Ignored
// directories are never walked, so never watched; symbolic links are never
// followed. Events are read on an asio event loop and coalesced
// (change_coalescer.h): a burst becomes one pass of applyDiskChanges. A
// directory moved or created in is walked by that pass (its files indexed, its
// subdirectories watched); one moved out or deleted leaves the index with its
// files. Degraded cases rescan instead of missing changes, with a warning in
// the service's status: a queue overflow (events lost) rescans the workspace
// once; at the watch limit (ENOSPC) what is watched stays watched and the
// workspace is rescanned every `rescan_interval` (mode "polling"), as it is
// when inotify cannot start at all.
//
// Thread model: start(), the destructor and every handler run on the thread
// running `io` (the event loop; the CLI runs one on a thread of its own). The
// directory listener runs on the service's scan thread and touches only the
// thread-safe InotifyTree (and posts to `io`). The service must outlive the
// watcher, and `io` the service's scan thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <asio/io_context.hpp>

#include "server/change_coalescer.h"
#include "server/search_service.h"

namespace cs {

struct DiskWatcherOptions {
  CoalescerOptions coalesce;                               // quiet period and maximum delay of a pass
  std::chrono::milliseconds rescan_interval{30000};        // polling mode: a full rescan this often
  size_t max_watches = 0;                                  // 0 = the kernel's limit; tests emulate a small one
  std::function<void(size_t paths)> on_pass;               // after each pass went to the service (loop thread)
};

class DiskWatcher {
 public:
  static std::unique_ptr<DiskWatcher> start(asio::io_context& io, SearchService& service,
                                            DiskWatcherOptions options = {});
  ~DiskWatcher();  // stops: no handler touches the service afterwards
  DiskWatcher(const DiskWatcher&) = delete;
  DiskWatcher& operator=(const DiskWatcher&) = delete;

  size_t passes() const;        // passes handed to the service so far
  size_t watchedDirectories() const;

  struct Impl;

 private:
  explicit DiskWatcher(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace cs
