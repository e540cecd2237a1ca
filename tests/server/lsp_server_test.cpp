// The LSP layer in-process: LspServer driven through MemoryTransport (no
// daemon process, no pipes), as clangd tests its LSP binding.
#include "server/lsp_server.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <stdexcept>
#include <thread>

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <gtest/gtest.h>

#include "protocol/jsonrpc.h"
#include "server/memory_transport.h"
#include "server/shared_search_service.h"

namespace cs {
namespace {

using protocol::Json;
using namespace std::chrono_literals;

class LspServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/codesearch-lsp-XXXXXX";
    root_ = mkdtemp(tmpl);
    for (int i = 0; i < 30; ++i) {
      std::ofstream(root_ + "/mod" + std::to_string(i) + ".py")
          << "def handler_" << i << "(request):\n    return request.payload * " << i << "\n";
    }
    transport_ = std::make_unique<MemoryTransport>(io_);
    LspServerOptions options;
    options.service.roots = {root_};
    options.service.index_threads = 1;
    options.request_threads = 2;
    configure(options);
    server_ = std::make_unique<LspServer>(io_, *transport_, options);
    server_->setSessionEndHandler([this](int code) { ended_.set_value(code); });
    server_->start();
    loop_ = std::thread([this] { io_.run(); });
  }

  virtual void configure(LspServerOptions&) {}

  void TearDown() override {
    // Destroyed on the loop, after every handler already posted has run.
    asio::post(io_, [this] { server_.reset(); });
    guard_.reset();
    loop_.join();
    std::filesystem::remove_all(root_);
  }

  void send(const Json& message) { transport_->clientSend(message.dump()); }
  void request(int id, const std::string& method, const Json& params = Json::object()) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
  }
  void notify(const std::string& method, const Json& params = Json::object()) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }
  static Json queryParams(const std::string& text) { return {{"query", text}, {"mode", "lexical"}}; }

  // The response to request `id` (server notifications and requests are skipped).
  std::optional<Json> responseTo(const Json& id, std::chrono::milliseconds timeout = 20s) {
    auto body = transport_->waitFor(
        [&](const std::string& b) {
          auto j = Json::parse(b);
          return j.contains("id") && j["id"] == id && !j.contains("method");
        },
        timeout);
    if (!body) return std::nullopt;
    return Json::parse(*body);
  }
  size_t responsesTo(const Json& id) {
    size_t n = 0;
    for (const auto& body : transport_->sent()) {
      auto j = Json::parse(body);
      if (j.contains("id") && j["id"] == id && !j.contains("method")) ++n;
    }
    return n;
  }
  void initialize(Json capabilities = Json::object()) {
    request(1, "initialize", {{"capabilities", capabilities}, {"rootUri", "file://" + root_}});
    auto reply = responseTo(1);
    ASSERT_TRUE(reply && reply->contains("result")) << (reply ? reply->dump() : "no reply");
    notify("initialized");
  }
  int waitEnded() {
    auto future = ended_.get_future();
    if (future.wait_for(10s) != std::future_status::ready) return -1;
    return future.get();
  }

  std::string root_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(io_);
  std::unique_ptr<MemoryTransport> transport_;
  std::unique_ptr<LspServer> server_;
  std::promise<int> ended_;
  std::thread loop_;
};

TEST_F(LspServerTest, RequestsBeforeInitializeAreServerNotInitialized) {
  request(7, "codeSearch/query", queryParams("handler"));
  request(8, "codeSearch/status");
  auto query = responseTo(7);
  ASSERT_TRUE(query.has_value());
  EXPECT_EQ((*query)["error"]["code"], protocol::kServerNotInitialized);
  auto status = responseTo(8);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ((*status)["error"]["code"], -32002);
  initialize();  // a refused request does not spoil the session
  request(9, "codeSearch/status");
  auto after = responseTo(9);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->contains("result")) << after->dump();
}

TEST_F(LspServerTest, InitializeTwiceIsAnError) {
  initialize();
  request(2, "initialize", {{"capabilities", Json::object()}});
  auto reply = responseTo(2);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["error"]["code"], protocol::kInvalidRequest);
}

// Issue 14: only nlohmann::json exceptions were caught around initialize, so
// an engine that threw while starting (libtorch, sqlite) ended the daemon.
class LspServerWithFailingEngineTest : public LspServerTest {
 protected:
  void configure(LspServerOptions& options) override {
    options.shared_service = std::make_shared<SharedSearchService>(
        [](const SearchServiceOptions&) -> Result<std::unique_ptr<SearchService>> {
          throw std::runtime_error("simulated failure loading the model");
        });
  }
};

TEST_F(LspServerWithFailingEngineTest, AnEngineThatThrowsWhileStartingIsAnInitializeError) {
  request(1, "initialize", {{"capabilities", Json::object()}, {"rootUri", "file://" + root_}});
  auto reply = responseTo(1);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["error"]["code"], protocol::kRequestFailed) << reply->dump();
  EXPECT_NE((*reply)["error"]["message"].get<std::string>().find("simulated failure"), std::string::npos);
  request(2, "codeSearch/status");  // still serving: not initialized, and says so
  auto status = responseTo(2);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ((*status)["error"]["code"], protocol::kServerNotInitialized);
}

TEST_F(LspServerTest, ShutdownThenExitEndsTheSessionWithZero) {
  initialize();
  request(2, "shutdown", nullptr);
  auto shutdown = responseTo(2);
  ASSERT_TRUE(shutdown.has_value());
  EXPECT_TRUE(shutdown->contains("result"));
  EXPECT_TRUE((*shutdown)["result"].is_null());
  request(3, "codeSearch/query", queryParams("handler"));  // refused after shutdown
  auto refused = responseTo(3);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ((*refused)["error"]["code"], protocol::kInvalidRequest);
  notify("exit");
  EXPECT_EQ(waitEnded(), 0);
}

TEST_F(LspServerTest, ExitWithoutShutdownEndsWithOne) {
  initialize();
  notify("exit");
  EXPECT_EQ(waitEnded(), 1);
}

TEST_F(LspServerTest, EndOfInputEndsTheSession) {
  initialize();
  transport_->clientClose();
  EXPECT_EQ(waitEnded(), 1);
}

TEST_F(LspServerTest, CancelSentWithItsRequestIsRequestCancelled) {
  initialize();
  transport_->clientSendBatch({
      Json{{"jsonrpc", "2.0"}, {"id", 40}, {"method", "codeSearch/query"}, {"params", queryParams("handler")}}.dump(),
      Json{{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", 40}}}}.dump()});
  auto reply = responseTo(40);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["error"]["code"], protocol::kRequestCancelled);
  // A cancel for an unknown or already answered id is ignored.
  notify("$/cancelRequest", {{"id", 40}});
  notify("$/cancelRequest", {{"id", "never-sent"}});
  request(41, "codeSearch/status");
  ASSERT_TRUE(responseTo(41).has_value());
  EXPECT_EQ(responsesTo(40), 1u);
}

TEST_F(LspServerTest, EveryRequestIsAnsweredExactlyOnceUnderACancelStorm) {
  initialize();
  std::vector<std::string> batch;
  for (int id = 100; id < 300; ++id) {
    batch.push_back(
        Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "codeSearch/query"}, {"params", queryParams("handler request")}}
            .dump());
    if (id % 3 == 0) batch.push_back(Json{{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", id}}}}.dump());
  }
  transport_->clientSendBatch(batch);
  for (int id = 100; id < 300; id += 7) {  // late cancels, racing the pool
    notify("$/cancelRequest", {{"id", id}});
  }
  request(999, "unknown/method");  // answered too, MethodNotFound
  auto unknown = responseTo(999);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ((*unknown)["error"]["code"], protocol::kMethodNotFound);
  for (int id = 100; id < 300; ++id) {
    auto reply = responseTo(id);
    ASSERT_TRUE(reply.has_value()) << id;
    if (id % 3 == 0) {
      EXPECT_EQ((*reply)["error"]["code"], protocol::kRequestCancelled) << id;
    }
    if (!reply->contains("error")) {
      EXPECT_TRUE((*reply)["result"].contains("results")) << id;
    }
  }
  std::this_thread::sleep_for(200ms);  // a duplicate would have arrived by now
  for (int id = 100; id < 300; ++id) EXPECT_EQ(responsesTo(id), 1u) << id;
}

TEST_F(LspServerTest, ProgressIsReportedWhenTheClientSupportsWorkDoneProgress) {
  initialize({{"window", {{"workDoneProgress", true}}}});
  auto create = transport_->waitFor(
      [](const std::string& b) { return Json::parse(b).value("method", "") == "window/workDoneProgress/create"; }, 20s);
  ASSERT_TRUE(create.has_value());
  Json create_request = Json::parse(*create);
  const Json token = create_request["params"]["token"];
  send({{"jsonrpc", "2.0"}, {"id", create_request["id"]}, {"result", nullptr}});
  auto kind = [&](const std::string& wanted) {
    return [&, wanted](const std::string& b) {
      auto j = Json::parse(b);
      return j.value("method", "") == "$/progress" && j["params"]["token"] == token &&
             j["params"]["value"]["kind"] == wanted;
    };
  };
  ASSERT_TRUE(transport_->waitFor(kind("begin"), 20s).has_value());
  ASSERT_TRUE(transport_->waitFor(kind("end"), 60s).has_value());
  request(5, "codeSearch/status");
  auto status = responseTo(5);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ((*status)["result"]["files"], 30);
}

TEST_F(LspServerTest, NoProgressWithoutTheCapability) {
  initialize();
  for (int i = 0; i < 200; ++i) {  // wait for the scan to finish
    request(1000 + i, "codeSearch/status");
    auto status = responseTo(1000 + i);
    ASSERT_TRUE(status.has_value());
    if ((*status)["result"]["state"] == "idle" && (*status)["result"]["files"] == 30) break;
    std::this_thread::sleep_for(50ms);
  }
  for (const auto& body : transport_->sent()) {
    auto j = Json::parse(body);
    EXPECT_NE(j.value("method", ""), "window/workDoneProgress/create");
    EXPECT_NE(j.value("method", ""), "$/progress");
  }
}

}  // namespace
}  // namespace cs
