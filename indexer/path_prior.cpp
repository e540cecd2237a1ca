#include "indexer/path_prior.h"

#include <algorithm>

#include "indexer/path_filter.h"
#include "model/identifier_split.h"

namespace cs {
namespace {

bool hasDirectory(std::string_view path, std::initializer_list<std::string_view> names) {
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) return false;  // the last component is the file
    std::string_view component = path.substr(start, slash - start);
    for (std::string_view name : names) {
      if (component == name) return true;
    }
    start = slash + 1;
  }
}

std::string_view fileName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view stemOf(std::string_view name) { return name.substr(0, name.find('.')); }

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool mentions(const std::vector<std::string>& words, std::initializer_list<std::string_view> any) {
  for (const auto& w : words) {
    for (std::string_view a : any) {
      if (w.compare(0, a.size(), a) == 0) return true;
    }
  }
  return false;
}

}  // namespace

uint32_t pathTraits(std::string_view path) {
  uint32_t traits = 0;
  const std::string_view name = fileName(path);
  const std::string_view stem = stemOf(name);
  if (isTestPath(path)) traits |= kTestPath;
  if (hasDirectory(path, {"example", "examples", "_examples", "sample", "samples", "demo", "demos", "docs_src"}))
    traits |= kExamplePath;
  if (hasDirectory(path, {"bench", "benches", "benchmark", "benchmarks"}) || endsWith(stem, "_benchmark") ||
      endsWith(stem, "_bench") || endsWith(stem, "Benchmark") || endsWith(stem, "Benchmarks"))
    traits |= kBenchmarkPath;
  if (hasDirectory(path, {"compat", "_compat", "legacy", "polyfill", "polyfills"})) traits |= kCompatPath;
  if (hasDirectory(path, {"vendor", "vendored", "third_party", "thirdparty", "3rdparty", "single_include", "node_modules"}))
    traits |= kVendoredPath;
  if (name == "__init__.py" || name == "package-info.java" || name == "mod.rs" || name == "index.ts" ||
      name == "index.js" || name == "index.mjs")
    traits |= kReexportFile;
  if (endsWith(name, ".d.ts") || endsWith(name, ".pyi")) traits |= kDeclarationStub;
  return traits;
}

double pathPrior(uint32_t traits, bool module_chunk, const std::vector<std::string>& words) {
  if (traits == 0) return 1.0;
  double prior = 1.0;
  if ((traits & kTestPath) && !mentions(words, {"test", "spec", "fixture", "mock"})) prior *= 0.5;
  if ((traits & kExamplePath) && !mentions(words, {"example", "sample", "demo"})) prior *= 0.5;
  if ((traits & kBenchmarkPath) && !mentions(words, {"bench", "perf"})) prior *= 0.5;
  if ((traits & kCompatPath) && !mentions(words, {"compat", "legacy", "polyfill"})) prior *= 0.5;
  if (traits & kVendoredPath) prior *= 0.5;
  if ((traits & kReexportFile) && module_chunk) prior *= 0.7;
  if (traits & kDeclarationStub) prior *= 0.8;
  return prior;
}

namespace {

// The words of one path component, and the component whole when splitting cut
// it (TeX -> te, x and tex; QueueManager -> queue, manager and queuemanager).
void appendComponentWords(std::string_view component, std::vector<std::string>& words) {
  const size_t before = words.size();
  appendIdentifierWords(component, words);
  if (words.size() - before > 1) {
    std::string whole;
    for (size_t i = before; i < words.size(); ++i) whole += words[i];
    words.push_back(std::move(whole));
  }
}

}  // namespace

std::vector<std::string> fileNameWords(std::string_view path) {
  std::vector<std::string> words;
  const std::string_view name = fileName(path);
  appendComponentWords(stemOf(name), words);
  if (name.size() < path.size()) {
    std::string_view dir = path.substr(0, path.size() - name.size() - 1);
    appendComponentWords(fileName(dir), words);
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

}  // namespace cs
