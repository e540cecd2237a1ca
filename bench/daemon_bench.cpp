// Daemon benchmark: drives the real `codesearch serve` over LSP, as an editor
// does, and prints
//   - cold index throughput (files/s, chunks/s) on a real tree,
//   - query latency p50/p99 over LSP at ~10k and ~100k chunks,
//   - time from an incremental didChange to the new function being returned,
//   - resident memory per chunk.
// Usage: daemon_bench [--real-tree DIR|""] [--sizes 10000,100000] [--queries N] [--no-model]
// Run it from the repository root (the daemon finds the shipped model there).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>

#include "bench_support.h"

namespace {

using namespace cs::test;
using namespace cs::bench;

std::vector<std::string> daemonArgs(bool model) {
  std::vector<std::string> args = {"serve", "--no-cache", "--index-threads", "2"};
  if (!model) args.push_back("--no-model");
  return args;
}

void benchQueries(size_t chunks, int queries, bool model) {
  TempWorkspace ws;
  writeSyntheticWorkspace(ws, chunks);
  LspTestClient client(daemonArgs(model));
  auto start = Clock::now();
  client.initialize(ws.root());
  Json status = client.waitIdle(std::chrono::minutes(30), chunks / 2);
  double index_s = ms(Clock::now() - start) / 1000;
  size_t indexed = status["chunks"].get<size_t>();
  const double graph_s = waitForGraph(client, indexed, model);
  long rss = rssKb(client.pid());

  std::mt19937 rng(11);
  std::vector<double> latencies;
  for (int q = 0; q < queries; ++q) {
    std::string text = kVerbs[rng() % kVerbs.size()] + " the " + kNouns[rng() % kNouns.size()] + " with " +
                       kNouns[rng() % kNouns.size()];
    auto t0 = Clock::now();
    auto r = client.request("codeSearch/query", Json{{"query", text}, {"limit", 20}});
    latencies.push_back(ms(Clock::now() - t0));
    if (!r || !r->contains("result")) std::cerr << "query failed\n";
  }
  std::printf("chunks=%zu  index_time=%.1fs (%.0f chunks/s), graph %.0f s more  query p50=%.2f ms  p99=%.2f ms  "
              "(%d queries, %s)  RSS=%.1f MiB (%.2f KiB/chunk)\n",
              indexed, index_s, indexed / index_s, graph_s, percentile(latencies, 0.5), percentile(latencies, 0.99), queries,
              model ? "hybrid" : "lexical", rss / 1024.0, indexed ? double(rss) / indexed : 0.0);

  // Edit-to-result: type a new function into an open buffer and poll until the
  // daemon returns it as the top result.
  std::ifstream in(ws.root() + "/pkg0/mod0.py");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::vector<double> edit_latencies = editToResult(
      client, ws.uri("pkg0/mod0.py"), "python", text,
      [](const std::string& name) { return "def " + name + "(x):\n    return x\n\n"; });
  std::printf("didChange -> result returned: p50=%.1f ms  max=%.1f ms  (20 edits of a %zu-byte file, %zu chunks indexed)\n",
              percentile(edit_latencies, 0.5), percentile(edit_latencies, 1.0), text.size(), indexed);
  client.shutdownAndExit();
}

void benchColdIndex(const std::string& tree, bool model) {
  LspTestClient client(daemonArgs(model));
  auto start = Clock::now();
  client.initialize(tree);
  Json status = client.waitIdle(std::chrono::minutes(30), 1);
  double seconds = ms(Clock::now() - start) / 1000;
  std::printf("cold index of %s: %d files, %d chunks in %.1f s = %.0f files/s, %.0f chunks/s (%s), RSS=%.1f MiB\n",
              tree.c_str(), status["files"].get<int>(), status["chunks"].get<int>(), seconds,
              status["files"].get<int>() / seconds, status["chunks"].get<int>() / seconds,
              model ? "with model" : "no model", rssKb(client.pid()) / 1024.0);
  client.shutdownAndExit();
}

}  // namespace

int main(int argc, char** argv) {
  std::string real_tree = "/usr/lib/python3.11";
  std::vector<size_t> sizes = {10000, 100000};
  int queries = 200;
  bool model = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--real-tree" && i + 1 < argc) real_tree = argv[++i];
    else if (a == "--queries" && i + 1 < argc) queries = std::stoi(argv[++i]);
    else if (a == "--no-model") model = false;
    else if (a == "--sizes" && i + 1 < argc) {
      sizes.clear();
      std::stringstream ss(argv[++i]);
      std::string item;
      while (std::getline(ss, item, ',')) sizes.push_back(std::stoul(item));
    }
  }
  std::printf("# codesearch daemon benchmark (%s)\n", model ? "with the shipped model" : "no model");
  std::printf("# command: %s", argv[0]);
  for (int i = 1; i < argc; ++i) std::printf(" %s", argv[i]);
  std::printf("\n");
  if (!real_tree.empty()) benchColdIndex(real_tree, model);
  for (size_t n : sizes) benchQueries(n, queries, model);
  return 0;
}
