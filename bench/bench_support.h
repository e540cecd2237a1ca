// What the daemon benchmarks share: timing helpers, the resident memory of a
// process, and a synthetic Python workspace of N functions (50 per file).
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../tests/e2e/lsp_test_client.h"

namespace cs::bench {

using Clock = std::chrono::steady_clock;
using cs::test::TempWorkspace;

inline double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Whether codeSearch/status says the HNSW graph answers dense searches.
inline bool graphAnswers(cs::test::LspTestClient& client) {
  auto r = client.request("codeSearch/status", cs::test::Json::object());
  return r && r->contains("result") && (*r)["result"].value("approximateSearch", false);
}

// Above the HNSW threshold (50k vectors) the daemon builds the graph after a
// scan or a load, in the background, and dense search is exact until it
// answers: waits until it does (at most an hour), so figures are those of
// steady use. Returns the seconds waited.
inline double waitForGraph(cs::test::LspTestClient& client, size_t chunks, bool model) {
  if (!model || chunks < 50000) return 0;
  const auto start = Clock::now();
  while (!graphAnswers(client) && Clock::now() - start < std::chrono::hours(1))
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return std::chrono::duration<double>(Clock::now() - start).count();
}

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

// A process's resident memory now (VmRSS) or at its peak so far (VmHWM), in KiB.
inline long statusKb(pid_t pid, const char* field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
  }
  return 0;
}
inline long rssKb(pid_t pid) { return statusKb(pid, "VmRSS:"); }
inline long peakRssKb(pid_t pid) { return statusKb(pid, "VmHWM:"); }

// Edit-to-result: opens `uri` with `text`, then `rounds` times types a new
// definition (`definition(name)`, a whole line or more) above its first line
// and polls a lexical query for the name until the daemon returns it first.
// The latencies, in ms.
inline std::vector<double> editToResult(cs::test::LspTestClient& client, const std::string& uri,
                                        const std::string& language, const std::string& text,
                                        const std::function<std::string(const std::string&)>& definition,
                                        int rounds = 20) {
  using cs::test::Json;
  client.notify("textDocument/didOpen",
                Json{{"textDocument", {{"uri", uri}, {"languageId", language}, {"version", 1}, {"text", text}}}});
  client.waitIdle();
  std::vector<double> latencies;
  for (int round = 0; round < rounds; ++round) {
    const std::string name = "zebra_quokka_handler_" + std::to_string(round);
    const auto t0 = Clock::now();
    client.notify("textDocument/didChange",
                  Json{{"textDocument", {{"uri", uri}, {"version", round + 2}}},
                       {"contentChanges", {{{"range", {{"start", {{"line", 0}, {"character", 0}}},
                                                        {"end", {{"line", 0}, {"character", 0}}}}},
                                            {"text", definition(name)}}}}});
    while (ms(Clock::now() - t0) < 10000) {
      auto r = client.request("codeSearch/query", Json{{"query", "zebra quokka handler " + std::to_string(round)},
                                                       {"limit", 1}, {"mode", "lexical"}});
      if (r && r->contains("result") && !(*r)["result"]["results"].empty() &&
          (*r)["result"]["results"][0]["name"] == name)
        break;
    }
    latencies.push_back(ms(Clock::now() - t0));
  }
  return latencies;
}

inline const std::vector<std::string> kVerbs = {"parse", "load", "save", "compute", "validate", "render", "fetch", "merge",
                                         "split", "encode", "decode", "retry", "sort", "filter", "resolve", "update"};
inline const std::vector<std::string> kNouns = {"config", "token", "request", "header", "matrix", "user", "session", "path",
                                         "buffer", "record", "image", "cache", "queue", "graph", "schema", "socket"};

// Writes a synthetic Python workspace with `chunks` functions (50 per file).
inline void writeSyntheticWorkspace(TempWorkspace& ws, size_t chunks) {
  std::mt19937 rng(7);
  const size_t per_file = 50;
  for (size_t f = 0; f * per_file < chunks; ++f) {
    std::ostringstream file;
    for (size_t i = 0; i < per_file && f * per_file + i < chunks; ++i) {
      const std::string& v = kVerbs[rng() % kVerbs.size()];
      const std::string& n = kNouns[rng() % kNouns.size()];
      const std::string& n2 = kNouns[rng() % kNouns.size()];
      file << "def " << v << "_" << n << "_" << f << "_" << i << "(" << n2 << ", options=None):\n"
           << "    \"\"\"" << v << " the " << n << " using the " << n2 << ".\"\"\"\n"
           << "    result = " << n2 << "." << v << "(" << n << "=options)\n"
           << "    if result is None:\n        raise ValueError('" << n << "')\n"
           << "    return result\n\n";
    }
    ws.write("pkg" + std::to_string(f / 100) + "/mod" + std::to_string(f) + ".py", file.str());
  }
}

}  // namespace cs::bench
