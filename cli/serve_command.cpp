// codesearch serve: the LSP daemon over stdio (default) or a loopback TCP port.
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

#include <CLI/CLI.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>

#include "cli/commands.h"
#include "cli/engine_options.h"
#include "server/lsp_server.h"

namespace cs {
namespace {

struct ServeOptions {
  EngineCliOptions engine;
  std::string listen;  // HOST:PORT
  std::vector<std::string> roots;
  std::string log_file;
};

// "HOST:PORT" with PORT all digits in 1..65535; nullopt for anything else
// (no exceptions, no wrap-around: ":70000" is an error, not port 4464).
std::optional<std::pair<std::string, int>> parseListenAddress(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string_view digits(listen);
  digits.remove_prefix(colon + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port < 1 || port > 65535)
    return std::nullopt;
  return std::make_pair(listen.substr(0, colon), port);
}

LspServerOptions serverOptions(const ServeOptions& options) {
  SearchServiceOptions service = options.engine.toServiceOptions();
  LspServerOptions server_options;
  server_options.service = service;
  server_options.service.roots = options.roots;
  return server_options;
}

// stdio: one session; the daemon exits with it (0 after shutdown, 1 otherwise).
int runStdio(const ServeOptions& options) {
  asio::io_context io;
  std::unique_ptr<Transport> transport = makeStdioTransport(io);
  int exit_code = 1;
  {
    LspServer server(io, *transport, serverOptions(options));
    server.start();
    // The stdio reader is a plain thread, not asio work: keep run() alive until exit.
    auto keep_running = asio::make_work_guard(io);
    io.run();
    exit_code = server.exitCode();
  }
  transport->close();
  std::fflush(stdout);
  // The stdio reader thread may be blocked in read(); don't wait for it.
  std::_Exit(exit_code);
}

// TCP: any number of clients, each its own LSP session (lifecycle, open
// documents, position encoding) over one shared engine. `shutdown` + `exit`
// (or a disconnect) ends that client's session only; the daemon runs until
// SIGTERM or SIGINT and then exits 0.
int runTcp(const ServeOptions& options, const std::string& host, int port) {
  asio::io_context io;
  auto listener = makeTcpListener(io, host, port);
  if (!listener.ok()) {
    std::cerr << "codesearch: " << listener.error().message << "\n";
    return 2;
  }
  std::cerr << "codesearch: listening on " << options.listen << "\n";
  LspServerOptions server_options = serverOptions(options);
  server_options.shared_service = std::make_shared<SharedSearchService>();

  struct Session {
    std::unique_ptr<Transport> transport;
    std::unique_ptr<LspServer> server;
  };
  std::map<Session*, std::unique_ptr<Session>> sessions;
  (*listener)->start([&](std::unique_ptr<Transport> transport) {
    auto session = std::make_unique<Session>();
    Session* raw = session.get();
    session->transport = std::move(transport);
    session->server = std::make_unique<LspServer>(io, *session->transport, server_options);
    session->server->setSessionEndHandler([&io, &sessions, raw](int) {
      raw->transport->close();  // no callback of this session runs after this
      // Destroyed on a later turn of the loop, after every handler this
      // session has already posted (deferred requests) has run.
      asio::post(io, [&sessions, raw] { sessions.erase(raw); });
    });
    sessions[raw] = std::move(session);
    raw->server->start();
  });

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& ec, int) {
    if (ec) return;
    (*listener)->close();
    io.stop();
  });
  io.run();
  for (auto& [raw, session] : sessions) session->transport->close();
  sessions.clear();  // each session joins its request pool; the last one stops the engine
  server_options.shared_service.reset();
  std::fflush(stdout);
  return 0;
}

int runServe(const ServeOptions& options) {
  if (!options.log_file.empty()) {
    if (!std::freopen(options.log_file.c_str(), "a", stderr)) {
      std::cerr << "codesearch: cannot open log file " << options.log_file << "\n";
    }
  }
  std::signal(SIGPIPE, SIG_IGN);  // a client that goes away must not kill us mid-write
  if (options.listen.empty()) return runStdio(options);
  auto address = parseListenAddress(options.listen);
  if (!address) {
    std::cerr << "codesearch: --listen expects HOST:PORT with a port from 1 to 65535, got '" << options.listen
              << "'\n";
    return 2;
  }
  return runTcp(options, address->first, address->second);
}

}  // namespace

void registerServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand("serve", "Run the LSP daemon (stdio by default)");
  options->engine.addTo(*command);
  command->add_option("--listen", options->listen,
                      "Listen on HOST:PORT (loopback only) instead of stdio; serves any number of clients until SIGTERM/SIGINT");
  // vscode-languageclient appends --stdio for stdio transports; stdio is the default anyway.
  command->add_flag("--stdio")->description("Speak LSP over stdin/stdout (the default)");
  command->add_option("--root", options->roots, "Workspace root(s); default: the client's workspace folders");
  command->add_option("--log-file", options->log_file, "Append logs here instead of stderr");
  command->callback([options, &exit_code] { exit_code = runServe(*options); });
}

}  // namespace cs
