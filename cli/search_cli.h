// What the in-process search subcommands (index, query, similar) share: their
// flags, opening and indexing a workspace, and printing hits as text or as the
// codeSearch/query JSON. Main thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/engine_options.h"
#include "server/search_service.h"
#include "support/result.h"

namespace CLI {
class App;
}

namespace cs {

struct SearchCliOptions {
  EngineCliOptions engine;
  std::string dir;
  std::string text;
  std::string location;  // FILE:LINE for similar
  std::string root;
  bool json = false;
  int limit = 10;
  std::string mode = "hybrid";
  std::vector<std::string> languages, paths, kinds;
  bool exclude_tests = false;
  bool watch = false;  // index: keep the index current until a signal

  SearchFilters filters() const { return SearchFilters{languages, paths, kinds, exclude_tests}; }
};

// --json, --limit and the filter flags, plus the engine's flags.
void addSearchFlags(CLI::App& command, SearchCliOptions& o);

// Creates the engine over `root`, scans it and waits until it is indexed;
// `verbose` prints the counts and the time to stderr.
Result<std::unique_ptr<SearchService>> openAndIndex(const EngineCliOptions& engine, const std::string& root,
                                                    bool verbose);

// Hits as numbered lines with previews, or (json) the codeSearch/query result.
void printHits(const QueryAnswer& answer, const ServiceStatus& status, bool json);

// The exit status of a search subcommand: prints the hits (printHits) and
// returns 0, or prints the error to stderr and returns 1.
int reportAnswer(const Result<QueryAnswer>& answer, const SearchService& service, bool json);

}  // namespace cs
