// CorpusMiner: mines (code, description) training pairs from unpacked source
// packages with the daemon's own extractor and embedding text, cleaned as in
// CodeSearchNet, deduplicated, and split into train/valid/test by package.
//
// Thread-safety: one mine() call at a time per miner; it uses `threads`
// workers internally, each with its own Extractor.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/result.h"

namespace cs {

struct CorpusPackage {
  std::string name;
  std::string directory;  // unpacked package root
};

struct MineOptions {
  std::string output_dir;          // writes train.jsonl, valid.jsonl, test.jsonl, stats.json
  size_t max_per_package = 20000;  // keeps one huge package from dominating
  int threads = 2;
  size_t max_code_bytes = 4096;
  // Also write train_names.jsonl: undocumented training-split functions paired
  // with their own name's words ("parse url"), the name masked in the code.
  bool name_pairs = true;
  // Also pair documented classes, structs, interfaces, traits and enums with
  // their doc, in the training split only ("kind" in the JSONL line); held-out
  // splits stay functions only, as in CodeSearchNet.
  bool type_pairs = true;
  // Packages forced into the test split (the codebases of the natural-language eval set).
  std::vector<std::string> test_packages = {"libpython3.11-stdlib"};
};

struct MinedPair {
  std::string language, package, path, name, qualified_name, code, doc;
  std::string type_kind;  // "class", "struct", ... for a type's doc pair; empty for a function's
};

struct MineStats {
  std::map<std::string, std::map<std::string, size_t>> pairs;  // split -> language -> count ("train_names" too)
  std::map<std::string, size_t> packages;                      // split -> packages
  std::map<std::string, size_t> dropped;                       // reason -> count
  double seconds = 0;
};

// "train", "valid" or "test" for a package (stable hash, ~80/10/10).
std::string splitForPackage(const std::string& package, const MineOptions& options);

// Whether a chunk makes a training pair: returns the description, or "" with `reason` set.
// `language` selects that language's doc conventions (docSummary).
std::string trainingDescription(const std::string& doc, const std::string& name, const std::string& code,
                                const std::string& path, size_t max_code_bytes, std::string& reason,
                                const std::string& language = "");

// The code side of a name pair: the leading name line dropped and every whole-word
// occurrence of `name` replaced by "_", so the name cannot simply be copied.
std::string maskName(const std::string& code, const std::string& name);

Result<MineStats> mineCorpus(const std::vector<CorpusPackage>& packages, const MineOptions& options);

}  // namespace cs
