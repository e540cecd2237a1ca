// The MCP tools over a real SearchService (no model: lexical ranking) and the
// MCP session (McpServer) over an in-memory transport.
#include "server/mcp_tools.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "protocol/jsonrpc.h"
#include "server/mcp_server.h"

namespace cs {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

class McpToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("codesearch-mcp-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "ws" / "src");
    std::ofstream(base_ / "ws" / "src" / "client.py")
        << "import json\n"
           "\n"
           "class HttpClient:\n"
           "    \"\"\"Sends requests to a web server.\"\"\"\n"
           "\n"
           "    def send(self, request):\n"
           "        return self.transport.write(json.dumps(request))\n"
           "\n"
           "\n"
           "def make_http_client(url):\n"
           "    return HttpClient()\n";
    std::ofstream(base_ / "ws" / "src" / "urls.py")
        << "def parse_url(text):\n"
           "    scheme, rest = text.split(':', 1)\n"
           "    return scheme, rest\n";
    std::ofstream(base_ / "outside.py") << "def outside():\n    pass\n";
    SearchServiceOptions options;
    options.roots = {(base_ / "ws").string()};
    options.index_threads = 0;
    service_ = std::move(SearchService::create(options).value());
    service_->startWorkspaceScan();
    service_->waitUntilIdle();
  }
  void TearDown() override {
    service_.reset();
    fs::remove_all(base_);
  }
  Json call(const std::string& tool, const Json& arguments) { return mcp::callTool(*service_, tool, arguments, true); }
  static std::string text(const Json& result) { return result["content"][0]["text"]; }

  fs::path base_;
  std::unique_ptr<SearchService> service_;
};

TEST_F(McpToolsTest, SearchCodeFindsTheFunctionWithRelativePathsAndOneBasedLines) {
  Json result = call("search_code", {{"query", "parse_url"}, {"limit", 3}});
  ASSERT_EQ(result["isError"], false) << result.dump();
  const Json& top = result["structuredContent"]["results"][0];
  EXPECT_EQ(top["name"], "parse_url");
  EXPECT_EQ(top["path"], "src/urls.py");
  EXPECT_EQ(top["start_line"], 1);
  EXPECT_EQ(top["end_line"], 3);
  EXPECT_EQ(top["kind"], "function");
  EXPECT_EQ(result["structuredContent"]["index"]["complete"], true);
  EXPECT_EQ(result["structuredContent"]["mode"], "lexical");  // no model
  EXPECT_NE(text(result).find("src/urls.py:1  function parse_url\n    def parse_url(text):"), std::string::npos)
      << text(result);
}

TEST_F(McpToolsTest, SearchCodeRefusesBadArgumentsAsToolErrors) {
  Json missing = call("search_code", Json::object());
  EXPECT_EQ(missing["isError"], true);
  EXPECT_NE(text(missing).find("missing required argument 'query'"), std::string::npos);
  Json semantic = call("search_code", {{"query", "x"}, {"mode", "semantic"}});
  EXPECT_EQ(semantic["isError"], true);  // no model loaded
  EXPECT_NE(text(semantic).find("needs a model"), std::string::npos) << text(semantic);
}

TEST_F(McpToolsTest, FindDefinitionReturnsTheExactDefinitionFirstAndNoModules) {
  Json result = call("find_definition", {{"symbol", "HttpClient"}});
  ASSERT_EQ(result["isError"], false) << result.dump();
  const Json& results = result["structuredContent"]["results"];
  ASSERT_GE(results.size(), 1u);
  EXPECT_EQ(results[0]["name"], "HttpClient");
  EXPECT_EQ(results[0]["kind"], "class");
  for (const auto& r : results) {
    EXPECT_NE(r["kind"], "module");
    EXPECT_EQ(r["name"], "HttpClient");  // exact matches only once there is one
  }
  Json method = call("find_definition", {{"symbol", "HttpClient::send"}});
  ASSERT_GE(method["structuredContent"]["results"].size(), 1u) << method.dump();
  EXPECT_EQ(method["structuredContent"]["results"][0]["qualified_name"], "HttpClient.send");
  Json none = call("find_definition", {{"symbol", "NoSuchThingAnywhere"}});
  EXPECT_EQ(none["isError"], false);
  EXPECT_TRUE(none["structuredContent"].contains("note"));
}

TEST(McpDefinitionTier, QualifiedNamesAndCase) {
  Chunk c;
  c.kind = "class";
  c.name = "Engine";
  c.qualified_name = "Rails.Engine";
  EXPECT_EQ(mcp::definitionTier(c, "Engine"), 0);
  EXPECT_EQ(mcp::definitionTier(c, "Rails::Engine"), 0);
  EXPECT_EQ(mcp::definitionTier(c, "Other::Engine"), 1);
  EXPECT_EQ(mcp::definitionTier(c, "engine"), 2);
  EXPECT_EQ(mcp::definitionTier(c, "Motor"), 3);
  c.kind = "module";
  EXPECT_EQ(mcp::definitionTier(c, "Engine"), std::nullopt);
}

TEST_F(McpToolsTest, FindSimilarByFileAndLineAndByCode) {
  Json at = call("find_similar", {{"file", "src/urls.py"}, {"line", 2}});
  ASSERT_EQ(at["isError"], false) << at.dump();
  for (const auto& r : at["structuredContent"]["results"]) EXPECT_NE(r["name"], "parse_url");  // itself excluded
  Json absolute = call("find_similar", {{"file", (base_ / "ws" / "src" / "urls.py").string()}, {"line", 1}});
  EXPECT_EQ(absolute["isError"], false) << absolute.dump();
  Json code = call("find_similar", {{"code", "def split_address(text):\n    return text.split(':', 1)\n"}});
  ASSERT_EQ(code["isError"], false) << code.dump();
  ASSERT_GE(code["structuredContent"]["results"].size(), 1u);
  EXPECT_EQ(code["structuredContent"]["results"][0]["name"], "parse_url");
}

TEST_F(McpToolsTest, FindSimilarConfinesToTheWorkspaceAndTheFile) {
  Json outside = call("find_similar", {{"file", (base_ / "outside.py").string()}, {"line", 1}});
  EXPECT_EQ(outside["isError"], true);
  EXPECT_NE(text(outside).find("not a file inside the workspace"), std::string::npos);
  Json dotdot = call("find_similar", {{"file", "../outside.py"}, {"line", 1}});
  EXPECT_EQ(dotdot["isError"], true);
  Json past = call("find_similar", {{"file", "src/urls.py"}, {"line", 99}});
  EXPECT_EQ(past["isError"], true);
  EXPECT_NE(text(past).find("past the end of src/urls.py (3 lines)"), std::string::npos) << text(past);
}

TEST_F(McpToolsTest, IndexStatusCounts) {
  Json status = call("index_status", Json::object());
  ASSERT_EQ(status["isError"], false);
  const Json& s = status["structuredContent"];
  EXPECT_EQ(s["files"], 2);
  EXPECT_EQ(s["complete"], true);
  EXPECT_EQ(s["pending"], 0);
  EXPECT_EQ(s["state"], "idle");
  EXPECT_TRUE(s["model"].is_null());
  EXPECT_NE(text(status).find("Index complete: 2 files"), std::string::npos) << text(status);
  EXPECT_EQ(s["watcher"], (Json{{"mode", "off"}}));  // nothing watches this service's disk
  EXPECT_EQ(s["approximate_search"], false);          // two files: far below the graph's threshold
  EXPECT_EQ(s["vector_device"], "host");              // no model: nothing on a device
  EXPECT_EQ(call("index_status", {{"x", 1}})["isError"], true);
}

// ---- the session ------------------------------------------------------------

class FakeTransport final : public Transport {
 public:
  void start(TransportCallbacks callbacks) override { callbacks_ = std::move(callbacks); }
  void send(std::string body) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(Json::parse(body));
  }
  void close() override {}
  void receive(const std::string& body) { callbacks_.on_message(body); }
  std::vector<Json> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  TransportCallbacks callbacks_;
  std::mutex mutex_;
  std::vector<Json> sent_;
};

class McpSessionTest : public McpToolsTest {
 protected:
  // Runs the loop until `count` messages have been sent (or two seconds pass).
  std::vector<Json> runUntil(size_t count) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (transport_.sent().size() < count && std::chrono::steady_clock::now() < deadline) {
      io_.poll();
      io_.restart();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return transport_.sent();
  }
  std::unique_ptr<McpServer> makeServer(std::vector<std::string> roots,
                                        std::chrono::milliseconds roots_timeout = std::chrono::seconds(10),
                                        int index_threads = 0) {
    McpServerOptions options;
    options.roots_timeout = roots_timeout;
    options.service.roots = std::move(roots);
    options.service.index_threads = index_threads;
    options.fallback_root = (base_ / "ws").string();
    options.create_service = [](const SearchServiceOptions& o) -> Result<std::unique_ptr<SearchService>> {
      auto service = SearchService::create(o);  // indexed before the session uses it
      if (service.ok()) {
        service.value()->startWorkspaceScan();
        service.value()->waitUntilIdle();
      }
      return service;
    };
    auto server = std::make_unique<McpServer>(io_, transport_, options);
    server->start();
    return server;
  }
  asio::io_context io_;
  FakeTransport transport_;
};

TEST_F(McpSessionTest, InitializeToolsAndProtocolErrors) {
  auto server = makeServer({(base_ / "ws").string()});
  transport_.receive(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
  transport_.receive(R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
                     R"("capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  transport_.receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  transport_.receive(R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})");
  transport_.receive(R"({"jsonrpc":"2.0","id":4,"method":"ping"})");
  transport_.receive(R"({"jsonrpc":"2.0","id":5,"method":"resources/list"})");
  transport_.receive(R"({"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"nope","arguments":{}}})");
  transport_.receive(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search_code","arguments":{"query":"parse_url"}}})");
  transport_.receive(R"({"jsonrpc":"2.0","id":8,"method":"tools/ca)");
  auto sent = runUntil(8);  // ids 1..7 and the unparsable line (answered with id null)
  ASSERT_EQ(sent.size(), 8u);
  std::map<int, Json> by_id;
  Json parse_error;
  for (const auto& m : sent) {
    if (m["id"].is_null()) parse_error = m;
    else by_id[m["id"].get<int>()] = m;
  }
  EXPECT_EQ(by_id[1]["error"]["code"], -32002);
  EXPECT_EQ(by_id[2]["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(by_id[2]["result"]["capabilities"]["tools"], (Json{{"listChanged", false}}));
  EXPECT_EQ(by_id[2]["result"]["serverInfo"]["name"], "codesearch");
  EXPECT_EQ(by_id[3]["result"]["tools"].size(), 4u);
  EXPECT_EQ(by_id[4]["result"], Json::object());
  EXPECT_EQ(by_id[5]["error"]["code"], -32601);
  EXPECT_EQ(by_id[6]["error"]["code"], -32602);
  EXPECT_EQ(by_id[7]["result"]["structuredContent"]["results"][0]["name"], "parse_url");
  EXPECT_EQ(parse_error["error"]["code"], -32700);
}

TEST_F(McpSessionTest, RootsComeFromTheClientWhenItDeclaresThem) {
  auto server = makeServer({});
  transport_.receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                     R"("capabilities":{"roots":{"listChanged":true}},"clientInfo":{"name":"t","version":"1"}}})");
  transport_.receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  // A call before the roots are known waits for them.
  transport_.receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"index_status"}})");
  auto sent = runUntil(2);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["method"], "roots/list");
  Json answer = {{"jsonrpc", "2.0"},
                 {"id", sent[1]["id"]},
                 {"result", {{"roots", {{{"uri", "file://" + (base_ / "ws" / "src").string()}, {"name", "src"}}}}}}};
  transport_.receive(answer.dump());
  sent = runUntil(3);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2]["id"], 2);
  EXPECT_EQ(sent[2]["result"]["structuredContent"]["roots"], Json::array({(base_ / "ws" / "src").string()}));
  EXPECT_EQ(server->currentRoots(), std::vector<std::string>{(base_ / "ws" / "src").string()});
}

TEST_F(McpSessionTest, AClientThatNeverListsItsRootsGetsTheWorkingDirectory) {
  auto server = makeServer({}, std::chrono::milliseconds(50));
  transport_.receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                     R"("capabilities":{"roots":{}},"clientInfo":{"name":"t","version":"1"}}})");
  transport_.receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"index_status"}})");
  auto sent = runUntil(2);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["id"], 2);
  EXPECT_EQ(sent[1]["result"]["structuredContent"]["roots"], Json::array({(base_ / "ws").string()}));
}

TEST_F(McpSessionTest, AFileWrittenOnDiskIsFoundWithoutAnyNotificationFromTheClient) {
  auto server = makeServer({(base_ / "ws").string()}, std::chrono::seconds(10), /*index_threads=*/1);
  transport_.receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                     R"("capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  transport_.receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  transport_.receive(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"index_status"}})");
  auto sent = runUntil(2);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["result"]["structuredContent"]["watcher"]["mode"], "inotify") << sent[1].dump();

  std::ofstream(base_ / "ws" / "src" / "fresh.py") << "def freshly_written_on_disk(path):\n    return open(path)\n";
  // Ask until it is there (the agent's write reaches the index through the watcher alone).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  std::string top;
  for (int id = 3; top != "freshly_written_on_disk" && std::chrono::steady_clock::now() < deadline; ++id) {
    Json call = {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
                 {"params", {{"name", "search_code"}, {"arguments", {{"query", "freshly_written_on_disk"}}}}}};
    transport_.receive(call.dump());
    sent = runUntil(sent.size() + 1);
    const Json& results = sent.back()["result"]["structuredContent"]["results"];
    top = results.empty() ? "" : results[0]["name"].get<std::string>();
  }
  EXPECT_EQ(top, "freshly_written_on_disk");
}

}  // namespace
}  // namespace cs
