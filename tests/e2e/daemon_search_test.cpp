// Searching through the daemon: query, live edits of unsaved buffers, similar,
// filters, progress and cancellation.
#include <gtest/gtest.h>

#include "lsp_test_client.h"

namespace cs::test {
namespace {

std::vector<std::string> lexicalDaemon() { return {"serve", "--no-model", "--no-cache", "--index-threads", "1"}; }

void writeFixture(TempWorkspace& ws) {
  ws.write("net/retry.py",
           "import time\n\n"
           "def retry_with_backoff(request, attempts=5):\n"
           "    \"\"\"Retry an HTTP request with exponential backoff.\"\"\"\n"
           "    delay = 0.1\n"
           "    for _ in range(attempts):\n"
           "        try:\n"
           "            return request()\n"
           "        except IOError:\n"
           "            time.sleep(delay)\n"
           "            delay *= 2\n"
           "    raise IOError('giving up')\n");
  ws.write("auth/tokens.go",
           "package auth\n\n"
           "// ValidateToken checks the signature and expiry of a bearer token.\n"
           "func ValidateToken(token string, key []byte) (bool, error) {\n"
           "\tif len(token) == 0 {\n\t\treturn false, nil\n\t}\n"
           "\treturn verifySignature(token, key), nil\n"
           "}\n");
  ws.write("ui/format.ts",
           "export function formatBytes(bytes: number): string {\n"
           "  const units = ['B', 'KB', 'MB'];\n"
           "  let i = 0;\n"
           "  while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }\n"
           "  return bytes.toFixed(1) + ' ' + units[i];\n"
           "}\n");
  ws.write("tests/test_retry.py", "def test_retry_with_backoff():\n    assert retry_with_backoff(lambda: 1) == 1\n");
}

std::vector<std::string> resultNames(const Json& response) {
  std::vector<std::string> names;
  for (const auto& r : response["result"]["results"]) names.push_back(r["name"].get<std::string>());
  return names;
}

TEST(DaemonSearch, QueryFindsFunctionsWithContractFields) {
  TempWorkspace ws;
  writeFixture(ws);
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  Json status = client.waitIdle(60s, 4);
  ASSERT_EQ(status["state"], "idle");

  auto response = client.request("codeSearch/query", Json{{"query", "validate token"}, {"limit", 5}});
  ASSERT_TRUE(response && response->contains("result")) << (response ? response->dump() : "timeout");
  const Json& result = (*response)["result"];
  ASSERT_FALSE(result["results"].empty());
  const Json& top = result["results"][0];
  EXPECT_EQ(top["name"], "ValidateToken");
  EXPECT_EQ(top["uri"], ws.uri("auth/tokens.go"));
  EXPECT_EQ(top["kind"], "function");
  EXPECT_EQ(top["language"], "go");
  EXPECT_EQ(top["range"]["start"]["line"], 3);
  EXPECT_TRUE(top["scores"]["dense"].is_null());  // no model in this daemon
  EXPECT_TRUE(top["scores"]["lexical"].is_number());
  EXPECT_NE(top["preview"].get<std::string>().find("func ValidateToken"), std::string::npos);
  EXPECT_EQ(result["index"]["complete"], true);
  EXPECT_GE(result["index"]["files"].get<int>(), 4);
  EXPECT_EQ(result["mode"], "lexical");

  // Semantic mode without a model is an error with a reason, not fake vectors.
  auto semantic = client.request("codeSearch/query", Json{{"query", "x"}, {"mode", "semantic"}});
  ASSERT_TRUE(semantic);
  EXPECT_TRUE(semantic->contains("error"));
  auto bad_mode = client.request("codeSearch/query", Json{{"query", "x"}, {"mode", "fuzzy"}});
  EXPECT_EQ((*bad_mode)["error"]["code"], -32602);
  auto bad_params = client.request("codeSearch/query", Json{{"limit", 3}});
  EXPECT_EQ((*bad_params)["error"]["code"], -32602);
}

TEST(DaemonSearch, FiltersApplyInsideTheSearch) {
  TempWorkspace ws;
  writeFixture(ws);
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 4);

  auto with_tests = client.request("codeSearch/query", Json{{"query", "retry with backoff"}});
  auto names = resultNames(*with_tests);
  EXPECT_NE(std::find(names.begin(), names.end(), "test_retry_with_backoff"), names.end());

  auto without_tests =
      client.request("codeSearch/query", Json{{"query", "retry with backoff"}, {"filters", {{"excludeTests", true}}}});
  names = resultNames(*without_tests);
  EXPECT_EQ(std::find(names.begin(), names.end(), "test_retry_with_backoff"), names.end());
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "retry_with_backoff");

  auto only_ts = client.request("codeSearch/query",
                                Json{{"query", "retry backoff token bytes"}, {"filters", {{"languages", {"typescript"}}}}});
  for (const auto& r : (*only_ts)["result"]["results"]) EXPECT_EQ(r["language"], "typescript");

  auto by_path =
      client.request("codeSearch/query", Json{{"query", "token retry bytes"}, {"filters", {{"paths", {"auth/**"}}}}});
  ASSERT_FALSE((*by_path)["result"]["results"].empty());
  for (const auto& r : (*by_path)["result"]["results"])
    EXPECT_NE(r["uri"].get<std::string>().find("/auth/"), std::string::npos);
}

TEST(DaemonSearch, ExcludePathsFilterAppliesToQueryAndSimilar) {
  TempWorkspace ws;
  writeFixture(ws);
  ws.write("vendor/retry_copy.py",
           "def retry_with_backoff_vendored(request, attempts=5):\n"
           "    delay = 0.1\n"
           "    for _ in range(attempts):\n"
           "        try:\n"
           "            return request()\n"
           "        except IOError:\n"
           "            delay *= 2\n");
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 5);

  auto all = client.request("codeSearch/query", Json{{"query", "retry with backoff"}});
  auto names = resultNames(*all);
  EXPECT_NE(std::find(names.begin(), names.end(), "retry_with_backoff_vendored"), names.end());

  auto excluded = client.request(
      "codeSearch/query", Json{{"query", "retry with backoff"}, {"filters", {{"excludePaths", {"vendor", "tests/**"}}}}});
  ASSERT_TRUE(excluded && excluded->contains("result")) << (excluded ? excluded->dump() : "timeout");
  names = resultNames(*excluded);
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "retry_with_backoff");
  for (const auto& r : (*excluded)["result"]["results"]) {
    EXPECT_EQ(r["uri"].get<std::string>().find("/vendor/"), std::string::npos);
    EXPECT_EQ(r["uri"].get<std::string>().find("/tests/"), std::string::npos);
  }

  auto similar = client.request("codeSearch/similar",
                                Json{{"textDocument", {{"uri", ws.uri("net/retry.py")}}},
                                     {"position", {{"line", 5}, {"character", 4}}},
                                     {"filters", {{"excludePaths", {"vendor/**"}}}}});
  ASSERT_TRUE(similar && similar->contains("result")) << (similar ? similar->dump() : "timeout");
  for (const auto& r : (*similar)["result"]["results"])
    EXPECT_EQ(r["uri"].get<std::string>().find("/vendor/"), std::string::npos);

  // Bounded like filters.paths.
  Json many = Json::array();
  for (int i = 0; i < 65; ++i) many.push_back("g" + std::to_string(i));
  auto too_many = client.request("codeSearch/query", Json{{"query", "x"}, {"filters", {{"excludePaths", many}}}});
  EXPECT_EQ((*too_many)["error"]["code"], -32602);
}

TEST(DaemonSearch, WorkspaceFoldersAddedAndRemovedAtRunTime) {
  TempWorkspace ws;
  writeFixture(ws);
  TempWorkspace extra;
  extra.write("lib/semver.py", "def parse_semantic_version(text):\n    return tuple(text.split('.'))\n");
  LspTestClient client(lexicalDaemon());
  Json init = client.initialize(ws.root());
  const Json& folders = init["result"]["capabilities"]["workspace"]["workspaceFolders"];
  EXPECT_EQ(folders["supported"], true);
  EXPECT_EQ(folders["changeNotifications"], true);
  client.waitIdle(60s, 4);
  auto r = client.request("codeSearch/query", Json{{"query", "parse semantic version"}});
  auto names = resultNames(*r);
  EXPECT_EQ(std::find(names.begin(), names.end(), "parse_semantic_version"), names.end());

  client.notify("workspace/didChangeWorkspaceFolders",
                Json{{"event", {{"added", {{{"uri", "file://" + extra.root()}, {"name", "extra"}}}}, {"removed", Json::array()}}}});
  Json status = client.waitIdle();
  EXPECT_EQ(status["files"], 5);
  ASSERT_EQ(status["roots"].size(), 2u) << status.dump();
  r = client.request("codeSearch/query", Json{{"query", "parse semantic version"}});
  names = resultNames(*r);
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "parse_semantic_version");
  EXPECT_EQ((*r)["result"]["results"][0]["uri"], extra.uri("lib/semver.py"));
  // A document of the new folder is now in the workspace: its unsaved text counts.
  client.notify("textDocument/didOpen",
                Json{{"textDocument", {{"uri", extra.uri("lib/semver.py")}, {"languageId", "python"}, {"version", 1},
                                       {"text", "def compare_release_numbers(a, b):\n    return a < b\n"}}}});
  client.waitIdle();
  r = client.request("codeSearch/query", Json{{"query", "compare release numbers"}});
  ASSERT_FALSE(resultNames(*r).empty());
  EXPECT_EQ(resultNames(*r)[0], "compare_release_numbers");

  // The original folder is removed: its files leave the index; the added one stays.
  client.notify("workspace/didChangeWorkspaceFolders",
                Json{{"event", {{"added", Json::array()}, {"removed", {{{"uri", "file://" + ws.root()}, {"name", "ws"}}}}}}});
  status = client.waitIdle();
  EXPECT_EQ(status["files"], 1) << status.dump();
  ASSERT_EQ(status["roots"].size(), 1u);
  r = client.request("codeSearch/query", Json{{"query", "validate token"}});
  names = resultNames(*r);
  EXPECT_EQ(std::find(names.begin(), names.end(), "ValidateToken"), names.end());
  // A file of the removed folder is outside the workspace now.
  auto similar = client.request("codeSearch/similar", Json{{"textDocument", {{"uri", ws.uri("net/retry.py")}}},
                                                          {"position", {{"line", 5}, {"character", 4}}}});
  EXPECT_EQ((*similar)["error"]["code"], -32602);
}

TEST(DaemonSearch, UnsavedBufferEditsAreSearchable) {
  TempWorkspace ws;
  writeFixture(ws);
  std::string path = ws.write("calc.py", "def add(a, b):\n    return a + b\n");
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 4);

  client.notify("textDocument/didOpen", Json{{"textDocument", {{"uri", ws.uri("calc.py")}, {"languageId", "python"},
                                                              {"version", 1}, {"text", "def add(a, b):\n    return a + b\n"}}}});
  // Incremental edit: append a new function after line 2 (never saved to disk).
  client.notify("textDocument/didChange",
                Json{{"textDocument", {{"uri", ws.uri("calc.py")}, {"version", 2}}},
                     {"contentChanges",
                      {{{"range", {{"start", {{"line", 2}, {"character", 0}}}, {"end", {{"line", 2}, {"character", 0}}}}},
                        {"text", "\ndef compute_fibonacci_sequence(n):\n    return [0, 1][:n]\n"}}}}});
  bool found = false;
  for (int i = 0; i < 200 && !found; ++i) {
    auto r = client.request("codeSearch/query", Json{{"query", "fibonacci sequence"}, {"limit", 3}});
    auto names = resultNames(*r);
    found = !names.empty() && names[0] == "compute_fibonacci_sequence";
    if (found) EXPECT_EQ((*r)["result"]["results"][0]["range"]["start"]["line"], 3);
    if (!found) std::this_thread::sleep_for(25ms);
  }
  EXPECT_TRUE(found) << "the function typed into the buffer was not found";

  // Remove the function again (lines 2..5 -> nothing): it must disappear.
  client.notify("textDocument/didChange",
                Json{{"textDocument", {{"uri", ws.uri("calc.py")}, {"version", 3}}},
                     {"contentChanges",
                      {{{"range", {{"start", {{"line", 2}, {"character", 0}}}, {"end", {{"line", 5}, {"character", 0}}}}},
                        {"text", ""}}}}});
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    auto r = client.request("codeSearch/query", Json{{"query", "fibonacci sequence"}, {"limit", 3}});
    auto names = resultNames(*r);
    gone = std::find(names.begin(), names.end(), "compute_fibonacci_sequence") == names.end();
    if (!gone) std::this_thread::sleep_for(25ms);
  }
  EXPECT_TRUE(gone) << "the removed function is still returned";
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

TEST(DaemonSearch, WatchedFileChangesUpdateTheIndex) {
  TempWorkspace ws;
  writeFixture(ws);
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 4);
  ws.write("new_module.py", "def parse_semantic_version(text):\n    return tuple(text.split('.'))\n");
  client.notify("workspace/didChangeWatchedFiles", Json{{"changes", {{{"uri", ws.uri("new_module.py")}, {"type", 1}}}}});
  client.waitIdle();
  auto r = client.request("codeSearch/query", Json{{"query", "parse semantic version"}});
  ASSERT_FALSE(resultNames(*r).empty());
  EXPECT_EQ(resultNames(*r)[0], "parse_semantic_version");

  std::filesystem::remove(ws.root() + "/new_module.py");
  client.notify("workspace/didChangeWatchedFiles", Json{{"changes", {{{"uri", ws.uri("new_module.py")}, {"type", 3}}}}});
  client.waitIdle();
  r = client.request("codeSearch/query", Json{{"query", "parse semantic version"}});
  auto names = resultNames(*r);
  EXPECT_EQ(std::find(names.begin(), names.end(), "parse_semantic_version"), names.end());
}

TEST(DaemonSearch, SimilarExcludesTheQueryFunction) {
  TempWorkspace ws;
  writeFixture(ws);
  ws.write("net/retry2.py",
           "import time\n\n"
           "def call_with_retries(fn, attempts=3):\n"
           "    delay = 0.5\n"
           "    for _ in range(attempts):\n"
           "        try:\n"
           "            return fn()\n"
           "        except IOError:\n"
           "            time.sleep(delay)\n"
           "            delay *= 2\n"
           "    raise IOError('giving up')\n");
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 5);
  auto r = client.request("codeSearch/similar", Json{{"textDocument", {{"uri", ws.uri("net/retry.py")}}},
                                                     {"position", {{"line", 5}, {"character", 4}}}});
  ASSERT_TRUE(r && r->contains("result")) << (r ? r->dump() : "timeout");
  auto names = resultNames(*r);
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "call_with_retries");
  EXPECT_EQ(std::find(names.begin(), names.end(), "retry_with_backoff"), names.end());

  auto range = client.request("codeSearch/similar",
                              Json{{"textDocument", {{"uri", ws.uri("net/retry.py")}}},
                                   {"range", {{"start", {{"line", 4}, {"character", 0}}}, {"end", {{"line", 10}, {"character", 0}}}}}});
  ASSERT_TRUE(range && range->contains("result"));
  EXPECT_EQ(resultNames(*range)[0], "call_with_retries");
}

TEST(DaemonSearch, ReportsIndexingProgress) {
  TempWorkspace ws;
  writeFixture(ws);
  for (int i = 0; i < 40; ++i)
    ws.write("gen/mod" + std::to_string(i) + ".py", "def handler_" + std::to_string(i) + "(x):\n    return x\n");
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 40);
  // Give the final $/progress end a moment to arrive after idle.
  for (int i = 0; i < 100; ++i) {
    bool ended = false;
    for (const auto& n : client.notifications("$/progress")) ended |= n["params"]["value"]["kind"] == "end";
    if (ended) break;
    std::this_thread::sleep_for(20ms);
  }
  auto creates = client.serverRequests("window/workDoneProgress/create");
  ASSERT_FALSE(creates.empty());
  std::string token = creates[0]["params"]["token"];
  std::vector<std::string> kinds;
  for (const auto& n : client.notifications("$/progress")) {
    if (n["params"]["token"] == token) kinds.push_back(n["params"]["value"]["kind"]);
  }
  ASSERT_GE(kinds.size(), 2u);
  EXPECT_EQ(kinds.front(), "begin");
  EXPECT_EQ(kinds.back(), "end");
  EXPECT_FALSE(client.serverRequests("client/registerCapability").empty());
}

TEST(DaemonSearch, CancelledRequestIsAnsweredWithRequestCancelled) {
  TempWorkspace ws;
  writeFixture(ws);
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 4);
  // The request and its cancellation arrive in one write: the daemon sees the
  // cancellation before it starts the request.
  Json request = {{"jsonrpc", "2.0"}, {"id", 900}, {"method", "codeSearch/query"}, {"params", {{"query", "token"}}}};
  Json cancel = {{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", 900}}}};
  client.sendRaw(protocol::encodeFrame(request.dump()) + protocol::encodeFrame(cancel.dump()));
  auto response = client.waitResponse(900);
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["error"]["code"], -32800);
  // The daemon still answers normally afterwards.
  auto next = client.request("codeSearch/query", Json{{"query", "token"}});
  EXPECT_TRUE(next && next->contains("result"));
}

}  // namespace
}  // namespace cs::test
