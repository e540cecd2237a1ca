// Warm-start benchmark: index a synthetic workspace into a persistent cache
// with `codesearch index`, then start `codesearch serve` on that cache, as an
// editor restarting would, and print
//   - the cold index time (CLI),
//   - the time until initialize is answered,
//   - the time until the first query is answered (and whether it said the
//     index was still loading),
//   - the time until the stored index is completely loaded and the daemon idle,
//   - resident memory once loaded.
//   - query latency p50/p99 over LSP once loaded, and edit -> fresh result.
// Usage: warm_start_bench [--chunks N | --tree DIR] [--cache DIR] [--no-model] [--queries N]
//   (default: a synthetic workspace of 100000 functions, with the shipped model;
//   --tree indexes a real tree instead, e.g. the kernel of bench/large_tree_bench.sh;
//   --cache DIR keeps the index there, so an index made before is only brought up to date)
// Run it from the repository root.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench_support.h"

namespace {

using namespace cs::test;
using namespace cs::bench;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

int main(int argc, char** argv) {
  size_t chunks = 100000;
  bool model = true;
  int queries = 100;
  std::string tree, kept_cache;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--chunks" && i + 1 < argc) chunks = std::stoul(argv[++i]);
    else if (a == "--tree" && i + 1 < argc) tree = argv[++i];
    else if (a == "--queries" && i + 1 < argc) queries = std::stoi(argv[++i]);
    else if (a == "--cache" && i + 1 < argc) kept_cache = argv[++i];
    else if (a == "--no-model") model = false;
  }
  std::printf("# codesearch warm-start benchmark (%s)\n", model ? "with the shipped model" : "no model");
  TempWorkspace ws;
  if (tree.empty()) writeSyntheticWorkspace(ws, chunks);
  const std::string root = tree.empty() ? ws.root() : tree;
  const std::string cache = kept_cache.empty() ? ws.root() + "-cache" : kept_cache;
  if (kept_cache.empty()) std::filesystem::remove_all(cache);

  const std::string index = std::string(CS_DAEMON_PATH) + " index " + quoted(root) + " --cache-dir " +
                            quoted(cache) + (model ? "" : " --no-model") + " > /dev/null 2>&1";
  auto t0 = Clock::now();
  if (std::system(index.c_str()) != 0) {
    std::cerr << "codesearch index failed\n";
    return 1;
  }
  const double cold_s = ms(Clock::now() - t0) / 1000;

  std::vector<std::string> args = {"serve", "--cache-dir", cache, "--index-threads", "2"};
  if (!model) args.push_back("--no-model");
  auto start = Clock::now();
  LspTestClient client(args);
  client.initialize(root);
  const double initialize_ms = ms(Clock::now() - start);
  auto first = client.request("codeSearch/query", Json{{"query", "parse the config with token"}, {"limit", 10}});
  const double first_ms = ms(Clock::now() - start);
  const bool first_said_loading = first && first->contains("result") && (*first)["result"].contains("warning") &&
                                  (*first)["result"]["warning"].get<std::string>().find("loading") != std::string::npos;
  Json status = client.waitIdle(std::chrono::minutes(30), tree.empty() ? chunks / 2 : 1);
  const double loaded_s = ms(Clock::now() - start) / 1000;
  std::printf("chunks=%d  index (CLI%s) %.1f s;  warm start: initialize answered after %.0f ms, first query after %.0f ms (%s), "
              "loaded and idle after %.2f s;  RSS=%.1f MiB\n",
              status["chunks"].get<int>(), kept_cache.empty() ? ", cold" : ", over --cache", cold_s, initialize_ms, first_ms,
              first_said_loading ? "said still loading" : "complete", loaded_s, rssKb(client.pid()) / 1024.0);

  std::mt19937 rng(11);
  auto measureQueries = [&](int n, const char* label) {
    std::vector<double> latencies;
    for (int q = 0; q < n; ++q) {
      const std::string text = kVerbs[rng() % kVerbs.size()] + " the " + kNouns[rng() % kNouns.size()] + " with " +
                               kNouns[rng() % kNouns.size()];
      auto q0 = Clock::now();
      auto r = client.request("codeSearch/query", Json{{"query", text}, {"limit", 20}});
      latencies.push_back(ms(Clock::now() - q0));
      if (!r || !r->contains("result")) std::cerr << "query failed\n";
    }
    std::printf("%s: query p50=%.2f ms  p99=%.2f ms  (%d queries, %s)\n", label, percentile(latencies, 0.5),
                percentile(latencies, 0.99), n, model ? "hybrid" : "lexical");
  };
  // Above 50k vectors the HNSW graph is built after the load, in the
  // background; dense search is exact until it answers.
  const size_t loaded_chunks = status["chunks"].get<size_t>();
  if (model && loaded_chunks >= 50000) {
    if (!graphAnswers(client)) measureQueries(std::max(1, queries / 5), "loaded, graph still building (exact dense search)");
    waitForGraph(client, loaded_chunks, model);
    std::printf("graph answering after %.1f s;  RSS=%.1f MiB\n", ms(Clock::now() - start) / 1000,
                rssKb(client.pid()) / 1024.0);
  }
  measureQueries(queries, "loaded");
  // Right after the load the daemon still finishes its start-up work beside
  // the queries (the graph's relabelling and save, the watcher's setup), so
  // the same queries again once that is over: the steady state.
  std::this_thread::sleep_for(std::chrono::seconds(10));
  measureQueries(queries, "steady (10 s later)");

  // Edit-to-result in a file of the tree (a C file of the kernel's lib/, or
  // the synthetic workspace's first module), opened as a buffer.
  const std::string edited = tree.empty() ? "pkg0/mod0.py" : "lib/sort.c";
  std::ifstream in(root + "/" + edited);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool c = !tree.empty();
  const std::vector<double> edits = editToResult(
      client, "file://" + root + "/" + edited, c ? "c" : "python", text, [c](const std::string& name) {
        return c ? "int " + name + "(int x) { return x; }\n" : "def " + name + "(x):\n    return x\n\n";
      });
  std::printf("didChange -> result returned: p50=%.1f ms  max=%.1f ms  (20 edits of %s);  peak RSS=%.1f MiB\n",
              percentile(edits, 0.5), percentile(edits, 1.0), edited.c_str(), peakRssKb(client.pid()) / 1024.0);
  client.shutdownAndExit();
  if (kept_cache.empty()) std::filesystem::remove_all(cache);
  return 0;
}
