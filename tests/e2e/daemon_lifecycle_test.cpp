// The daemon's LSP lifecycle, driven over stdio like an editor.
#include <gtest/gtest.h>

#include "lsp_test_client.h"

namespace cs::test {
namespace {

std::vector<std::string> lexicalDaemon() { return {"serve", "--no-model", "--no-cache", "--index-threads", "1"}; }

TEST(DaemonLifecycle, RequestsBeforeInitializeAreRejected) {
  LspTestClient client(lexicalDaemon());
  auto response = client.request("codeSearch/query", Json{{"query", "x"}});
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["error"]["code"], -32002);
}

TEST(DaemonLifecycle, InitializeAdvertisesCodeSearchAndShutsDownCleanly) {
  TempWorkspace ws;
  ws.write("a.py", "def alpha():\n    return 1\n");
  LspTestClient client(lexicalDaemon());
  Json init = client.initialize(ws.root());
  ASSERT_TRUE(init.contains("result")) << init.dump();
  const Json& caps = init["result"]["capabilities"];
  EXPECT_EQ(caps["positionEncoding"], "utf-16");
  EXPECT_EQ(caps["textDocumentSync"]["change"], 2);
  EXPECT_EQ(caps["experimental"]["codeSearch"]["version"], 1);
  EXPECT_EQ(caps["experimental"]["codeSearch"]["query"], true);
  EXPECT_EQ(caps["experimental"]["codeSearch"]["similar"], true);
  EXPECT_EQ(caps["experimental"]["codeSearch"]["status"], true);

  auto unknown = client.request("codeSearch/doesNotExist", Json::object());
  ASSERT_TRUE(unknown);
  EXPECT_EQ((*unknown)["error"]["code"], -32601);

  auto again = client.request("initialize", Json{{"capabilities", Json::object()}});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->contains("error"));

  EXPECT_EQ(client.shutdownAndExit(), 0);
}

TEST(DaemonLifecycle, ExitWithoutShutdownExitsWithOne) {
  TempWorkspace ws;
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  client.notify("exit", nullptr);
  EXPECT_EQ(client.waitExit(), 1);
}

TEST(DaemonLifecycle, NegotiatesUtf8WhenOffered) {
  TempWorkspace ws;
  LspTestClient client(lexicalDaemon());
  Json caps = LspTestClient::default_capabilities();
  caps["general"]["positionEncodings"] = {"utf-8", "utf-16"};
  Json init = client.initialize(ws.root(), caps);
  EXPECT_EQ(init["result"]["capabilities"]["positionEncoding"], "utf-8");
}

TEST(DaemonLifecycle, StatusReportsModelMissingWhenRunWithoutModel) {
  TempWorkspace ws;
  ws.write("m.go", "package m\n\nfunc Add(a, b int) int { return a + b }\n");
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root());
  Json status = client.waitIdle(60s, 1);
  EXPECT_EQ(status["state"], "idle");
  EXPECT_TRUE(status["model"].is_null());
  EXPECT_GE(status["files"].get<int>(), 1);
  EXPECT_FALSE(client.notifications("window/showMessage").empty());
}

}  // namespace
}  // namespace cs::test
