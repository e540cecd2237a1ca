// codesearch similar FILE:LINE: code similar to the function at a location.
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/search_cli.h"

namespace cs {
namespace {

namespace fs = std::filesystem;

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
  return reportAnswer(answer, *service.value(), o.json);
}

}  // namespace

void registerSimilarCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SearchCliOptions>();
  CLI::App* command = app.add_subcommand("similar", "Find code similar to the function at FILE:LINE");
  command->add_option("location", o->location, "FILE:LINE (1-based line)")->required();
  command->add_option("--root", o->root, "Workspace root (default: the enclosing git repository)");
  addSearchFlags(*command, *o);
  command->callback([o, &exit_code] { exit_code = runSimilar(*o); });
}

}  // namespace cs
