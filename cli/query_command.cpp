// codesearch query DIR "text": searches a directory by description, in-process.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/search_cli.h"
#include "server/result_items.h"

namespace cs {
namespace {

int runQuery(const SearchCliOptions& o) {
  auto mode = parseSearchMode(o.mode);
  if (!mode) {
    std::cerr << "codesearch: unknown mode " << o.mode << "\n";
    return 2;
  }
  auto service = openAndIndex(o.engine, o.dir, !o.json);
  if (!service.ok()) {
    std::cerr << "codesearch: " << service.error().message << "\n";
    return 1;
  }
  QueryOptions query{o.text, o.limit, *mode, o.filters()};
  return reportAnswer(service.value()->query(query), *service.value(), o.json);
}

}  // namespace

void registerQueryCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SearchCliOptions>();
  CLI::App* command = app.add_subcommand("query", "Search a directory by description");
  command->add_option("dir", o->dir, "Workspace directory")->required()->check(CLI::ExistingDirectory);
  command->add_option("text", o->text, "What you are looking for")->required();
  command->add_option("--mode", o->mode, "hybrid, semantic or lexical");
  addSearchFlags(*command, *o);
  command->callback([o, &exit_code] { exit_code = runQuery(*o); });
}

}  // namespace cs
