#include "server/lsp_server.h"

#include <algorithm>

#include <asio/post.hpp>

#include "protocol/codesearch_types.h"
#include "protocol/lsp_types.h"
#include "server/result_items.h"

namespace cs {

using protocol::Json;

// Guarantees a request is answered exactly once, and as RequestCancelled when
// the client cancelled it before the answer went out.
class LspServer::ReplyOnce {
 public:
  ReplyOnce(LspServer& server, Json id, std::shared_ptr<std::atomic<bool>> cancelled)
      : server_(server), id_(std::move(id)), cancelled_(std::move(cancelled)) {}
  ~ReplyOnce() {
    if (!replied_.exchange(true)) send(protocol::serializeError(id_, protocol::kInternalError, "request dropped"));
  }
  bool cancelled() const { return cancelled_->load(); }
  const std::atomic<bool>& cancelFlag() const { return *cancelled_; }
  void result(const Json& value) {
    if (replied_.exchange(true)) return;
    if (cancelled()) {
      send(protocol::serializeError(id_, protocol::kRequestCancelled, "request cancelled"));
    } else {
      send(protocol::serializeResult(id_, value));
    }
  }
  void error(int code, const std::string& message) {
    if (replied_.exchange(true)) return;
    send(protocol::serializeError(id_, code, message));
  }

 private:
  void send(std::string body) {
    server_.transport_.send(std::move(body));
    std::lock_guard lock(server_.inflight_mutex_);
    server_.inflight_.erase(id_.dump());
  }
  LspServer& server_;
  Json id_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::atomic<bool> replied_{false};
};

LspServer::LspServer(asio::io_context& io, Transport& transport, LspServerOptions options)
    : io_(io), transport_(transport), options_(std::move(options)),
      pool_(static_cast<size_t>(std::max(1, options_.request_threads))),
      host_(options_.shared_service ? options_.shared_service : std::make_shared<SharedSearchService>()) {
  registerHandlers();
}

LspServer::~LspServer() {
  pool_.join();
  if (progress_listener_) host_->removeProgressListener(progress_listener_);
  service_ = nullptr;
  host_.reset();  // the last session's reference stops the engine
}

void LspServer::endSession() {
  if (session_ended_) return;
  session_ended_ = true;
  exit_code_ = state_ == State::kShutdown ? 0 : 1;
  if (options_.shared_service && service_) {
    // Other sessions keep the engine: stop reporting to this one, and hand its
    // open buffers back to the files on disk.
    if (progress_listener_) host_->removeProgressListener(progress_listener_);
    progress_listener_ = 0;
    for (const std::string& path : documents_.paths()) service_->closeDocument(path);
  }
  if (on_session_end_) {
    on_session_end_(exit_code_);
  } else {
    io_.stop();
  }
}

void LspServer::start() {
  transport_.start(TransportCallbacks{
      [this](std::string body) { onMessage(std::move(body)); },
      [this](const Error& error) {
        transport_.send(protocol::serializeError(nullptr, protocol::kParseError, "bad frame: " + error.message));
      },
      [this] { endSession(); }});  // end of input: as 'exit' would, 0 only after a shutdown request
}

void LspServer::registerHandlers() {
  request_handlers_["initialize"] = [this](const Json& params, std::shared_ptr<ReplyOnce> reply) {
    initialize(params, std::move(reply));
  };
  request_handlers_["shutdown"] = [this](const Json&, std::shared_ptr<ReplyOnce> reply) {
    state_ = State::kShutdown;
    reply->result(nullptr);
  };
  request_handlers_["codeSearch/query"] = [this](const Json& params, std::shared_ptr<ReplyOnce> reply) {
    runOnPool(std::move(reply), [this, params](const std::atomic<bool>& cancelled) { return query(params, cancelled); });
  };
  request_handlers_["codeSearch/similar"] = [this](const Json& params, std::shared_ptr<ReplyOnce> reply) {
    runOnPool(std::move(reply), [this, params](const std::atomic<bool>& cancelled) { return similar(params, cancelled); });
  };
  request_handlers_["codeSearch/status"] = [this](const Json&, std::shared_ptr<ReplyOnce> reply) {
    runOnPool(std::move(reply), [this](const std::atomic<bool>&) -> Result<Json> { return status(); });
  };
  notification_handlers_["initialized"] = [this](const Json&) { initialized(); };
  notification_handlers_["textDocument/didOpen"] = [this](const Json& p) { didOpen(p); };
  notification_handlers_["textDocument/didChange"] = [this](const Json& p) { didChange(p); };
  notification_handlers_["textDocument/didSave"] = [this](const Json& p) { didSave(p); };
  notification_handlers_["textDocument/didClose"] = [this](const Json& p) { didClose(p); };
  notification_handlers_["workspace/didChangeWatchedFiles"] = [this](const Json& p) { didChangeWatchedFiles(p); };
  notification_handlers_["workspace/didChangeWorkspaceFolders"] = [this](const Json& p) {
    didChangeWorkspaceFolders(p);
  };
  notification_handlers_["$/cancelRequest"] = [this](const Json& p) {
    if (!p.is_object() || !p.contains("id")) return;
    std::lock_guard lock(inflight_mutex_);
    if (auto it = inflight_.find(p["id"].dump()); it != inflight_.end()) it->second->store(true);
  };
  notification_handlers_["exit"] = [this](const Json&) { endSession(); };
}

void LspServer::onMessage(std::string body) {
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

void LspServer::onRequest(protocol::Message message) {
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard lock(inflight_mutex_);
    inflight_[message.id.dump()] = cancelled;
  }
  auto reply = std::make_shared<ReplyOnce>(*this, message.id, cancelled);
  if (state_ == State::kUninitialized && message.method != "initialize") {
    reply->error(protocol::kServerNotInitialized, "server not initialized: send 'initialize' first");
    return;
  }
  if (state_ == State::kShutdown) {
    reply->error(protocol::kInvalidRequest, "server is shutting down");
    return;
  }
  auto handler = request_handlers_.find(message.method);
  if (handler == request_handlers_.end()) {
    reply->error(protocol::kMethodNotFound, "unknown method: " + message.method);
    return;
  }
  // Deferred to the loop's next turn: every message already read (a
  // $/cancelRequest sent right behind this request, say) is handled first.
  asio::post(io_, [handler = handler->second, params = std::move(message.params), reply]() mutable {
    if (reply->cancelled()) {
      reply->error(protocol::kRequestCancelled, "request cancelled");
      return;
    }
    try {
      handler(params, reply);
    } catch (const Json::exception& e) {
      reply->error(protocol::kInvalidParams, std::string("invalid params: ") + e.what());
    } catch (const std::exception& e) {  // bad_alloc, a library's own exception: an error, not std::terminate
      reply->error(protocol::kInternalError, std::string("internal error: ") + e.what());
    }
  });
}

void LspServer::onNotification(const protocol::Message& message) {
  if (state_ == State::kUninitialized && message.method != "exit") return;  // LSP: drop before initialize
  auto handler = notification_handlers_.find(message.method);
  if (handler == notification_handlers_.end()) return;  // unknown notifications are ignored
  try {
    handler->second(message.params);
  } catch (const std::exception& e) {
    sendNotification("window/logMessage",
                     Json{{"type", 1}, {"message", "codesearch: bad " + message.method + ": " + e.what()}});
  }
}

void LspServer::onResponse(const protocol::Message& message) {
  auto it = outgoing_.find(message.id.dump());
  if (it == outgoing_.end()) return;
  auto callback = std::move(it->second);
  outgoing_.erase(it);
  if (callback) callback(message);
}

void LspServer::runOnPool(std::shared_ptr<ReplyOnce> reply,
                          std::function<Result<Json>(const std::atomic<bool>&)> work) {
  asio::post(pool_, [reply = std::move(reply), work = std::move(work)] {
    if (reply->cancelled()) {
      reply->error(protocol::kRequestCancelled, "request cancelled");
      return;
    }
    try {
      auto result = work(reply->cancelFlag());
      if (result.ok()) {
        reply->result(result.value());
      } else {
        int code = result.error().code != 0 ? result.error().code : protocol::kRequestFailed;
        reply->error(code, result.error().message);
      }
    } catch (const Json::exception& e) {
      reply->error(protocol::kInvalidParams, std::string("invalid params: ") + e.what());
    } catch (const std::exception& e) {
      reply->error(protocol::kInternalError, e.what());
    }
  });
}

void LspServer::sendNotification(const std::string& method, const Json& params) {
  transport_.send(protocol::serializeNotification(method, params));
}

void LspServer::sendRequest(const std::string& method, const Json& params,
                            std::function<void(const protocol::Message&)> on_response) {
  std::string id = "codesearch-" + std::to_string(next_outgoing_id_++);
  outgoing_[Json(id).dump()] = std::move(on_response);
  transport_.send(protocol::serializeRequest(id, method, params));
}

// ---- lifecycle -------------------------------------------------------------

void LspServer::initialize(const Json& params, std::shared_ptr<ReplyOnce> reply) {
  if (state_ != State::kUninitialized) {
    reply->error(protocol::kInvalidRequest, "initialize was already called");
    return;
  }
  const Json capabilities = params.value("capabilities", Json::object());
  if (auto encodings = capabilities.value("/general/positionEncodings"_json_pointer, Json::array());
      encodings.is_array()) {
    for (const auto& e : encodings) {
      if (e == "utf-8") encoding_ = PositionEncoding::kUtf8;
    }
  }
  documents_.setEncoding(encoding_);
  client_supports_progress_ = capabilities.value("/window/workDoneProgress"_json_pointer, false);
  client_supports_watcher_registration_ =
      capabilities.value("/workspace/didChangeWatchedFiles/dynamicRegistration"_json_pointer, false);

  SearchServiceOptions service_options = options_.service;
  if (service_options.roots.empty()) {
    if (auto folders = params.find("workspaceFolders"); folders != params.end() && folders->is_array()) {
      for (const auto& folder : *folders) {
        if (auto path = protocol::uriToPath(folder.value("uri", ""))) service_options.roots.push_back(*path);
      }
    }
    if (service_options.roots.empty()) {
      if (auto uri = params.find("rootUri"); uri != params.end() && uri->is_string()) {
        if (auto path = protocol::uriToPath(uri->get<std::string>())) service_options.roots.push_back(*path);
      } else if (auto root = params.find("rootPath"); root != params.end() && root->is_string()) {
        service_options.roots.push_back(root->get<std::string>());
      }
    }
  }
  auto service = host_->acquire(service_options);  // exceptions from the engine become errors
  if (!service.ok()) {
    reply->error(protocol::kRequestFailed, service.error().message);
    return;
  }
  service_ = service.value();
  // Runs on indexing threads, possibly after this session ended: it touches
  // nothing of `this` until the loop has checked that the session still exists.
  progress_listener_ = host_->addProgressListener(
      [this, io = &io_, alive = std::weak_ptr<int>(alive_)](const IndexProgress& progress) {
        asio::post(*io, [this, alive, progress] {
          if (alive.lock()) reportProgress(progress);
        });
      });
  state_ = State::kInitialized;

  Json result = {
      {"capabilities",
       {{"positionEncoding", encoding_ == PositionEncoding::kUtf8 ? "utf-8" : "utf-16"},
        {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
        {"workspace", {{"workspaceFolders", {{"supported", true}, {"changeNotifications", true}}}}},
        {"experimental", {{"codeSearch", {{"version", 1}, {"query", true}, {"similar", true}, {"status", true}}}}}}},
      {"serverInfo", {{"name", "codesearch"}, {"version", CODESEARCH_VERSION}}}};
  reply->result(result);
}

// Who watches the disk: a stdio client that can register file watchers
// reports changes itself (workspace/didChangeWatchedFiles); otherwise, or when
// it refuses the registration, the daemon watches the roots with inotify. A
// shared engine (TCP) always watches itself: its sessions come and go, and
// their folders need not be its roots.
void LspServer::initialized() {
  if (client_supports_watcher_registration_ && !options_.shared_service) {
    service_->setWatchState(WatchState{WatchMode::kClient, ""});
    Json registration = {
        {"registrations",
         {{{"id", "codesearch-watch"},
           {"method", "workspace/didChangeWatchedFiles"},
           {"registerOptions", {{"watchers", {{{"globPattern", "**/*"}}}}}}}}}};
    sendRequest("client/registerCapability", registration, [this](const protocol::Message& response) {
      if (response.error) host_->watchDisk(io_);
    });
  } else {
    host_->watchDisk(io_);
  }
  auto status = service_->status();
  if (!status.model) {
    sendNotification("window/showMessage",
                     Json{{"type", 2},
                          {"message", "codesearch: no model loaded (" + status.model_error +
                                          "); serving lexical results only"}});
  }
  host_->startScanOnce();
}

// ---- documents -------------------------------------------------------------

std::optional<std::string> LspServer::workspacePath(const std::string& uri) const {
  auto path = protocol::uriToPath(uri);
  if (!path || !service_) return std::nullopt;
  return service_->workspacePath(*path);
}

void LspServer::didOpen(const Json& params) {
  const Json& doc = params.at("textDocument");
  auto path = workspacePath(doc.at("uri").get<std::string>());
  if (!path) return;
  std::string text = doc.at("text").get<std::string>();
  documents_.open(*path, text, doc.value("version", 0));
  service_->openDocument(*path, std::move(text));
}

void LspServer::didChange(const Json& params) {
  const Json& doc = params.at("textDocument");
  auto path = workspacePath(doc.at("uri").get<std::string>());
  if (!path) return;
  auto changes = params.at("contentChanges").get<std::vector<protocol::TextDocumentContentChangeEvent>>();
  auto change = documents_.change(*path, doc.value("version", 0), changes);
  if (!change.ok()) {
    sendNotification("window/logMessage", Json{{"type", 2}, {"message", "codesearch: " + change.error().message}});
    return;
  }
  service_->changeDocument(*path, std::move(change->text), std::move(change->edits));
}

void LspServer::didSave(const Json& params) {
  auto path = workspacePath(params.at("textDocument").at("uri").get<std::string>());
  if (!path) return;
  if (auto text = params.find("text"); text != params.end() && text->is_string()) {
    service_->changeDocument(*path, text->get<std::string>());
  }
}

void LspServer::didClose(const Json& params) {
  auto path = workspacePath(params.at("textDocument").at("uri").get<std::string>());
  if (!path) return;
  documents_.close(*path);
  service_->closeDocument(*path);  // the file on disk is the truth again
}

void LspServer::didChangeWorkspaceFolders(const Json& params) {
  if (!service_ || !options_.service.roots.empty()) return;  // roots given on the command line stay as they are
  const Json& event = params.at("event");
  auto paths = [&](const char* key) {
    std::vector<std::string> out;
    if (auto list = event.find(key); list != event.end() && list->is_array()) {
      for (const auto& folder : *list) {
        if (!folder.is_object()) continue;
        if (auto path = protocol::uriToPath(folder.value("uri", ""))) out.push_back(*path);
      }
    }
    return out;
  };
  service_->changeRoots(paths("added"), paths("removed"));
}

void LspServer::didChangeWatchedFiles(const Json& params) {
  for (const auto& event : params.at("changes").get<std::vector<protocol::FileEvent>>()) {
    if (event.type == protocol::FileEvent::kDeleted) {
      if (auto path = protocol::uriToPath(event.uri)) service_->fileDeleted(*path);  // applies the path rule
      continue;
    }
    auto path = workspacePath(event.uri);
    if (!path) continue;
    if (!documents_.get(*path)) {  // an open buffer wins over the disk
      service_->fileChanged(*path);
    }
  }
}

// ---- codeSearch/* ----------------------------------------------------------

namespace {

// Request bounds: what one request may cost.
constexpr size_t kMaxQueryBytes = 4096;
constexpr size_t kMaxGlobs = 64;
constexpr size_t kMaxGlobBytes = 256;
constexpr int kMaxLimit = 1000;

Status checkLimit(int limit) {
  if (limit < 1 || limit > kMaxLimit)
    return makeError("limit must be an integer from 1 to " + std::to_string(kMaxLimit) + " (got " +
                     std::to_string(limit) + ")", protocol::kInvalidParams);
  return Status::success();
}

Status checkFilters(const protocol::SearchFiltersParams& p) {
  for (const auto* globs : {&p.paths, &p.excludePaths}) {
    if (globs->size() > kMaxGlobs)
      return makeError("at most " + std::to_string(kMaxGlobs) + " path globs per request", protocol::kInvalidParams);
    for (const auto& glob : *globs) {
      if (glob.size() > kMaxGlobBytes)
        return makeError("a path glob may be at most " + std::to_string(kMaxGlobBytes) + " bytes long",
                         protocol::kInvalidParams);
    }
  }
  return Status::success();
}

Status checkQuery(const std::string& query) {
  if (query.size() > kMaxQueryBytes)
    return makeError("query is longer than " + std::to_string(kMaxQueryBytes) + " bytes (" +
                     std::to_string(query.size()) + ")", protocol::kInvalidParams);
  if (query.find_first_not_of(" \t\r\n") == std::string::npos)
    return makeError("empty query", protocol::kInvalidParams);
  return Status::success();
}

SearchFilters toFilters(const protocol::SearchFiltersParams& p) {
  SearchFilters f;
  f.languages = p.languages;
  f.path_globs = p.paths;
  f.exclude_path_globs = p.excludePaths;
  f.kinds = p.kinds;
  f.exclude_tests = p.excludeTests;
  return f;
}

}  // namespace

Result<Json> LspServer::query(const Json& params, const std::atomic<bool>& cancelled) const {
  auto p = params.get<protocol::QueryParams>();
  for (const Status& check : {checkQuery(p.query), checkLimit(p.limit), checkFilters(p.filters)}) {
    if (!check.ok()) return check.error();
  }
  auto mode = parseSearchMode(p.mode);
  if (!mode) return makeError("unknown mode '" + p.mode + "' (expected hybrid, semantic or lexical)", protocol::kInvalidParams);
  QueryOptions options;
  options.text = p.query;
  options.limit = p.limit;
  options.mode = *mode;
  options.filters = toFilters(p.filters);
  options.cancelled = &cancelled;
  auto answer = service_->query(options);
  if (!answer.ok()) return answer.error();
  return toSearchResponse(answer.value(), service_->status(), encoding_);
}

namespace {

// Lines of `text` as LSP counts them (a trailing newline opens one more line).
int lineCount(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1; }

Status checkLine(int line, int lines) {
  if (line < 0 || line >= lines)
    return makeError("line " + std::to_string(line) + " is outside the document (0.." + std::to_string(lines - 1) + ")",
                     protocol::kInvalidParams);
  return Status::success();
}

}  // namespace

Result<Json> LspServer::similar(const Json& params, const std::atomic<bool>& cancelled) const {
  auto p = params.get<protocol::SimilarParams>();
  for (const Status& check : {checkLimit(p.limit), checkFilters(p.filters)}) {
    if (!check.ok()) return check.error();
  }
  auto path = workspacePath(p.uri);
  if (!path) return makeError("not a file inside the workspace: " + p.uri, protocol::kInvalidParams);
  if (!p.position && !p.range) return makeError("codeSearch/similar needs a position or a range", protocol::kInvalidParams);
  std::string text;
  if (auto doc = documents_.get(*path)) {
    text = doc->text;
  } else {
    auto read = service_->readWorkspaceFile(*path);
    if (!read.ok()) return makeError(read.error().message, protocol::kInvalidParams);
    text = std::move(read.value());
  }
  const int lines = lineCount(text);
  for (int line : p.range ? std::vector<int>{p.range->start.line, p.range->end.line}
                          : std::vector<int>{p.position->line}) {
    if (auto check = checkLine(line, lines); !check.ok()) return check.error();
  }
  const SearchFilters filters = toFilters(p.filters);
  Result<QueryAnswer> answer = makeError("unreachable");
  if (p.range && (p.range->start.line != p.range->end.line || p.range->start.character != p.range->end.character)) {
    size_t begin = byteOffsetAt(text, p.range->start, encoding_);
    size_t end = byteOffsetAt(text, p.range->end, encoding_);
    if (end < begin) std::swap(begin, end);
    answer = service_->similarToText(*path, text.substr(begin, end - begin), p.range->start.line, p.range->end.line,
                                     p.limit, filters, &cancelled);
  } else {
    int line = p.position ? p.position->line : p.range->start.line;
    answer = service_->similarAt(*path, static_cast<uint32_t>(line), p.limit, filters, &cancelled);
  }
  if (!answer.ok()) return answer.error();
  return toSearchResponse(answer.value(), service_->status(), encoding_);
}

Json LspServer::status() const {
  auto s = service_->status();
  protocol::StatusResult result;
  result.state = s.indexing ? "indexing" : "idle";
  result.loadFilesLoaded = s.load.files_loaded;
  result.loadFilesTotal = s.load.files_total;
  result.loadComplete = s.load.done;
  result.files = s.stats.files;
  result.chunks = s.stats.chunks;
  result.pending = s.pending;
  result.version = CODESEARCH_VERSION;
  result.roots = service_->roots();
  result.skippedFiles = s.skipped_files;
  result.approximateSearch = s.stats.approximate_search;
  result.graphLoaded = s.stats.graph_loaded;
  if (!s.stats.vector_device.empty()) {
    result.vectorDevice = s.stats.vector_device;
    result.vectorDeviceBytes = s.stats.vector_device_bytes;
  }
  result.watcher = protocol::WatcherInfo{watchModeName(s.watch.mode),
                                         s.watch.warning.empty() ? std::nullopt : std::optional(s.watch.warning)};
  if (s.model) {
    result.model = protocol::ModelInfo{s.model->id, s.model->dim, s.model->device};
  } else {
    result.modelError = s.model_error;
  }
  return result;
}

// ---- progress --------------------------------------------------------------

void LspServer::reportProgress(const IndexProgress& progress) {
  if (!client_supports_progress_) return;
  auto percentage = [](const IndexProgress& p) {
    return p.total == 0 ? 0 : static_cast<int>(std::min<size_t>(100, p.done * 100 / p.total));
  };
  auto message = [](const IndexProgress& p) -> std::string {
    return std::to_string(p.done) + "/" + std::to_string(p.total) + " files";
  };
  if (!progress_ || progress_->ended) {
    // Worker threads can deliver a period's last report after its end: only
    // open a new period when there really is work outstanding.
    if (progress.phase == IndexProgress::Phase::kEnd) return;
    if (progress.phase == IndexProgress::Phase::kReport && service_->status().pending == 0) return;
    progress_ = ProgressState{};
    progress_->token = "codesearch/indexing/" + std::to_string(++progress_counter_);
    std::string token = progress_->token;
    sendRequest("window/workDoneProgress/create", Json{{"token", token}}, [this, token, message](const protocol::Message& m) {
      if (!progress_ || progress_->token != token) return;
      if (m.error) {  // client refused the token: report nothing for this period
        progress_->ended = true;
        return;
      }
      progress_->created = true;
      IndexProgress first = progress_->latest.value_or(IndexProgress{});
      sendNotification("$/progress", Json{{"token", token},
                                          {"value", {{"kind", "begin"}, {"title", "Indexing"}, {"cancellable", false},
                                                     {"message", "indexing workspace"}, {"percentage", 0}}}});
      progress_->began = true;
      if (progress_->latest && progress_->latest->phase == IndexProgress::Phase::kEnd) {
        sendNotification("$/progress", Json{{"token", token}, {"value", {{"kind", "end"}, {"message", message(first)}}}});
        progress_->ended = true;
      }
    });
  }
  progress_->latest = progress;
  if (!progress_->began) return;  // begin goes out once the client has accepted the token
  if (progress.phase == IndexProgress::Phase::kEnd) {
    sendNotification("$/progress",
                     Json{{"token", progress_->token}, {"value", {{"kind", "end"}, {"message", message(progress)}}}});
    progress_->ended = true;
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (now - last_report_ < std::chrono::milliseconds(100)) return;
  last_report_ = now;
  sendNotification("$/progress", Json{{"token", progress_->token},
                                      {"value", {{"kind", "report"}, {"message", message(progress)},
                                                 {"percentage", percentage(progress)}}}});
}

}  // namespace cs
