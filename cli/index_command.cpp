// codesearch index / query / similar: the engine in-process, for shell users and scripts.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/engine_options.h"
#include "server/result_items.h"

namespace cs {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

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

  SearchFilters filters() const { return SearchFilters{languages, paths, kinds, exclude_tests}; }
};

void addSearchFlags(CLI::App& command, SearchCliOptions& o) {
  o.engine.addTo(command);
  command.add_flag("--json", o.json, "Print the codeSearch/query JSON result");
  command.add_option("--limit,-n", o.limit, "Number of results")->check(CLI::Range(1, 1000));
  command.add_option("--lang", o.languages, "Only these languages");
  command.add_option("--path", o.paths, "Only paths matching these globs");
  command.add_option("--kind", o.kinds, "Only these kinds (function, method, class, ...)");
  command.add_flag("--exclude-tests", o.exclude_tests, "Leave out test code");
}

int runIndex(const SearchCliOptions& o) {
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
  auto answer = service.value()->query(query);
  if (!answer.ok()) {
    std::cerr << "codesearch: " << answer.error().message << "\n";
    return 1;
  }
  printHits(answer.value(), service.value()->status(), o.json);
  return 0;
}

// The nearest ancestor holding .git, else the file's directory.
std::string guessRoot(const fs::path& file) {
  for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    std::error_code ec;
    if (fs::exists(dir / ".git", ec)) return dir.string();
    if (dir == dir.root_path()) break;
  }
  return file.parent_path().string();
}

int runSimilar(const SearchCliOptions& o) {
  size_t colon = o.location.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "codesearch: expected FILE:LINE\n";
    return 2;
  }
  std::error_code ec;
  fs::path file = fs::weakly_canonical(fs::absolute(o.location.substr(0, colon)), ec);
  int line = 0;
  try {
    line = std::stoi(o.location.substr(colon + 1));
  } catch (const std::exception&) {
    std::cerr << "codesearch: bad line number in " << o.location << "\n";
    return 2;
  }
  if (!fs::is_regular_file(file, ec) || line < 1) {
    std::cerr << "codesearch: no such file or line: " << o.location << "\n";
    return 2;
  }
  auto service = openAndIndex(o.engine, o.root.empty() ? guessRoot(file) : o.root, !o.json);
  if (!service.ok()) {
    std::cerr << "codesearch: " << service.error().message << "\n";
    return 1;
  }
  auto answer = service.value()->similarAt(file.string(), static_cast<uint32_t>(line - 1), o.limit, o.filters());
  if (!answer.ok()) {
    std::cerr << "codesearch: " << answer.error().message << "\n";
    return 1;
  }
  printHits(answer.value(), service.value()->status(), o.json);
  return 0;
}

}  // namespace

void registerIndexCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SearchCliOptions>();
  CLI::App* command = app.add_subcommand("index", "Index a directory (incrementally) and print statistics");
  command->add_option("dir", o->dir, "Workspace directory")->required()->check(CLI::ExistingDirectory);
  o->engine.addTo(*command);
  command->add_flag("--json", o->json, "Print statistics as JSON");
  command->callback([o, &exit_code] { exit_code = runIndex(*o); });
}

void registerQueryCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SearchCliOptions>();
  CLI::App* command = app.add_subcommand("query", "Search a directory by description");
  command->add_option("dir", o->dir, "Workspace directory")->required()->check(CLI::ExistingDirectory);
  command->add_option("text", o->text, "What you are looking for")->required();
  command->add_option("--mode", o->mode, "hybrid, semantic or lexical");
  addSearchFlags(*command, *o);
  command->callback([o, &exit_code] { exit_code = runQuery(*o); });
}

void registerSimilarCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SearchCliOptions>();
  CLI::App* command = app.add_subcommand("similar", "Find code similar to the function at FILE:LINE");
  command->add_option("location", o->location, "FILE:LINE (1-based line)")->required();
  command->add_option("--root", o->root, "Workspace root (default: the enclosing git repository)");
  addSearchFlags(*command, *o);
  command->callback([o, &exit_code] { exit_code = runSimilar(*o); });
}

}  // namespace cs
