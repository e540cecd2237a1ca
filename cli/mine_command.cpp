// codesearch mine: builds the training corpus from unpacked packages.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "training/corpus_miner.h"

namespace cs {
namespace {

struct MineCliOptions {
  std::string sources = ".cache/corpus-src";
  std::string manifest = "scripts/corpus/manifest.tsv";
  std::string out = "corpus";
  size_t max_per_package = 20000;
  int threads = 2;
  bool no_name_pairs = false;
  bool no_type_pairs = false;
};

int runMine(const MineCliOptions& o) {
  std::ifstream manifest(o.manifest);
  if (!manifest) {
    std::cerr << "codesearch: cannot read manifest " << o.manifest << "\n";
    return 2;
  }
  std::vector<CorpusPackage> packages;
  std::string line;
  size_t missing = 0;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t a = line.find('\t');
    size_t b = line.find('\t', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string name = line.substr(a + 1, b - a - 1);
    std::string dir = o.sources + "/" + name;
    if (!std::filesystem::exists(dir + "/.done")) {
      ++missing;
      continue;
    }
    packages.push_back(CorpusPackage{name, std::filesystem::absolute(dir).string()});
  }
  if (missing) std::cerr << "mine: " << missing << " packages of the manifest are not unpacked (run scripts/corpus/fetch.sh)\n";
  MineOptions options;
  options.output_dir = o.out;
  options.max_per_package = o.max_per_package;
  options.threads = o.threads;
  options.name_pairs = !o.no_name_pairs;
  options.type_pairs = !o.no_type_pairs;
  auto stats = mineCorpus(packages, options);
  if (!stats.ok()) {
    std::cerr << "codesearch: " << stats.error().message << "\n";
    return 1;
  }
  for (const auto& [split, languages] : stats->pairs) {
    size_t total = 0;
    for (const auto& [language, count] : languages) total += count;
    if (split == "train_names") {
      std::cout << split << ": " << total << " name pairs from undocumented training functions (";
    } else if (split == "train_types") {
      std::cout << split << ": " << total << " of the training pairs are documented types (";
    } else {
      std::cout << split << ": " << total << " pairs from " << stats->packages[split] << " packages (";
    }
    bool first = true;
    for (const auto& [language, count] : languages) {
      std::cout << (first ? "" : ", ") << language << " " << count;
      first = false;
    }
    std::cout << ")\n";
  }
  std::cout << "mined " << packages.size() << " packages in " << stats->seconds << " s; stats in " << o.out
            << "/stats.json\n";
  return 0;
}

}  // namespace

void registerMineCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<MineCliOptions>();
  CLI::App* command = app.add_subcommand("mine", "Mine (code, description) training pairs from unpacked packages");
  command->add_option("--sources", o->sources, "Unpacked packages (scripts/corpus/fetch.sh)");
  command->add_option("--manifest", o->manifest, "Package manifest");
  command->add_option("--out", o->out, "Output directory for {train,valid,test}.jsonl");
  command->add_option("--max-per-package", o->max_per_package, "Cap on pairs from one package");
  command->add_option("--threads", o->threads, "Worker threads");
  command->add_flag("--no-type-pairs", o->no_type_pairs,
                    "Skip the training pairs of documented classes, structs, interfaces, traits and enums");
  command->add_flag("--no-name-pairs", o->no_name_pairs, "Skip train_names.jsonl (undocumented functions paired with their names)");
  command->callback([o, &exit_code] { exit_code = runMine(*o); });
}

}  // namespace cs
