// The codesearch command line: each subcommand lives in its own file
// (cli/<name>_command.cpp) and registers itself on the CLI11 app.
// A subcommand's callback stores its process exit status in `exit_code`.
// Called once from main(), on the main thread.
#pragma once

namespace CLI {
class App;
}

namespace cs {

void registerServeCommand(CLI::App& app, int& exit_code);    // codesearch serve (LSP daemon)
void registerMcpCommand(CLI::App& app, int& exit_code);      // codesearch mcp (MCP server for coding agents)
void registerIndexCommand(CLI::App& app, int& exit_code);    // codesearch index DIR
void registerQueryCommand(CLI::App& app, int& exit_code);    // codesearch query DIR "text"
void registerSimilarCommand(CLI::App& app, int& exit_code);  // codesearch similar FILE:LINE
void registerMineCommand(CLI::App& app, int& exit_code);     // codesearch mine (training corpus)
void registerTrainCommand(CLI::App& app, int& exit_code);    // codesearch train
void registerEvalCommand(CLI::App& app, int& exit_code);     // codesearch eval
void registerExtractionReportCommand(CLI::App& app, int& exit_code);  // codesearch extraction-report DIR...

}  // namespace cs
