// codesearch extraction-report DIR...: how the extractor covers real trees (training/extraction_report.h).
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "training/extraction_report.h"

namespace cs {

void registerExtractionReportCommand(CLI::App& app, int& exit_code) {
  auto roots = std::make_shared<std::vector<std::string>>();
  CLI::App* command = app.add_subcommand(
      "extraction-report", "Per-language extraction report: coverage, largest chunks, suspicious names, overlaps");
  command->add_option("dirs", *roots, "Directories to walk")->required()->check(CLI::ExistingDirectory);
  command->callback([roots, &exit_code] {
    auto report = reportExtraction(*roots);
    if (!report.ok()) {
      std::cerr << "codesearch: " << report.error().message << "\n";
      exit_code = 1;
      return;
    }
    std::cout << report.value().toMarkdown();
    exit_code = 0;
  });
}

}  // namespace cs
