// Bad input gets a clear error and the daemon keeps running: malformed
// JSON-RPC, broken framing, invalid UTF-8, huge and binary files, files that
// vanish during indexing, unreadable directories and symlink loops.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "lsp_test_client.h"

namespace cs::test {
namespace {

std::vector<std::string> lexicalDaemon() { return {"serve", "--no-model", "--no-cache", "--index-threads", "1"}; }

bool answersStatus(LspTestClient& client) {
  auto r = client.request("codeSearch/status", Json::object(), 20s);
  return r && r->contains("result");
}

TEST(DaemonRobustness, SurvivesMalformedMessages) {
  TempWorkspace ws;
  ws.write("a.py", "def alpha():\n    return 1\n");
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());

  client.sendRaw(protocol::encodeFrame("{not json at all"));
  auto parse_error = client.waitNullIdResponse();
  ASSERT_TRUE(parse_error);
  EXPECT_EQ((*parse_error)["error"]["code"], -32700);

  client.sendRaw(protocol::encodeFrame(R"({"jsonrpc":"2.0","id":41,"method":17})"));
  auto invalid = client.waitResponse(41);
  ASSERT_TRUE(invalid);
  EXPECT_EQ((*invalid)["error"]["code"], -32600);

  // Invalid UTF-8 inside a string is repaired (U+FFFD) and the request answered.
  client.sendRaw(protocol::encodeFrame("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"codeSearch/query\",\"params\":{\"query\":\"alpha\xff\xfe\"}}"));
  auto bad_utf8 = client.waitResponse(42);
  ASSERT_TRUE(bad_utf8);
  EXPECT_TRUE(bad_utf8->contains("result")) << bad_utf8->dump();

  // Garbage bytes with no framing at all, then a wrong (too short) Content-Length.
  client.sendRaw(std::string("\x00\x01\x02garbage\r\n\r\n", 14));
  client.sendRaw("Content-Length: 10\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":43,\"method\":\"codeSearch/status\"}");
  client.sendRaw("Content-Length: nope\r\n\r\n");

  EXPECT_TRUE(answersStatus(client));
  EXPECT_TRUE(client.alive());
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

// A lone surrogate escape in an edit is repaired, not a reason to drop the edit.
TEST(DaemonRobustness, LoneSurrogatesInAnEditAreRepairedAndTheEditApplied) {
  TempWorkspace ws;
  ws.write("doc.py", "def before_edit():\n    return 1\n");
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 1);
  client.notify("textDocument/didOpen", Json{{"textDocument", {{"uri", ws.uri("doc.py")}, {"languageId", "python"},
                                                             {"version", 1}, {"text", "def before_edit():\n    return 1\n"}}}});
  const std::string change = R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":")" +
                             ws.uri("doc.py") + R"(","version":2},"contentChanges":[{"text":"def surrogate_repaired_function():\n    return '\ud800'\n"}]}})";
  client.sendRaw(protocol::encodeFrame(change));
  bool found = false;
  for (int attempt = 0; attempt < 100 && !found; ++attempt) {
    auto r = client.request("codeSearch/query", Json{{"query", "surrogate repaired function"}});
    ASSERT_TRUE(r && r->contains("result"));
    found = !(*r)["result"]["results"].empty() && (*r)["result"]["results"][0]["name"] == "surrogate_repaired_function";
    if (!found) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

TEST(DaemonRobustness, DeeplyNestedMessagesAreRefusedNotFatal) {
  TempWorkspace ws;
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  const std::string open(1'000'000, '['), close(1'000'000, ']');
  client.sendRaw(protocol::encodeFrame(open + close));  // a 2 MB frame, a million levels deep
  auto bare = client.waitNullIdResponse();
  ASSERT_TRUE(bare);
  EXPECT_EQ((*bare)["error"]["code"], -32600);
  client.sendRaw(protocol::encodeFrame(R"({"jsonrpc":"2.0","id":77,"method":"codeSearch/query","params":{"query":)" +
                                       open + close + "}}"));
  auto with_id = client.waitResponse(77);
  ASSERT_TRUE(with_id);
  EXPECT_EQ((*with_id)["error"]["code"], -32600);
  EXPECT_TRUE(answersStatus(client));
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

TEST(DaemonRobustness, SkipsHugeBinaryAndInvalidFilesButIndexesTheRest) {
  TempWorkspace ws;
  ws.write("good.py", "def well_formed_function():\n    return 42\n");
  // 50 MB of valid-looking Python: over the size limit.
  std::string huge;
  huge.reserve(50u << 20);
  while (huge.size() < (50u << 20)) huge += "def generated_function_xyz(a):\n    return a\n";
  ws.write("huge.py", huge);
  ws.write("blob.py", std::string("\x7f" "ELF\x00\x00\x00" "binary", 13));
  ws.write("latin1.py", "def caf\xe9_menu():\n    return '\xff\xfe'\n");  // invalid UTF-8
  ws.write("broken.py", "def ok_before_error():\n    return 1\n\ndef broken(:\n    pass\n");

  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  Json status = client.waitIdle(120s, 1);
  EXPECT_EQ(status["state"], "idle");
  EXPECT_GE(status["skippedFiles"].get<int>(), 2);

  auto good = client.request("codeSearch/query", Json{{"query", "well formed function"}});
  EXPECT_EQ((*good)["result"]["results"][0]["name"], "well_formed_function");
  auto huge_q = client.request("codeSearch/query", Json{{"query", "generated function xyz"}});
  for (const auto& r : (*huge_q)["result"]["results"])
    EXPECT_EQ(r["uri"].get<std::string>().find("huge.py"), std::string::npos);
  auto partial = client.request("codeSearch/query", Json{{"query", "ok before error"}});
  ASSERT_FALSE((*partial)["result"]["results"].empty());
  EXPECT_EQ((*partial)["result"]["results"][0]["name"], "ok_before_error");
  // The invalid UTF-8 file is indexed and answered with valid JSON.
  auto menu = client.request("codeSearch/query", Json{{"query", "menu"}});
  ASSERT_TRUE(menu && menu->contains("result"));
  EXPECT_TRUE(client.alive());
}

TEST(DaemonRobustness, FilesDeletedDuringIndexingAndUnreadableDirectories) {
  TempWorkspace ws;
  for (int i = 0; i < 300; ++i)
    ws.write("many/f" + std::to_string(i) + ".py", "def function_number_" + std::to_string(i) + "(x):\n    return x\n");
  ws.write("locked/secret.py", "def locked_away():\n    pass\n");
  chmod((ws.root() + "/locked").c_str(), 0);
  std::filesystem::create_directory_symlink(ws.root(), ws.root() + "/many/loop");  // a symlink loop
  std::filesystem::create_directory_symlink("/usr", ws.root() + "/outside");       // leaves the root

  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  // Delete files while the scan is running.
  for (int i = 0; i < 300; i += 2) std::filesystem::remove(ws.root() + "/many/f" + std::to_string(i) + ".py");
  Json status = client.waitIdle(120s);
  EXPECT_EQ(status["state"], "idle");
  EXPECT_LE(status["files"].get<int>(), 300);
  EXPECT_GE(status["files"].get<int>(), 150);

  auto r = client.request("codeSearch/query", Json{{"query", "function number 7"}, {"limit", 50}});
  ASSERT_TRUE(r && r->contains("result"));
  for (const auto& item : (*r)["result"]["results"]) {
    std::string uri = item["uri"];
    EXPECT_EQ(uri.find("/loop/"), std::string::npos) << uri;
    EXPECT_EQ(uri.find("/outside/"), std::string::npos) << uri;
  }
  EXPECT_TRUE(answersStatus(client));
  chmod((ws.root() + "/locked").c_str(), 0755);
}

// What one request may cost is bounded, and a bad bound is a clear -32602.
TEST(DaemonRobustness, RequestCostIsBounded) {
  TempWorkspace ws;
  ws.write("a.py", "def alpha_function():\n    return 1\n");
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 1);
  auto expectInvalid = [&](const Json& params, const std::string& words) {
    auto r = client.request("codeSearch/query", params, 30s);
    ASSERT_TRUE(r) << words;
    EXPECT_EQ((*r)["error"]["code"], -32602) << r->dump().substr(0, 300);
    EXPECT_NE((*r)["error"]["message"].get<std::string>().find(words), std::string::npos) << (*r)["error"];
  };
  expectInvalid(Json{{"query", std::string(20u << 20, 'q')}}, "longer than 4096");
  expectInvalid(Json{{"query", "alpha"}, {"limit", 1e12}}, "limit must be");
  expectInvalid(Json{{"query", "alpha"}, {"limit", 0}}, "limit must be");
  expectInvalid(Json{{"query", "  "}}, "empty query");
  expectInvalid(Json{{"query", "alpha"}, {"filters", {{"paths", {std::string(300, '*')}}}}}, "glob");
  std::string glob = "**";
  for (int i = 0; i < 13; ++i) glob += "?**";
  glob += "Z";
  auto start = std::chrono::steady_clock::now();
  auto r = client.request("codeSearch/query", Json{{"query", "alpha"}, {"filters", {{"paths", {glob}}}}}, 30s);
  ASSERT_TRUE(r && r->contains("result"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  for (int line : {-5, 1, 1000}) {  // a.py has lines 0..2
    auto similar = client.request("codeSearch/similar", Json{{"textDocument", {{"uri", ws.uri("a.py")}}},
                                                            {"position", {{"line", line}, {"character", 0}}}});
    ASSERT_TRUE(similar);
    EXPECT_EQ((*similar)["error"]["code"], line == 1 ? Json(nullptr) : Json(-32602)) << line << similar->dump();
  }
  client.sendJson(Json{{"jsonrpc", "2.0"}, {"id", nullptr}, {"method", "codeSearch/status"}});
  auto null_id = client.waitNullIdResponse();
  ASSERT_TRUE(null_id);
  EXPECT_EQ((*null_id)["error"]["code"], -32600);
  auto ok = client.request("codeSearch/query", Json{{"query", "alpha"}, {"limit", 1000}});
  ASSERT_TRUE(ok && ok->contains("result"));
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

// One path rule for watched files, document events and similar: nothing
// outside the workspace is read, indexed or returned.
TEST(DaemonRobustness, FilesOutsideTheWorkspaceAreNeverReadOrIndexed) {
  TempWorkspace ws, outside;
  ws.write("inside.py", "def inside_function():\n    return 1\n");
  outside.write("secret.py", "def outside_secret_function():\n    return 'secret'\n");
  outside.write("linked.py", "def linked_secret_function():\n    return 'secret'\n");
  outside.write("closed.py", "def closed_secret_function():\n    return 'secret'\n");
  std::filesystem::create_symlink(outside.root() + "/linked.py", ws.root() + "/link.py");
  const std::string up = "../" + std::filesystem::path(outside.root()).filename().string() + "/";
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.waitIdle(60s, 1);

  client.notify("workspace/didChangeWatchedFiles",
                Json{{"changes", {{{"uri", ws.uri(up + "secret.py")}, {"type", 1}},
                                  {{"uri", ws.uri("link.py")}, {"type", 2}}}}});
  client.notify("textDocument/didClose", Json{{"textDocument", {{"uri", ws.uri(up + "closed.py")}}}});
  auto similar = client.request("codeSearch/similar",
                                Json{{"textDocument", {{"uri", ws.uri(up + "secret.py")}}},
                                     {"range", {{"start", {{"line", 0}, {"character", 0}}},
                                                {"end", {{"line", 1}, {"character", 10}}}}}});
  ASSERT_TRUE(similar);
  EXPECT_EQ((*similar)["error"]["code"], -32602) << similar->dump();
  Json status = client.waitIdle(60s);
  EXPECT_EQ(status["files"], 1);
  for (const char* query : {"outside secret function", "linked secret function", "closed secret function"}) {
    auto r = client.request("codeSearch/query", Json{{"query", query}});
    ASSERT_TRUE(r && r->contains("result"));
    for (const auto& item : (*r)["result"]["results"]) EXPECT_EQ(item["name"], "inside_function") << query;
  }
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

// End of input ends the daemon by itself (no signal from the test): with exit
// status 0 after a shutdown request, 1 without one (the LSP 'exit' rule).
TEST(DaemonRobustness, ClientDisappearingEndsTheDaemon) {
  TempWorkspace ws;
  ws.write("a.py", "def alpha():\n    return 1\n");
  LspTestClient after_shutdown(lexicalDaemon());
  after_shutdown.initialize(ws.root());
  ASSERT_TRUE(after_shutdown.request("shutdown", nullptr, 10s));
  after_shutdown.closeInput();
  EXPECT_EQ(after_shutdown.waitExit(20s), 0);

  LspTestClient vanished(lexicalDaemon());
  vanished.initialize(ws.root());
  vanished.closeInput();
  EXPECT_EQ(vanished.waitExit(20s), 1);
}

}  // namespace
}  // namespace cs::test
