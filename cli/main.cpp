// codesearch: semantic code search daemon and command line.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"codesearch: offline semantic code search (LSP daemon and CLI)"};
  app.set_version_flag("--version", std::string("codesearch ") + CODESEARCH_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  cs::registerServeCommand(app, exit_code);
  cs::registerMcpCommand(app, exit_code);
  cs::registerIndexCommand(app, exit_code);
  cs::registerQueryCommand(app, exit_code);
  cs::registerSimilarCommand(app, exit_code);
  cs::registerMineCommand(app, exit_code);
  cs::registerTrainCommand(app, exit_code);
  cs::registerEvalCommand(app, exit_code);
  cs::registerExtractionReportCommand(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
