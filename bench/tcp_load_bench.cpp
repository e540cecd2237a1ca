// TCP load: N clients (default 8) on one `codesearch serve --listen` daemon,
// each its own LSP session, sending M mixed requests each (default 500:
// codeSearch/query in every mode, codeSearch/similar, codeSearch/status) while
// one more client keeps editing buffers (didOpen/didChange, urgent re-indexing).
// Prints p50/p99 latency per request kind and overall, and the error count
// (responses with an error, or none at all), which must be 0.
// Usage: tcp_load_bench [--clients 8] [--queries 500] [--files 400] [--no-model]
// Run it from the repository root (the daemon finds the shipped model there).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../tests/e2e/lsp_test_client.h"
#include "../tests/e2e/tcp_test_client.h"

namespace {

using namespace cs::test;
using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

std::string moduleText(int i, int version) {
  static const char* topics[] = {"parse config file", "open database connection", "retry http request",
                                 "compute checksum", "render html template", "schedule background job",
                                 "validate user input", "compress log archive"};
  std::string s;
  for (int f = 0; f < 6; ++f) {
    std::string topic = topics[(i + f) % 8];
    std::string name = topic;
    std::replace(name.begin(), name.end(), ' ', '_');
    s += "def " + name + "_" + std::to_string(i) + "_" + std::to_string(f) + "(value, v=" + std::to_string(version) +
         "):\n    \"\"\"" + topic + ".\"\"\"\n    result = value\n    for step in range(" + std::to_string(f + 2) +
         "):\n        result = result + step\n    return result\n\n";
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 8, queries = 500, files = 400;
  bool no_model = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--clients" && i + 1 < argc) clients = std::atoi(argv[++i]);
    else if (a == "--queries" && i + 1 < argc) queries = std::atoi(argv[++i]);
    else if (a == "--files" && i + 1 < argc) files = std::atoi(argv[++i]);
    else if (a == "--no-model") no_model = true;
    else {
      std::fprintf(stderr, "usage: tcp_load_bench [--clients N] [--queries N] [--files N] [--no-model]\n");
      return 2;
    }
  }
  TempWorkspace ws;
  for (int i = 0; i < files; ++i) ws.write("src/mod" + std::to_string(i) + ".py", moduleText(i, 0));
  const int port = 30000 + static_cast<int>(getpid() % 20000);
  std::vector<std::string> args = {"serve", "--no-cache", "--listen", "127.0.0.1:" + std::to_string(port), "--root",
                                   ws.root()};
  if (no_model) args.push_back("--no-model");
  LspTestClient daemon(args);

  // Wait for the initial index.
  auto probe = TcpLspClient::connect(port, std::chrono::seconds(60));
  if (!probe || !probe->initialize(ws.root())) {
    std::fprintf(stderr, "daemon did not start\n");
    return 1;
  }
  auto index_start = Clock::now();
  while (true) {
    auto status = probe->request("codeSearch/status", Json::object());
    if (status && (*status)["result"]["state"] == "idle" && (*status)["result"]["files"] == files) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (Clock::now() - index_start > std::chrono::minutes(10)) {
      std::fprintf(stderr, "initial index did not finish\n");
      return 1;
    }
  }
  std::printf("indexed %d files in %.1f s\n", files,
              std::chrono::duration<double>(Clock::now() - index_start).count());

  std::atomic<bool> stop_edits{false};
  std::atomic<int> edits{0};
  std::thread editor([&] {
    auto c = TcpLspClient::connect(port);
    if (!c || !c->initialize(ws.root())) return;
    for (int i = 0; i < 20; ++i) {
      c->notify("textDocument/didOpen", {{"textDocument", {{"uri", ws.uri("src/mod" + std::to_string(i) + ".py")},
                                                           {"languageId", "python"}, {"version", 1},
                                                           {"text", moduleText(i, 1)}}}});
    }
    for (int version = 2; !stop_edits; ++version) {
      int i = version % 20;
      c->notify("textDocument/didChange",
                {{"textDocument", {{"uri", ws.uri("src/mod" + std::to_string(i) + ".py")}, {"version", version}}},
                 {"contentChanges", {{{"text", moduleText(i, version)}}}}});
      ++edits;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    (void)c->request("shutdown", nullptr);
    c->notify("exit", nullptr);
  });

  std::mutex mutex;
  std::map<std::string, std::vector<double>> latencies;
  std::atomic<int> errors{0};
  std::vector<std::string> first_errors;
  auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      auto c = TcpLspClient::connect(port);
      if (!c || !c->initialize(ws.root())) {
        errors += queries;
        return;
      }
      static const char* texts[] = {"parse the configuration file", "open a connection to the database",
                                    "retry a failed http request", "checksum of a buffer", "render a template",
                                    "run a job in the background", "validate what the user typed",
                                    "compress old logs"};
      static const char* modes[] = {"hybrid", "lexical", "semantic"};
      std::map<std::string, std::vector<double>> mine;
      for (int k = 0; k < queries; ++k) {
        std::string kind, method;
        Json params;
        int pick = (k * 7 + t) % 10;
        if (pick < 6) {
          std::string mode = no_model ? "lexical" : modes[k % 3];
          kind = "query/" + mode;
          method = "codeSearch/query";
          params = {{"query", texts[(k + t) % 8]}, {"limit", 10}, {"mode", mode}};
        } else if (pick < 9) {
          kind = "similar";
          method = "codeSearch/similar";
          int file = 20 + (k * 13 + t) % (files - 20);  // files nobody edits: their lines stay put
          params = {{"textDocument", {{"uri", ws.uri("src/mod" + std::to_string(file) + ".py")}}},
                    {"position", {{"line", 1 + 7 * (k % 6)}, {"character", 4}}},  // inside one of the 6 functions (7 lines each)
                    {"limit", 10}};
        } else {
          kind = "status";
          method = "codeSearch/status";
          params = Json::object();
        }
        auto begin = Clock::now();
        auto reply = c->request(method, params, std::chrono::seconds(60));
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
        if (!reply || reply->contains("error")) {
          ++errors;
          std::lock_guard lock(mutex);
          if (first_errors.size() < 5) first_errors.push_back(kind + ": " + (reply ? reply->dump() : "no reply"));
          continue;
        }
        mine[kind].push_back(ms);
      }
      (void)c->request("shutdown", nullptr);
      c->notify("exit", nullptr);
      std::lock_guard lock(mutex);
      for (auto& [kind, v] : mine) latencies[kind].insert(latencies[kind].end(), v.begin(), v.end());
    });
  }
  for (auto& thread : threads) thread.join();
  double wall = std::chrono::duration<double>(Clock::now() - started).count();
  stop_edits = true;
  editor.join();

  std::vector<double> all;
  std::printf("%d clients x %d requests over TCP, %d edits in flight, %.1f s wall, %.0f requests/s\n", clients,
              queries, edits.load(), wall, clients * queries / wall);
  std::printf("%-16s %8s %10s %10s\n", "kind", "count", "p50 ms", "p99 ms");
  for (const auto& [kind, v] : latencies) {
    std::printf("%-16s %8zu %10.2f %10.2f\n", kind.c_str(), v.size(), percentile(v, 0.5), percentile(v, 0.99));
    all.insert(all.end(), v.begin(), v.end());
  }
  std::printf("%-16s %8zu %10.2f %10.2f\n", "all", all.size(), percentile(all, 0.5), percentile(all, 0.99));
  std::printf("errors: %d\n", errors.load());
  for (const auto& e : first_errors) std::printf("  %s\n", e.c_str());
  (void)probe->request("shutdown", nullptr);
  ::kill(daemon.pid(), SIGTERM);
  int rc = daemon.waitExit(std::chrono::seconds(30));
  if (rc != 0) std::printf("daemon exit status after SIGTERM: %d\n", rc);
  return errors.load() == 0 && rc == 0 ? 0 : 1;
}
