// McpServer: the Model Context Protocol binding of `codesearch mcp`. Speaks
// JSON-RPC 2.0 over a Transport (newline-delimited on stdio,
// server/mcp_transport.h): initialize (protocol-version negotiation),
// notifications/initialized, ping, tools/list, tools/call, and the roots
// protocol towards the client (roots/list, notifications/roots/list_changed).
// Tool calls are answered by server/mcp_tools.h over one SearchService; every
// request is answered exactly once.
//
// Workspace roots: the --root directories when given (the service starts and
// indexes at launch); otherwise the client's roots (roots/list, asked after
// notifications/initialized, asked again on list_changed) when it declares
// the roots capability; otherwise the working directory. Tool calls that
// arrive before the roots are known wait for them.
//
// Thread model: message handling, the session state and the service pointer
// live on the event-loop thread (the io_context running the transport). Tool
// calls run on a small request pool, each holding its own reference to the
// service it started on (a roots change swaps in a new one without disturbing
// calls in flight); replies are sent from there (the transport serialises
// writes). Indexing runs on the service's own threads. The service's disk
// watcher (server/disk_watcher.h) runs on the event loop too: an agent's edits,
// a git checkout, anything written on disk reaches the index without a
// notification from the client.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include "protocol/jsonrpc.h"
#include "server/disk_watcher.h"
#include "server/search_service.h"
#include "server/transport.h"

namespace cs {

struct McpServerOptions {
  SearchServiceOptions service;    // roots: the --root directories; empty = the client's roots or `fallback_root`
  std::string fallback_root;       // used when neither --root nor the client's roots give one (the working directory)
  int request_threads = 2;         // pool answering tool calls
  std::chrono::milliseconds roots_timeout{10000};  // a client that never answers roots/list gets `fallback_root`
  bool watch_disk = true;          // keep the index current with the disk (DiskWatcher)
  DiskWatcherOptions watcher;
  // How the search service is made (tests substitute their own); default SearchService::create.
  std::function<Result<std::unique_ptr<SearchService>>(const SearchServiceOptions&)> create_service;
};

class McpServer {
 public:
  McpServer(asio::io_context& io, Transport& transport, McpServerOptions options);
  ~McpServer();

  // Starts reading from the transport and, with explicit roots, indexing. The
  // loop ends when the client closes its end (end of input).
  void start();

  // The roots the current service indexes (loop thread; empty before it exists).
  std::vector<std::string> currentRoots() const { return roots_; }

 private:
  using Json = protocol::Json;
  class Reply;

  void onMessage(std::string body);
  void onRequest(protocol::Message message);
  void onNotification(const protocol::Message& message);
  void onResponse(const protocol::Message& message);

  void initialize(const Json& params, std::shared_ptr<Reply> reply);
  void callTool(const Json& params, std::shared_ptr<Reply> reply);
  void requestRoots();
  void useRoots(std::vector<std::string> roots);  // (re)creates the service when the roots differ
  void sendRequest(const std::string& method, const Json& params, std::function<void(const protocol::Message&)> done);

  asio::io_context& io_;
  Transport& transport_;
  McpServerOptions options_;
  asio::thread_pool pool_;
  asio::steady_timer roots_timer_;

  bool initialized_ = false;          // initialize answered
  bool structured_ = true;            // negotiated version has structuredContent / outputSchema
  bool client_roots_ = false;         // client declared the roots capability (and no --root was given)
  std::shared_ptr<const SearchService> service_;
  std::unique_ptr<DiskWatcher> watcher_;  // watches service_'s roots; replaced with it
  std::optional<std::string> service_error_;  // why there is no service
  std::vector<std::string> roots_;
  std::vector<std::function<void()>> waiting_;  // tool calls that arrived before the roots were known

  int next_outgoing_id_ = 1;
  std::map<std::string, std::function<void(const protocol::Message&)>> outgoing_;
};

}  // namespace cs
