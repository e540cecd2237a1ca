#include "server/mcp_server.h"

#include <atomic>
#include <iostream>

#include <asio/post.hpp>

#include "protocol/lsp_types.h"
#include "protocol/mcp_types.h"
#include "server/mcp_tools.h"

namespace cs {

using protocol::Json;
namespace pm = protocol::mcp;

// Answers one request exactly once: a reply dropped without an answer (an
// exception unwinding a pool task, a shut-down pool) becomes an internal error.
class McpServer::Reply {
 public:
  Reply(Transport& transport, Json id) : transport_(transport), id_(std::move(id)) {}
  ~Reply() {
    if (!replied_.exchange(true))
      transport_.send(protocol::serializeError(id_, protocol::kInternalError, "request dropped"));
  }
  void result(const Json& value) {
    if (!replied_.exchange(true)) transport_.send(protocol::serializeResult(id_, value));
  }
  void error(int code, const std::string& message) {
    if (!replied_.exchange(true)) transport_.send(protocol::serializeError(id_, code, message));
  }

 private:
  Transport& transport_;
  Json id_;
  std::atomic<bool> replied_{false};
};

McpServer::McpServer(asio::io_context& io, Transport& transport, McpServerOptions options)
    : io_(io), transport_(transport), options_(std::move(options)),
      pool_(static_cast<size_t>(std::max(1, options_.request_threads))), roots_timer_(io) {
  if (!options_.create_service) options_.create_service = SearchService::create;
}

McpServer::~McpServer() {
  pool_.join();
  waiting_.clear();  // their replies answer "request dropped"
  watcher_.reset();
  service_.reset();
}

void McpServer::start() {
  transport_.start(TransportCallbacks{
      [this](std::string body) { onMessage(std::move(body)); },
      [this](const Error& error) {
        transport_.send(protocol::serializeError(nullptr, protocol::kParseError, "bad message: " + error.message));
      },
      [this] { io_.stop(); }});
  if (!options_.service.roots.empty()) useRoots(options_.service.roots);  // index from launch
}

void McpServer::onMessage(std::string body) {
  Json id;
  auto message = protocol::parseMessage(body, &id);
  if (!message.ok()) {
    transport_.send(protocol::serializeError(id, message.error().code, message.error().message));
    return;
  }
  switch (message->kind) {
    case protocol::Message::Kind::kRequest: onRequest(std::move(message.value())); break;
    case protocol::Message::Kind::kNotification: onNotification(message.value()); break;
    case protocol::Message::Kind::kResponse: onResponse(message.value()); break;
  }
}

void McpServer::onRequest(protocol::Message message) {
  auto reply = std::make_shared<Reply>(transport_, message.id);
  const std::string& method = message.method;
  try {
    if (method == "ping") {
      reply->result(Json::object());
    } else if (method == "initialize") {
      initialize(message.params, reply);
    } else if (!initialized_) {
      reply->error(protocol::kServerNotInitialized, "server not initialized: send 'initialize' first");
    } else if (method == "tools/list") {
      reply->result(Json{{"tools", pm::toolDefinitions(structured_)}});
    } else if (method == "tools/call") {
      callTool(message.params, reply);
    } else {
      reply->error(protocol::kMethodNotFound, "unknown method: " + method);
    }
  } catch (const std::exception& e) {
    reply->error(protocol::kInternalError, std::string("internal error: ") + e.what());
  }
}

void McpServer::onNotification(const protocol::Message& message) {
  if (message.method == "notifications/initialized") {
    if (client_roots_ && roots_.empty()) requestRoots();
  } else if (message.method == "notifications/roots/list_changed") {
    if (client_roots_) requestRoots();
  }
  // notifications/cancelled: a tool call is short; its answer still goes out
  // and the client ignores it. Other notifications are ignored.
}

void McpServer::onResponse(const protocol::Message& message) {
  auto it = outgoing_.find(message.id.dump());
  if (it == outgoing_.end()) return;
  auto done = std::move(it->second);
  outgoing_.erase(it);
  if (done) done(message);
}

void McpServer::sendRequest(const std::string& method, const Json& params,
                            std::function<void(const protocol::Message&)> done) {
  std::string id = "codesearch-" + std::to_string(next_outgoing_id_++);
  outgoing_[Json(id).dump()] = std::move(done);
  transport_.send(protocol::serializeRequest(id, method, params));
}

// ---- lifecycle -------------------------------------------------------------

void McpServer::initialize(const Json& params, std::shared_ptr<Reply> reply) {
  if (initialized_) {
    reply->error(protocol::kInvalidRequest, "initialize was already called");
    return;
  }
  if (!params.is_object()) {
    reply->error(protocol::kInvalidParams, "initialize needs params {protocolVersion, capabilities, clientInfo}");
    return;
  }
  std::string requested;
  if (auto v = params.find("protocolVersion"); v != params.end() && v->is_string()) requested = v->get<std::string>();
  const std::string version = pm::negotiateProtocolVersion(requested);
  structured_ = pm::supportsStructuredContent(version);
  const Json capabilities = params.value("capabilities", Json::object());
  client_roots_ = options_.service.roots.empty() && capabilities.is_object() && capabilities.contains("roots") &&
                  capabilities["roots"].is_object();
  initialized_ = true;
  reply->result(Json{
      {"protocolVersion", version},
      {"capabilities", {{"tools", {{"listChanged", false}}}}},
      {"serverInfo", {{"name", "codesearch"}, {"title", "codesearch"}, {"version", CODESEARCH_VERSION}}},
      {"instructions",
       "Semantic code search over this workspace. search_code finds functions and classes by describing them "
       "(\"where are tokens validated\") or by identifiers; find_definition finds where a symbol is defined; "
       "find_similar finds code like a given function (file + 1-based line) or snippet; index_status tells how far "
       "indexing has got. Results give workspace-relative paths and 1-based line ranges."}});
  if (options_.service.roots.empty() && !client_roots_) useRoots({options_.fallback_root});
  if (client_roots_) {  // don't wait forever for a client that never sends initialized or never answers roots/list
    roots_timer_.expires_after(options_.roots_timeout);
    roots_timer_.async_wait([this](const std::error_code& ec) {
      if (ec || !roots_.empty()) return;
      std::cerr << "codesearch mcp: no roots from the client; indexing " << options_.fallback_root << "\n";
      useRoots({options_.fallback_root});
    });
  }
}

// ---- roots -----------------------------------------------------------------

void McpServer::requestRoots() {
  sendRequest("roots/list", Json::object(), [this](const protocol::Message& m) {
    std::vector<std::string> roots;
    if (!m.error && m.result.is_object() && m.result.contains("roots") && m.result["roots"].is_array()) {
      for (const auto& root : m.result["roots"]) {
        if (!root.is_object() || !root.contains("uri") || !root["uri"].is_string()) continue;
        if (auto path = protocol::uriToPath(root["uri"].get<std::string>())) roots.push_back(*path);
      }
    }
    if (roots.empty()) {
      if (!roots_.empty()) return;  // keep indexing what we have
      std::cerr << "codesearch mcp: the client gave no file:// roots; indexing " << options_.fallback_root << "\n";
      roots = {options_.fallback_root};
    }
    roots_timer_.cancel();
    useRoots(std::move(roots));
  });
}

void McpServer::useRoots(std::vector<std::string> roots) {
  if (service_ && roots == roots_) return;
  SearchServiceOptions service_options = options_.service;
  service_options.roots = roots;
  Result<std::unique_ptr<SearchService>> created = makeError("");
  try {  // libtorch, sqlite and hnswlib may throw while the model and the index load
    created = options_.create_service(service_options);
  } catch (const std::exception& e) {
    created = makeError(std::string("starting the search service: ") + e.what());
  }
  if (!created.ok()) {
    std::cerr << "codesearch mcp: " << created.error().message << "\n";
    if (!service_) service_error_ = created.error().message;
  } else {
    std::shared_ptr<SearchService> service(std::move(created.value()));
    watcher_.reset();  // the old service's watcher; that service may live on in calls in flight
    if (options_.watch_disk) watcher_ = DiskWatcher::start(io_, *service, options_.watcher);
    service->startWorkspaceScan();  // adds the watches as it walks
    service_ = std::move(service);
    service_error_.reset();
  }
  roots_ = std::move(roots);
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& call : waiting) call();
}

// ---- tools -----------------------------------------------------------------

void McpServer::callTool(const Json& params, std::shared_ptr<Reply> reply) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    reply->error(protocol::kInvalidParams, "tools/call needs params {name, arguments}");
    return;
  }
  std::string name = params["name"].get<std::string>();
  if (!mcp::isKnownTool(name)) {
    reply->error(protocol::kInvalidParams, "Unknown tool: " + name);
    return;
  }
  Json arguments = params.value("arguments", Json::object());
  if (!service_) {
    if (service_error_) {
      reply->result(pm::toolError("the search service could not start: " + *service_error_));
      return;
    }
    // The roots are not known yet (roots/list in flight): run once they are.
    waiting_.push_back([this, params, reply] { callTool(params, reply); });
    return;
  }
  asio::post(pool_, [service = service_, name = std::move(name), arguments = std::move(arguments),
                     structured = structured_, reply] {
    reply->result(mcp::callTool(*service, name, arguments, structured));
  });
}

}  // namespace cs
