// codesearch index DIR: indexes a directory (incrementally, into the persistent
// cache) and prints its statistics.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/index_watch.h"
#include "cli/search_cli.h"

namespace cs {
namespace {

int runIndex(const SearchCliOptions& o) {
  if (o.watch) return runIndexWatch(o.engine, o.dir, o.json);
  auto service = openAndIndex(o.engine, o.dir, /*verbose=*/true);
  if (!service.ok()) {
    std::cerr << "codesearch: " << service.error().message << "\n";
    return 1;
  }
  auto status = service.value()->status();
  if (o.json) {
    std::cout << nlohmann::json{{"files", status.stats.files},
                                {"chunks", status.stats.chunks},
                                {"skippedFiles", status.skipped_files},
                                {"model", status.model ? status.model->id : ""}}
                     .dump()
              << "\n";
  }
  return 0;
}

}  // namespace

void registerIndexCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SearchCliOptions>();
  CLI::App* command = app.add_subcommand("index", "Index a directory (incrementally) and print statistics");
  command->add_option("dir", o->dir, "Workspace directory")->required()->check(CLI::ExistingDirectory);
  o->engine.addTo(*command);
  command->add_flag("--json", o->json, "Print statistics as JSON");
  command->add_flag("--watch", o->watch,
                    "Then keep the index current with changes on disk until SIGINT/SIGTERM (inotify)");
  command->callback([o, &exit_code] { exit_code = runIndex(*o); });
}

}  // namespace cs
