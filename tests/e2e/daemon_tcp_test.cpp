// `codesearch serve --listen 127.0.0.1:PORT`: the same LSP session over a loopback socket.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "lsp_test_client.h"

namespace cs::test {
namespace {

std::optional<Json> readMessage(int fd, protocol::FrameDecoder& decoder, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto frame = decoder.next(); frame && frame->ok()) return Json::parse(frame->value());
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    decoder.feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
  return std::nullopt;
}

TEST(DaemonTcp, ServesOneClientOnLoopback) {
  TempWorkspace ws;
  ws.write("lib.py", "def compute_checksum(data):\n    return sum(data) % 255\n");
  const int port = 20000 + static_cast<int>(getpid() % 20000);
  LspTestClient daemon({"serve", "--no-model", "--no-cache", "--listen", "127.0.0.1:" + std::to_string(port)});
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      fd = s;
    } else {
      ::close(s);
      std::this_thread::sleep_for(50ms);
    }
  }
  ASSERT_GE(fd, 0) << "daemon did not listen on port " << port;
  auto send = [&](const Json& message) {
    std::string frame = protocol::encodeFrame(message.dump());
    ASSERT_EQ(::send(fd, frame.data(), frame.size(), 0), static_cast<ssize_t>(frame.size()));
  };
  protocol::FrameDecoder decoder;
  send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
        {"params", {{"rootUri", "file://" + ws.root()}, {"capabilities", Json::object()}}}});
  auto init = readMessage(fd, decoder, 20s);
  ASSERT_TRUE(init.has_value());
  EXPECT_EQ((*init)["result"]["capabilities"]["experimental"]["codeSearch"]["version"], 1);
  send({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", Json::object()}});
  bool found = false;
  for (int i = 0; i < 100 && !found; ++i) {
    send({{"jsonrpc", "2.0"}, {"id", 100 + i}, {"method", "codeSearch/query"}, {"params", {{"query", "checksum"}}}});
    std::optional<Json> reply;
    while ((reply = readMessage(fd, decoder, 20s)) && !reply->contains("id")) {
    }
    ASSERT_TRUE(reply.has_value());
    found = !(*reply)["result"]["results"].empty() && (*reply)["result"]["results"][0]["name"] == "compute_checksum";
    if (!found) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(found);
  ::close(fd);
  EXPECT_EQ(daemon.waitExit(10s), 1);  // client gone without shutdown/exit
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
