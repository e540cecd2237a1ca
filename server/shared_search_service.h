// SharedSearchService: one SearchService shared by several LSP sessions (the
// TCP transport's clients), created by the first session's `initialize` and
// kept until the daemon exits, with the engine's own disk watcher when it has
// one. Progress events fan out to every session that listens. A stdio session
// owns one of these alone.
//
// Thread-safety: every method may be called from any thread, except watchDisk
// and the destructor: the event-loop thread the watcher runs on. Listeners are
// called on indexing threads, one event at a time, and may be removed at any
// moment (a call already started finishes; no new call starts).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include <asio/io_context.hpp>

#include "server/disk_watcher.h"
#include "server/search_service.h"

namespace cs {

class SharedSearchService {
 public:
  // How the service is made: SearchService::create unless a test says otherwise.
  using Factory = std::function<Result<std::unique_ptr<SearchService>>(const SearchServiceOptions&)>;
  SharedSearchService() = default;
  explicit SharedSearchService(Factory factory) : factory_(std::move(factory)) {}
  ~SharedSearchService();
  SharedSearchService(const SharedSearchService&) = delete;
  SharedSearchService& operator=(const SharedSearchService&) = delete;

  // The service, created with `options` on the first successful call; later
  // calls return it unchanged (their options, roots included, are ignored).
  // Exceptions from creation (libtorch, sqlite) become errors.
  Result<SearchService*> acquire(const SearchServiceOptions& options);
  // Starts the workspace scan the first time it is called; later calls do nothing.
  void startScanOnce();
  // Makes the engine watch the disk itself (a DiskWatcher on `io`) unless it
  // does already. Before startScanOnce the first scan adds the watches; after
  // it, a rescan does (and catches up with what changed meanwhile).
  void watchDisk(asio::io_context& io);

  using ProgressListener = std::function<void(const IndexProgress&)>;
  int addProgressListener(ProgressListener listener);
  void removeProgressListener(int id);

 private:
  void broadcast(const IndexProgress& progress);

  Factory factory_ = SearchService::create;
  std::mutex mutex_;
  std::unique_ptr<SearchService> service_;
  std::unique_ptr<DiskWatcher> watcher_;  // destroyed before service_
  bool scanned_ = false;
  std::mutex listeners_mutex_;
  std::map<int, std::shared_ptr<ProgressListener>> listeners_;
  int next_listener_ = 1;
};

}  // namespace cs
