#include "server/disk_watcher.h"

#include <sys/inotify.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <iostream>
#include <optional>

#include <asio/post.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>

#include "server/inotify_tree.h"

namespace cs {

struct DiskWatcher::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, SearchService& service, DiskWatcherOptions options)
      : io(io), service(service), options(std::move(options)), pending(this->options.coalesce), pass_timer(io),
        rescan_timer(io) {}

  asio::io_context& io;
  SearchService& service;
  DiskWatcherOptions options;
  std::shared_ptr<InotifyTree> tree;  // shared with the directory listener on the scan thread
  std::optional<asio::posix::stream_descriptor> descriptor;
  ChangeCoalescer pending;
  asio::steady_timer pass_timer;
  bool pass_armed = false;
  asio::steady_timer rescan_timer;
  bool stopped = false;
  bool polling = false;
  std::string polling_reason;
  size_t overflows = 0;
  std::atomic<size_t> passes{0};  // read by tests and benchmarks on other threads

  void begin();
  void stop();
  void waitReadable();
  void onReadable();
  void onEvent(const InotifyEvent& event);
  void armPass();
  void runPass();
  void startPolling(std::string reason);
  void armRescan();
  void publishState();
  bool isRoot(const std::string& path) const;
};

void DiskWatcher::Impl::begin() {
  auto created = InotifyTree::create(options.max_watches);
  if (!created.ok()) {
    startPolling("cannot watch the disk (" + created.error().message + ")");
    return;
  }
  tree = std::move(created.value());
  descriptor.emplace(io, tree->fd());
  // On the scan thread: watch each directory before the walk lists it. The
  // first refusal at the watch limit switches the watcher to polling.
  service.setDirectoryListener([tree = tree, io = &io, weak = weak_from_this(),
                                reported = std::make_shared<std::atomic<bool>>(false)](const std::string& dir) {
    Status watched = tree->watch(dir);
    if (watched.ok() || watched.error().code != ENOSPC || reported->exchange(true)) return;
    asio::post(*io, [weak] {
      if (auto self = weak.lock(); self && !self->stopped) {
        self->startPolling("the inotify watch limit is reached (fs.inotify.max_user_watches; " +
                           std::to_string(self->tree->watchCount()) + " directories watched)");
      }
    });
  });
  publishState();
  waitReadable();
}

void DiskWatcher::Impl::stop() {
  stopped = true;
  if (tree) service.setDirectoryListener(nullptr);
  pass_timer.cancel();
  rescan_timer.cancel();
  if (descriptor) {
    descriptor->cancel();
    (void)descriptor->release();  // the tree owns the fd (a walk in progress may still add watches to it)
  }
}

void DiskWatcher::Impl::waitReadable() {
  descriptor->async_wait(asio::posix::stream_descriptor::wait_read,
                         [self = shared_from_this()](const std::error_code& ec) {
                           if (self->stopped || ec) return;
                           self->onReadable();
                         });
}

void DiskWatcher::Impl::onReadable() {
  auto events = tree->readEvents();
  if (!events.ok()) {
    std::cerr << "codesearch: " << events.error().message << "\n";
    startPolling(events.error().message);
    return;
  }
  for (const InotifyEvent& event : events.value()) onEvent(event);
  armPass();
  waitReadable();
}

void DiskWatcher::Impl::onEvent(const InotifyEvent& event) {
  if (event.mask & IN_Q_OVERFLOW) {  // events were lost: only a full walk knows what changed
    ++overflows;
    pending.clear();
    service.startWorkspaceScan();
    publishState();
    return;
  }
  if ((event.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) && isRoot(event.path)) {
    pending.clear();
    service.startWorkspaceScan();  // a root went away: its files leave the index
    return;
  }
  pending.add(event.path, ChangeCoalescer::Clock::now());
}

bool DiskWatcher::Impl::isRoot(const std::string& path) const {
  const auto roots = service.roots();
  return std::find(roots.begin(), roots.end(), path) != roots.end();
}

// One timer for the pass: armed at the due time; a burst that goes on moves
// the due time, and the timer re-arms itself until the disk is quiet (or the
// maximum delay has passed).
void DiskWatcher::Impl::armPass() {
  if (pass_armed || pending.empty()) return;
  pass_armed = true;
  pass_timer.expires_at(pending.dueAt());
  pass_timer.async_wait([self = shared_from_this()](const std::error_code& ec) {
    self->pass_armed = false;
    if (self->stopped || ec) return;
    if (self->pending.empty()) return;
    if (ChangeCoalescer::Clock::now() < self->pending.dueAt()) {
      self->armPass();
      return;
    }
    self->runPass();
  });
}

void DiskWatcher::Impl::runPass() {
  std::vector<std::string> paths = pending.take();
  const size_t count = paths.size();
  service.applyDiskChanges(std::move(paths));
  ++passes;
  if (options.on_pass) options.on_pass(count);
}

void DiskWatcher::Impl::startPolling(std::string reason) {
  if (polling) return;
  polling = true;
  polling_reason = std::move(reason);
  std::cerr << "codesearch: " << polling_reason << "; rescanning the workspace every "
            << options.rescan_interval.count() / 1000.0 << " s\n";
  publishState();
  service.startWorkspaceScan();
  armRescan();
}

void DiskWatcher::Impl::armRescan() {
  rescan_timer.expires_after(options.rescan_interval);
  rescan_timer.async_wait([self = shared_from_this()](const std::error_code& ec) {
    if (self->stopped || ec) return;
    self->service.startWorkspaceScan();
    self->armRescan();
  });
}

void DiskWatcher::Impl::publishState() {
  WatchState state;
  state.mode = polling ? WatchMode::kPolling : WatchMode::kInotify;
  if (polling) {
    state.warning = polling_reason + ": changes on disk are picked up by a rescan every " +
                    std::to_string(options.rescan_interval.count() / 1000) + " s";
  }
  if (overflows > 0) {
    if (!state.warning.empty()) state.warning += "; ";
    state.warning += "the inotify event queue overflowed " + std::to_string(overflows) +
                     (overflows == 1 ? " time" : " times") +
                     " (fs.inotify.max_queued_events) and the workspace was rescanned";
  }
  service.setWatchState(std::move(state));
}

std::unique_ptr<DiskWatcher> DiskWatcher::start(asio::io_context& io, SearchService& service,
                                                DiskWatcherOptions options) {
  auto impl = std::make_shared<Impl>(io, service, std::move(options));
  impl->begin();
  return std::unique_ptr<DiskWatcher>(new DiskWatcher(std::move(impl)));
}

DiskWatcher::~DiskWatcher() { impl_->stop(); }

size_t DiskWatcher::passes() const { return impl_->passes; }

size_t DiskWatcher::watchedDirectories() const { return impl_->tree ? impl_->tree->watchCount() : 0; }

}  // namespace cs
