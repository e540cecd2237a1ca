// `codesearch serve --listen 127.0.0.1:PORT`: LSP sessions over loopback sockets, any number
// of clients at once, each its own session over one shared index.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "lsp_test_client.h"
#include "tcp_test_client.h"

namespace cs::test {
namespace {

int testPort(int offset) { return 20000 + static_cast<int>((getpid() * 7 + offset) % 20000); }

std::string firstName(const std::optional<Json>& reply) {
  if (!reply || !reply->contains("result") || (*reply)["result"]["results"].empty()) return "";
  return (*reply)["result"]["results"][0]["name"];
}

// Queries until `name` is the top hit (indexing is asynchronous).
bool waitForTopHit(TcpLspClient& client, const std::string& query, const std::string& name) {
  for (int i = 0; i < 200; ++i) {
    auto reply = client.request("codeSearch/query", {{"query", query}});
    if (!reply) return false;
    if (firstName(reply) == name) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST(DaemonTcp, ServesSeveralClientsAndOutlivesEachOfThem) {
  TempWorkspace ws;
  ws.write("lib.py", "def compute_checksum(data):\n    return sum(data) % 255\n");
  const int port = testPort(1);
  LspTestClient daemon({"serve", "--no-model", "--no-cache", "--listen", "127.0.0.1:" + std::to_string(port)});
  auto first = TcpLspClient::connect(port);
  ASSERT_TRUE(first.has_value()) << "daemon did not listen on port " << port;
  auto second = TcpLspClient::connect(port);
  ASSERT_TRUE(second.has_value());

  // Each its own session: the second asks for UTF-8 positions, the first does not.
  auto init1 = first->initialize(ws.root());
  ASSERT_TRUE(init1 && init1->contains("result"));
  EXPECT_EQ((*init1)["result"]["capabilities"]["positionEncoding"], "utf-16");
  auto init2 = second->initialize(ws.root(), {{"general", {{"positionEncodings", {"utf-8"}}}}});
  ASSERT_TRUE(init2 && init2->contains("result"));
  EXPECT_EQ((*init2)["result"]["capabilities"]["positionEncoding"], "utf-8");
  ASSERT_TRUE(waitForTopHit(*first, "checksum", "compute_checksum"));
  ASSERT_TRUE(waitForTopHit(*second, "checksum", "compute_checksum"));

  // An edit from one session is visible to the other (one shared index).
  second->notify("textDocument/didOpen",
                 {{"textDocument", {{"uri", ws.uri("lib.py")}, {"languageId", "python"}, {"version", 1},
                                    {"text", "def rotate_ledger_entries(book):\n    return book[::-1]\n"}}}});
  EXPECT_TRUE(waitForTopHit(*first, "rotate ledger", "rotate_ledger_entries"));

  // The first keeps querying while the second shuts down, exits and leaves.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, failed{0};
  std::thread querying([&] {
    while (!stop) {
      auto reply = first->request("codeSearch/query", {{"query", "ledger entries"}});
      (reply && reply->contains("result") ? answered : failed)++;
    }
  });
  auto shutdown = second->request("shutdown", nullptr);
  ASSERT_TRUE(shutdown.has_value());
  EXPECT_TRUE((*shutdown)["result"].is_null());
  second->notify("exit", nullptr);
  EXPECT_FALSE(second->read(10s).has_value());  // the daemon closes that connection
  second.reset();
  std::this_thread::sleep_for(500ms);
  // The leaving session's open buffer went back to the file on disk.
  stop = true;
  querying.join();
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_TRUE(waitForTopHit(*first, "checksum", "compute_checksum"));
  EXPECT_TRUE(daemon.alive());

  // A client that just disappears ends its session too; new clients are still served.
  first->disconnect();
  auto third = TcpLspClient::connect(port);
  ASSERT_TRUE(third.has_value());
  ASSERT_TRUE(third->initialize(ws.root()).has_value());
  EXPECT_TRUE(waitForTopHit(*third, "checksum", "compute_checksum"));
  auto refused = TcpLspClient::connect(port);  // requests before initialize are still refused per session
  ASSERT_TRUE(refused.has_value());
  auto early = refused->request("codeSearch/status", Json::object());
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ((*early)["error"]["code"], -32002);
  EXPECT_TRUE(daemon.alive());

  // The daemon itself ends on SIGTERM, with 0.
  ::kill(daemon.pid(), SIGTERM);
  EXPECT_EQ(daemon.waitExit(20s), 0);
}

// A client that sends requests but never reads its replies: each reply here
// echoes a 1 MiB method name (-32601), so 70 of them pass the 64 MiB queue
// cap. The old transport wrote them from the event loop, blocking once the
// socket buffers were full, and every other client stalled with it.
TEST(DaemonTcp, AClientThatStopsReadingStallsNoOtherAndIsCutOffPastItsQueueCap) {
  TempWorkspace ws;
  ws.write("lib.py", "def compute_checksum(data):\n    return sum(data) % 255\n");
  TempWorkspace logs;
  const std::string log = logs.root() + "/daemon.log";
  const int port = testPort(2);
  LspTestClient daemon({"serve", "--no-model", "--no-cache", "--listen", "127.0.0.1:" + std::to_string(port),
                        "--log-file", log});
  auto reader = TcpLspClient::connect(port);
  ASSERT_TRUE(reader.has_value()) << "daemon did not listen on port " << port;
  ASSERT_TRUE(reader->initialize(ws.root()).has_value());
  ASSERT_TRUE(waitForTopHit(*reader, "checksum", "compute_checksum"));
  auto stalled = TcpLspClient::connect(port);
  ASSERT_TRUE(stalled.has_value());
  ASSERT_TRUE(stalled->initialize(ws.root()).has_value());

  // Sent from a thread of its own: the old daemon stopped reading this client too.
  const int requests = 70;
  std::thread flood([&] {
    for (int i = 0; i < requests; ++i) {
      Json request{{"jsonrpc", "2.0"}, {"id", 1000 + i}, {"method", std::string(1 << 20, 'm')}, {"params", nullptr}};
      if (!stalled->send(request)) return;  // disconnected
    }
  });
  int answered = 0;
  for (int i = 0; i < 30; ++i) {
    auto reply = reader->request("codeSearch/query", {{"query", "checksum"}}, 20s);
    if (!reply || firstName(reply) != "compute_checksum") break;
    ++answered;
  }
  EXPECT_EQ(answered, 30) << "the reading client stalled behind the one that does not read";

  // The one that does not read is cut off once its queue passes the cap,
  // with a line in the log; it gets what its socket held, then the end.
  bool logged = false;
  for (int i = 0; i < 400 && !logged; ++i) {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    logged = text.find("is not reading its replies") != std::string::npos;
    if (!logged) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(logged) << "no disconnect line in " << log;
  int received = 0;
  while (stalled->read(20s).has_value()) ++received;
  EXPECT_TRUE(stalled->ended());
  EXPECT_LT(received, requests);
  stalled->shutdownSocket();  // ends the flood on the old daemon, which never disconnects it
  flood.join();
  EXPECT_TRUE(waitForTopHit(*reader, "checksum", "compute_checksum"));
  EXPECT_TRUE(daemon.alive());
}

TEST(DaemonTcp, RefusesNonLoopbackAddresses) {
  LspTestClient daemon({"serve", "--no-model", "--no-cache", "--listen", "0.0.0.0:40123"});
  EXPECT_EQ(daemon.waitExit(10s), 2);
}

TEST(DaemonTcp, RefusesMalformedAndOutOfRangePorts) {
  for (const char* listen : {"127.0.0.1:abc", "127.0.0.1:70000", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:80x",
                             "127.0.0.1"}) {
    LspTestClient daemon({"serve", "--no-model", "--no-cache", "--listen", listen});
    EXPECT_EQ(daemon.waitExit(10s), 2) << listen;  // a clear usage error, not an abort or port 70000 % 65536
  }
}

}  // namespace
}  // namespace cs::test
