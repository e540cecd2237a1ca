#include "cli/index_watch.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <thread>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <nlohmann/json.hpp>

#include "server/disk_watcher.h"

namespace cs {
namespace {

using Clock = std::chrono::steady_clock;

void printIndexed(const SearchService& service, const char* what, Clock::duration took, bool json) {
  ServiceStatus status = service.status();
  if (json) {
    std::cout << nlohmann::json{{"event", what}, {"files", status.stats.files}, {"chunks", status.stats.chunks},
                                {"skippedFiles", status.skipped_files},
                                {"seconds", std::chrono::duration<double>(took).count()}}
                     .dump()
              << std::endl;
    return;
  }
  std::cerr << what << ": " << status.stats.files << " files, " << status.stats.chunks << " chunks (" << std::fixed
            << std::setprecision(2) << std::chrono::duration<double>(took).count() << " s)" << std::endl;
}

}  // namespace

int runIndexWatch(const EngineCliOptions& engine, const std::string& dir, bool json) {
  // Every thread started from here on (indexing workers, the scan thread, the
  // loop) inherits the blocked signals; only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  SearchServiceOptions options = engine.toServiceOptions();
  options.roots = {dir};
  auto created = SearchService::create(options);
  if (!created.ok()) {
    std::cerr << "codesearch: " << created.error().message << "\n";
    return 1;
  }
  std::unique_ptr<SearchService> service = std::move(created.value());

  asio::io_context io;
  auto keep_running = asio::make_work_guard(io);
  // A pass is timed from the moment it goes to the service until indexing is idle again.
  std::atomic<Clock::rep> pass_started{Clock::now().time_since_epoch().count()};
  DiskWatcherOptions watcher_options;
  watcher_options.on_pass = [&pass_started](size_t) { pass_started = Clock::now().time_since_epoch().count(); };
  // Started before io runs, so no handler races it; the first walk adds the watches.
  std::unique_ptr<DiskWatcher> watcher = DiskWatcher::start(io, *service, watcher_options);
  std::thread loop([&io] { io.run(); });

  auto start = Clock::now();
  service->startWorkspaceScan();
  service->waitUntilIdle();
  printIndexed(*service, "indexed", Clock::now() - start, json);
  if (!json) std::cerr << "watching " << service->roots().front() << " for changes (Ctrl-C to stop)" << std::endl;
  service->setProgressListener([&service, &pass_started, json](const IndexProgress& p) {
    if (p.phase != IndexProgress::Phase::kEnd) return;
    printIndexed(*service, "updated", Clock::now() - Clock::time_point(Clock::duration(pass_started.load())), json);
  });

  int signal = 0;
  sigwait(&stop_signals, &signal);
  asio::post(io, [&watcher] { watcher.reset(); });  // on its loop thread
  keep_running.reset();
  loop.join();
  service->setProgressListener(nullptr);
  // The service's destructor finishes the batch in flight and drops the rest:
  // the persistent index stays consistent, and the next run catches up.
  return 0;
}

}  // namespace cs
