// codesearch mcp: a Model Context Protocol server over stdio for AI coding
// agents (newline-delimited JSON-RPC), over the same engine and index cache as
// `codesearch serve`. Runs on the main thread until the client closes stdin.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include "cli/commands.h"
#include "cli/engine_options.h"
#include "server/mcp_server.h"
#include "server/mcp_transport.h"

namespace cs {
namespace {

struct McpOptions {
  EngineCliOptions engine;
  std::vector<std::string> roots;
  std::string log_file;
};

int runMcp(const McpOptions& options) {
  if (!options.log_file.empty() && !std::freopen(options.log_file.c_str(), "a", stderr)) {
    std::cerr << "codesearch: cannot open log file " << options.log_file << "\n";
  }
  std::signal(SIGPIPE, SIG_IGN);  // a client that goes away must not kill us mid-write
  // stdout carries protocol messages only: the transport writes to a private
  // copy of it, and anything else printed to stdout (a library's diagnostics)
  // goes to stderr.
  std::fflush(stdout);
  const int protocol_out = ::dup(STDOUT_FILENO);
  if (protocol_out < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    std::cerr << "codesearch: cannot set up stdout\n";
    return 1;
  }
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();

  asio::io_context io;
  auto transport = makeLineTransport(io, STDIN_FILENO, protocol_out);
  McpServerOptions server_options;
  server_options.service = options.engine.toServiceOptions();
  server_options.service.roots = options.roots;
  server_options.fallback_root = cwd.empty() ? "." : cwd;
  {
    McpServer server(io, *transport, server_options);
    server.start();
    // The stdin reader is a plain thread, not asio work: keep run() alive until end of input.
    auto keep_running = asio::make_work_guard(io);
    io.run();
  }
  transport->close();
  // The reader thread may be blocked in read(); don't wait for it.
  std::_Exit(0);
}

}  // namespace

void registerMcpCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<McpOptions>();
  CLI::App* command = app.add_subcommand("mcp", "Run a Model Context Protocol server over stdio (for coding agents)");
  options->engine.addTo(*command);
  command->add_option("--root", options->roots,
                      "Workspace root(s); default: the client's roots (roots/list), else the working directory");
  command->add_option("--log-file", options->log_file, "Append logs here instead of stderr");
  command->callback([options, &exit_code] { exit_code = runMcp(*options); });
}

}  // namespace cs
