// The loopback TCP transport in-process: a listener on an ephemeral port whose
// connections echo what they receive, driven by real sockets
// (tests/e2e/tcp_test_client.h). Replies are sent from the loop thread, as
// LspServer sends notifications and errors.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <gtest/gtest.h>

#include "server/transport.h"
#include "../e2e/tcp_test_client.h"

namespace cs {
namespace {

using test::TcpLspClient;
using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr size_t kBigReply = size_t{1} << 20;

// Each connection answers {"flood": n} with n replies of about 1 MiB, {"bye":
// true} with one reply and then close(), and anything else with itself.
class TcpTransportTest : public ::testing::Test {
 protected:
  void start(TcpOptions options) {
    listener_ = std::move(makeTcpListener(io_, "127.0.0.1", 0, options).value());
    listener_->start([this](std::unique_ptr<Transport> transport) {
      Transport* raw = transport.get();
      raw->start(TransportCallbacks{[this, raw](std::string body) { onMessage(*raw, body); }, nullptr,
                                    [this] { ++sessions_ended_; }});
      clients_.push_back(std::move(transport));
    });
    port_ = listener_->port();
    loop_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    // The test's sockets are closed by now, so even a loop blocked writing to
    // one of them (the old transport) gets going again and runs this.
    asio::post(io_, [this] {
      if (listener_) listener_->close();
      clients_.clear();
      io_.stop();
    });
    if (loop_.joinable()) loop_.join();
  }

  static void onMessage(Transport& transport, const std::string& body) {
    Json message = Json::parse(body);
    if (message.contains("flood")) {
      for (int i = 0; i < message["flood"].get<int>(); ++i) {
        transport.send(Json{{"seq", i}, {"payload", std::string(kBigReply, 'x')}}.dump());
      }
    } else if (message.contains("bye")) {
      transport.send(Json{{"goodbye", true}}.dump());
      transport.close();
    } else {
      transport.send(body);
    }
  }

  // `client` sends {"echo": i} and must get it back within `timeout`, rounds times.
  static bool echoes(TcpLspClient& client, int rounds, std::chrono::milliseconds timeout) {
    for (int i = 0; i < rounds; ++i) {
      if (!client.send(Json{{"echo", i}})) return false;
      auto reply = client.read(timeout);
      if (!reply || (*reply)["echo"] != i) return false;
    }
    return true;
  }

  asio::io_context io_;
  std::unique_ptr<TcpListener> listener_;
  std::vector<std::unique_ptr<Transport>> clients_;  // loop thread only
  std::atomic<int> sessions_ended_{0};
  std::thread loop_;
  int port_ = 0;
};

// The old transport wrote synchronously: the loop blocked in write() to the
// client that does not read once the socket buffers (a few MiB) were full,
// and no other client was answered again.
TEST_F(TcpTransportTest, AClientThatStopsReadingStallsNeitherTheLoopNorOtherClients) {
  start(TcpOptions{size_t{256} << 20});
  auto stalled = TcpLspClient::connect(port_);
  ASSERT_TRUE(stalled.has_value());
  auto other = TcpLspClient::connect(port_);
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(echoes(*other, 1, 10s));

  const int flood = 48;  // 48 MiB of replies that nobody reads for now
  ASSERT_TRUE(stalled->send(Json{{"flood", flood}}));
  EXPECT_TRUE(echoes(*other, 20, 10s)) << "the other client was not answered while one did not read";

  // Nothing was lost: the queue drains in order once the client reads.
  for (int i = 0; i < flood; ++i) {
    auto reply = stalled->read(30s);
    ASSERT_TRUE(reply.has_value()) << "reply " << i;
    EXPECT_EQ((*reply)["seq"], i);
  }
  EXPECT_EQ(sessions_ended_.load(), 0);
}

TEST_F(TcpTransportTest, AClientPastItsQueueCapIsDisconnectedAndNoOtherIs) {
  start(TcpOptions{size_t{8} << 20});
  auto stalled = TcpLspClient::connect(port_);
  ASSERT_TRUE(stalled.has_value());
  auto other = TcpLspClient::connect(port_);
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(echoes(*other, 1, 10s));

  const int flood = 32;  // 32 MiB against a cap of 8
  ASSERT_TRUE(stalled->send(Json{{"flood", flood}}));
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (sessions_ended_.load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(sessions_ended_.load(), 1) << "the client past its cap was not disconnected";

  // It gets what the socket already held, then the end of the stream.
  int received = 0;
  while (stalled->read(10s).has_value()) ++received;
  EXPECT_TRUE(stalled->ended());
  EXPECT_LT(received, flood);
  EXPECT_TRUE(echoes(*other, 5, 10s));
  EXPECT_EQ(sessions_ended_.load(), 1);
}

// Writes are asynchronous, yet what was sent before close() still arrives
// (the reply to `shutdown` before `exit` closes the session).
TEST_F(TcpTransportTest, CloseDeliversWhatWasSentBeforeIt) {
  start(TcpOptions{});
  auto client = TcpLspClient::connect(port_);
  ASSERT_TRUE(client.has_value());
  ASSERT_TRUE(client->send(Json{{"bye", true}}));
  auto reply = client->read(10s);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["goodbye"], true);
  EXPECT_FALSE(client->read(10s).has_value());  // then the connection ends
  EXPECT_TRUE(client->ended());
}

}  // namespace
}  // namespace cs
