// Watch benchmark: a branch switch on disk with no editor. A workspace of
// 1,100 Python files is indexed with the disk watcher running
// (server/disk_watcher.h); then, round after round, a "checkout" rewrites
// 1,000 files (one function of three changes in each), deletes 100 and creates
// 100 in a new directory, and the benchmark prints the time from the first
// write until the index equals a clean rebuild of the same tree (every file's
// chunks: kind, name, lines and text), the time from the last write, and how
// many passes the watcher needed.
// Usage: watch_bench [--rounds N] [--files N] [--index-threads N] [--no-model]
// Run it from the repository root (the shipped model is found there).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>

#include "server/disk_watcher.h"

namespace {

namespace fs = std::filesystem;
using namespace cs;
using Clock = std::chrono::steady_clock;

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Options {
  int rounds = 3;
  int files = 1000;
  int index_threads = 1;  // the daemon's default
  bool model = true;
};

using Snapshot = std::map<std::string, std::vector<std::string>>;

Snapshot snapshotOf(const SearchService& service, const std::string& root) {
  Snapshot out;
  for (const std::string& path : service.indexedFiles()) {
    auto& chunks = out[path.substr(root.size())];
    for (const Chunk& c : service.chunksOf(path)) {
      chunks.push_back(c.kind + " " + c.qualified_name + " " + std::to_string(c.start.line) + "-" +
                       std::to_string(c.end.line) + "\n" + c.text);
    }
  }
  return out;
}

std::string module(int i, int version) {
  std::string s = "\"\"\"Request handling, part " + std::to_string(i) + ".\"\"\"\nimport json\n\n";
  for (int f = 0; f < 3; ++f) {
    // Only the first function changes from one branch to the next.
    const int v = f == 0 ? version : 0;
    s += "def handle_" + std::to_string(i) + "_" + std::to_string(f) + "_v" + std::to_string(v) +
         "(request, limit=" + std::to_string(f) + "):\n    \"\"\"Parse the request body and keep the items above the limit.\"\"\"\n"
         "    items = json.loads(request.body)\n    return [x for x in items if x > limit]\n\n";
  }
  return s;
}

// Branch `version` of the tree: `files` modules, plus 100 files only this branch has.
void checkout(const std::string& root, const Options& options, int version, int previous) {
  if (previous >= 0) fs::remove_all(root + "/only-" + std::to_string(previous));
  for (int i = 0; i < options.files; ++i) {
    fs::path path = fs::path(root) / ("pkg" + std::to_string(i % 20)) / ("m" + std::to_string(i) + ".py");
    fs::create_directories(path.parent_path());
    std::ofstream(path) << module(i, version);
  }
  const std::string only = root + "/only-" + std::to_string(version);
  fs::create_directories(only);
  for (int i = 0; i < 100; ++i) std::ofstream(only + "/x" + std::to_string(i) + ".py") << module(100000 + i, version);
}

std::unique_ptr<SearchService> makeService(const std::string& root, const Options& options) {
  SearchServiceOptions service_options;
  service_options.roots = {root};
  service_options.index_threads = options.index_threads;
  if (options.model) service_options.model_path = defaultModelPath();
  auto service = SearchService::create(service_options);
  if (!service.ok()) {
    std::cerr << "watch_bench: " << service.error().message << "\n";
    std::exit(1);
  }
  return std::move(service.value());
}

Snapshot cleanRebuild(const std::string& dir, const Options& options, int version, int previous) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  checkout(dir, options, version, previous);
  auto service = makeService(dir, options);
  service->startWorkspaceScan();
  service->waitUntilIdle();
  return snapshotOf(*service, dir);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&] { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
    if (arg == "--rounds") options.rounds = std::max(1, next());
    else if (arg == "--files") options.files = std::max(1, next());
    else if (arg == "--index-threads") options.index_threads = std::max(1, next());
    else if (arg == "--no-model") options.model = false;
    else {
      std::cerr << "usage: watch_bench [--rounds N] [--files N] [--index-threads N] [--no-model]\n";
      return 2;
    }
  }
  char tmpl[] = "/tmp/codesearch-watch-bench-XXXXXX";
  const std::string base = fs::canonical(mkdtemp(tmpl)).string();
  const std::string root = base + "/ws", reference_dir = base + "/clean";
  fs::create_directories(root);
  checkout(root, options, 0, -1);

  auto service = makeService(root, options);
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  auto watcher = DiskWatcher::start(io, *service);
  std::thread loop([&io] { io.run(); });
  auto started = Clock::now();
  service->startWorkspaceScan();
  service->waitUntilIdle();
  const ServiceStatus initial = service->status();
  std::printf("watch_bench: %zu files, %zu chunks indexed in %.0f ms (%s, %d index thread%s), %zu directories watched\n",
              initial.stats.files, initial.stats.chunks, ms(Clock::now() - started),
              initial.model ? initial.model->id.c_str() : "no model", options.index_threads,
              options.index_threads == 1 ? "" : "s", watcher->watchedDirectories());

  std::vector<double> reflected, after_last_write;
  for (int round = 1; round <= options.rounds; ++round) {
    const Snapshot reference = cleanRebuild(reference_dir, options, round, round - 1);
    ::sync();  // each round starts from a clean disk, as a checkout long after the last one would
    const size_t passes_before = watcher->passes();
    const auto switch_start = Clock::now();
    checkout(root, options, round, round - 1);
    const auto written = Clock::now();
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (service->status().indexing) continue;
      if (snapshotOf(*service, root) == reference) break;
      if (Clock::now() - switch_start > std::chrono::minutes(2)) {
        std::printf("round %d: the index did not equal a clean rebuild within 2 minutes\n", round);
        return 1;
      }
    }
    const auto equal = Clock::now();
    reflected.push_back(ms(equal - switch_start));
    after_last_write.push_back(ms(equal - written));
    std::printf("round %d: %d files rewritten, 100 deleted, 100 created: written in %.0f ms; index equal to a clean "
                "rebuild %.0f ms after the first write (%.0f ms after the last), %zu watcher pass%s\n",
                round, options.files, ms(written - switch_start), ms(equal - switch_start), ms(equal - written),
                watcher->passes() - passes_before, watcher->passes() - passes_before == 1 ? "" : "es");
  }
  std::sort(reflected.begin(), reflected.end());
  std::sort(after_last_write.begin(), after_last_write.end());
  std::printf("branch switch -> index equal to a clean rebuild: median %.0f ms after the first write, %.0f ms after "
              "the last (max %.0f / %.0f) over %d rounds\n",
              reflected[reflected.size() / 2], after_last_write[after_last_write.size() / 2], reflected.back(),
              after_last_write.back(), options.rounds);

  asio::post(io, [&watcher] { watcher.reset(); });
  work.reset();
  loop.join();
  service.reset();
  fs::remove_all(base);
  return 0;
}
