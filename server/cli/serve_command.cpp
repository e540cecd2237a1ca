// codesearch serve: the LSP daemon over stdio (default) or a loopback TCP port.
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include "server/cli/commands.h"
#include "server/cli/engine_options.h"
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

int runServe(const ServeOptions& options) {
  if (!options.log_file.empty()) {
    if (!std::freopen(options.log_file.c_str(), "a", stderr)) {
      std::cerr << "codesearch: cannot open log file " << options.log_file << "\n";
    }
  }
  std::signal(SIGPIPE, SIG_IGN);  // a client that goes away must not kill us mid-write
  asio::io_context io;
  std::unique_ptr<Transport> transport;
  if (options.listen.empty()) {
    transport = makeStdioTransport(io);
  } else {
    auto address = parseListenAddress(options.listen);
    if (!address) {
      std::cerr << "codesearch: --listen expects HOST:PORT with a port from 1 to 65535, got '" << options.listen
                << "'\n";
      return 2;
    }
    auto tcp = makeTcpTransport(io, address->first, address->second);
    if (!tcp.ok()) {
      std::cerr << "codesearch: " << tcp.error().message << "\n";
      return 2;
    }
    transport = std::move(tcp.value());
    std::cerr << "codesearch: listening on " << options.listen << "\n";
  }
  SearchServiceOptions service = options.engine.toServiceOptions();
  LspServerOptions server_options;
  server_options.model_path = service.model_path;
  server_options.encoder = service.encoder;
  server_options.cache_dir = service.cache_dir;
  server_options.index_threads = service.index_threads;
  server_options.max_file_bytes = service.max_file_bytes;
  server_options.roots = options.roots;
  int exit_code = 1;
  {
    LspServer server(io, *transport, server_options);
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

}  // namespace

void registerServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand("serve", "Run the LSP daemon (stdio by default)");
  options->engine.addTo(*command);
  command->add_option("--listen", options->listen, "Listen on HOST:PORT (loopback only) instead of stdio");
  // vscode-languageclient appends --stdio for stdio transports; stdio is the default anyway.
  command->add_flag("--stdio")->description("Speak LSP over stdin/stdout (the default)");
  command->add_option("--root", options->roots, "Workspace root(s); default: the client's workspace folders");
  command->add_option("--log-file", options->log_file, "Append logs here instead of stderr");
  command->callback([options, &exit_code] { exit_code = runServe(*options); });
}

}  // namespace cs
