#include "cli/search_cli.h"

#include <chrono>
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>

#include "server/result_items.h"

namespace cs {

using Clock = std::chrono::steady_clock;

void addSearchFlags(CLI::App& command, SearchCliOptions& o) {
  o.engine.addTo(command);
  command.add_flag("--json", o.json, "Print the codeSearch/query JSON result");
  command.add_option("--limit,-n", o.limit, "Number of results")->check(CLI::Range(1, 1000));
  command.add_option("--lang", o.languages, "Only these languages");
  command.add_option("--path", o.paths, "Only paths matching these globs");
  command.add_option("--kind", o.kinds, "Only these kinds (function, method, class, ...)");
  command.add_flag("--exclude-tests", o.exclude_tests, "Leave out test code");
}

Result<std::unique_ptr<SearchService>> openAndIndex(const EngineCliOptions& engine, const std::string& root,
                                                    bool verbose) {
  SearchServiceOptions options = engine.toServiceOptions();
  options.roots = {root};
  auto service = SearchService::create(options);
  if (!service.ok()) return service.error();
  auto start = Clock::now();
  service.value()->startWorkspaceScan();
  service.value()->waitUntilIdle();
  if (verbose) {
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    auto status = service.value()->status();
    std::cerr << "indexed " << status.stats.files << " files, " << status.stats.chunks << " chunks in "
              << std::fixed << std::setprecision(2) << seconds << " s";
    if (status.skipped_files) std::cerr << " (" << status.skipped_files << " files skipped)";
    std::cerr << (status.model ? "; model " + status.model->id : "; no model: " + status.model_error) << "\n";
  }
  return service;
}

int reportAnswer(const Result<QueryAnswer>& answer, const SearchService& service, bool json) {
  if (!answer.ok()) {
    std::cerr << "codesearch: " << answer.error().message << "\n";
    return 1;
  }
  printHits(answer.value(), service.status(), json);
  return 0;
}

void printHits(const QueryAnswer& answer, const ServiceStatus& status, bool json) {
  if (json) {
    nlohmann::json out = toSearchResponse(answer, status, PositionEncoding::kUtf16);
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  if (answer.warning) std::cerr << "warning: " << *answer.warning << "\n";
  if (answer.hits.empty()) std::cout << "no results\n";
  int rank = 1;
  for (const auto& hit : answer.hits) {
    const Chunk& c = hit.chunk;
    std::cout << std::setw(2) << rank++ << ". " << c.path << ":" << c.start.line + 1 << "  " << c.kind << " "
              << (c.qualified_name.empty() ? c.name : c.qualified_name) << "  [" << std::fixed
              << std::setprecision(3) << hit.score;
    if (hit.dense) std::cout << " dense=" << *hit.dense;
    if (hit.lexical) std::cout << " lexical=" << *hit.lexical;
    std::cout << "]\n      " << previewOf(c) << "\n";
  }
}

}  // namespace cs
