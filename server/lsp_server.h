// LspServer: the LSP binding. Translates JSON-RPC messages into calls on
// SearchService and results back into JSON; owns the session lifecycle
// (initialize/shutdown/exit), request cancellation, progress reporting and the
// position encoding. Handlers are registered in a table; every request is
// answered exactly once.
//
// Thread model: message handling, lifecycle and progress state live on the
// event-loop thread (the asio io_context that runs the transport). Queries run
// on a small request pool so the loop never blocks; indexing runs on the
// service's scheduler threads. Replies may be sent from pool threads (the
// transport serialises writes).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <asio/io_context.hpp>
#include <asio/thread_pool.hpp>

#include "protocol/jsonrpc.h"
#include "server/document_store.h"
#include "server/search_service.h"
#include "server/shared_search_service.h"
#include "server/transport.h"

namespace cs {

struct LspServerOptions {
  // The engine's options. `service.roots`, when set, overrides the client's
  // workspace folders; otherwise initialize fills them in from the client.
  SearchServiceOptions service;
  int request_threads = 2;          // pool answering queries
  // Several sessions (TCP clients) over one engine: the first session's
  // initialize creates it, the others join it. Null: this session owns its engine.
  std::shared_ptr<SharedSearchService> shared_service;
};

class LspServer {
 public:
  LspServer(asio::io_context& io, Transport& transport, LspServerOptions options);
  ~LspServer();

  // Starts reading from the transport. The session ends after `exit` or when
  // the client goes away (end of input); exitCode() then says whether shutdown
  // came first (0) or not (1).
  void start();
  int exitCode() const { return exit_code_; }
  // What ending the session does (called once, on the loop thread). Default:
  // stop the io_context (stdio: the daemon exits). The TCP server closes this
  // session only; the destructor must not run inside the handler itself.
  void setSessionEndHandler(std::function<void(int exit_code)> handler) { on_session_end_ = std::move(handler); }

 private:
  using Json = protocol::Json;
  class ReplyOnce;
  using RequestHandler = std::function<void(const Json& params, std::shared_ptr<ReplyOnce> reply)>;
  using NotificationHandler = std::function<void(const Json& params)>;

  void registerHandlers();
  void endSession();  // exit or end of input
  void onMessage(std::string body);
  void onRequest(protocol::Message message);
  void onNotification(const protocol::Message& message);
  void onResponse(const protocol::Message& message);
  // Runs `work` on the request pool unless cancelled first; work returns the result or an error.
  // Runs `work` on the request pool and replies with what it returns; `work`
  // gets the request's cancellation flag, for the search to check.
  void runOnPool(std::shared_ptr<ReplyOnce> reply, std::function<Result<Json>(const std::atomic<bool>&)> work);

  void initialize(const Json& params, std::shared_ptr<ReplyOnce> reply);
  void initialized();
  void didOpen(const Json& params);
  void didChange(const Json& params);
  void didSave(const Json& params);
  void didClose(const Json& params);
  void didChangeWatchedFiles(const Json& params);
  void didChangeWorkspaceFolders(const Json& params);
  Result<Json> query(const Json& params, const std::atomic<bool>& cancelled) const;
  Result<Json> similar(const Json& params, const std::atomic<bool>& cancelled) const;
  Json status() const;

  std::optional<std::string> workspacePath(const std::string& uri) const;

  void sendRequest(const std::string& method, const Json& params, std::function<void(const protocol::Message&)> on_response);
  void sendNotification(const std::string& method, const Json& params);
  void reportProgress(const IndexProgress& progress);  // loop thread

  asio::io_context& io_;
  Transport& transport_;
  LspServerOptions options_;
  asio::thread_pool pool_;
  std::shared_ptr<SharedSearchService> host_;  // owns the engine (alone, or with other sessions)
  SearchService* service_ = nullptr;           // host_'s service once initialized
  int progress_listener_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // expires with this object (posted progress checks it)
  std::function<void(int)> on_session_end_;
  bool session_ended_ = false;
  DocumentStore documents_;
  PositionEncoding encoding_ = PositionEncoding::kUtf16;

  enum class State { kUninitialized, kInitialized, kShutdown } state_ = State::kUninitialized;
  int exit_code_ = 1;
  bool client_supports_progress_ = false;
  bool client_supports_watcher_registration_ = false;

  std::map<std::string, RequestHandler> request_handlers_;
  std::map<std::string, NotificationHandler> notification_handlers_;

  std::mutex inflight_mutex_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> inflight_;  // request id (dumped) -> cancelled
  int next_outgoing_id_ = 1;
  std::map<std::string, std::function<void(const protocol::Message&)>> outgoing_;

  // Progress of one indexing busy period: create -> (response) -> begin -> report* -> end.
  struct ProgressState {
    std::string token;
    bool created = false;    // client answered window/workDoneProgress/create
    bool began = false;
    std::optional<IndexProgress> latest;
    bool ended = false;
  };
  std::optional<ProgressState> progress_;
  int progress_counter_ = 0;
  std::chrono::steady_clock::time_point last_report_{};
};

}  // namespace cs
