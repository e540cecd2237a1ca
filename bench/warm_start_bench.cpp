// Warm-start benchmark: index a synthetic workspace into a persistent cache
// with `codesearch index`, then start `codesearch serve` on that cache, as an
// editor restarting would, and print
//   - the cold index time (CLI),
//   - the time until initialize is answered,
//   - the time until the first query is answered (and whether it said the
//     index was still loading),
//   - the time until the stored index is completely loaded and the daemon idle,
//   - resident memory once loaded.
// Usage: warm_start_bench [--chunks N] [--no-model]   (default 100000, with the shipped model)
// Run it from the repository root.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "bench_support.h"

namespace {

using namespace cs::test;
using namespace cs::bench;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

int main(int argc, char** argv) {
  size_t chunks = 100000;
  bool model = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--chunks" && i + 1 < argc) chunks = std::stoul(argv[++i]);
    else if (a == "--no-model") model = false;
  }
  std::printf("# codesearch warm-start benchmark (%s)\n", model ? "with the shipped model" : "no model");
  TempWorkspace ws;
  writeSyntheticWorkspace(ws, chunks);
  const std::string cache = ws.root() + "-cache";
  std::filesystem::remove_all(cache);

  const std::string index = std::string(CS_DAEMON_PATH) + " index " + quoted(ws.root()) + " --cache-dir " +
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
  client.initialize(ws.root());
  const double initialize_ms = ms(Clock::now() - start);
  auto first = client.request("codeSearch/query", Json{{"query", "parse the config with token"}, {"limit", 10}});
  const double first_ms = ms(Clock::now() - start);
  const bool first_said_loading = first && first->contains("result") && (*first)["result"].contains("warning") &&
                                  (*first)["result"]["warning"].get<std::string>().find("loading") != std::string::npos;
  Json status = client.waitIdle(std::chrono::minutes(30), chunks / 2);
  const double loaded_s = ms(Clock::now() - start) / 1000;
  std::printf("chunks=%d  cold index (CLI) %.1f s;  warm start: initialize answered after %.0f ms, first query after %.0f ms (%s), "
              "loaded and idle after %.2f s;  RSS=%.1f MiB\n",
              status["chunks"].get<int>(), cold_s, initialize_ms, first_ms,
              first_said_loading ? "said still loading" : "complete", loaded_s, rssKb(client.pid()) / 1024.0);
  client.shutdownAndExit();
  std::filesystem::remove_all(cache);
  return 0;
}
