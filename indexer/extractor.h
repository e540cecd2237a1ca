// Extractor: turns one source file into Chunks with tree-sitter, using the
// per-language query files in indexer/queries/<language>.scm. Parse errors are
// data: whatever the (partial) tree contains is extracted; extraction never fails
// on bad source text.
//
// Thread-safety: an Extractor owns a TSParser and caches; use one per thread.
// The grammars and compiled queries it points at are immutable and shared.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/chunk.h"
#include "support/result.h"

namespace cs {

struct ExtractOptions {
  // Give the code outside every extracted definition (imports, top-level
  // statements, ...) one "module" chunk per file, so every line is findable.
  bool module_chunks = true;
};

// Language for a file path by extension (and a few well-known names / shebangs
// are not consulted: extension only). nullopt for unsupported files.
std::optional<std::string> languageForPath(std::string_view path);

// The language of a file from its path and its text: languageForPath, except
// that a `.h` header holding C++ (namespaces, templates, classes with access
// specifiers, std::, extension-less standard includes) is C++.
std::optional<std::string> languageForSource(std::string_view path, std::string_view text);

// All supported language names.
const std::vector<std::string>& supportedLanguages();

class Extractor {
 public:
  explicit Extractor(ExtractOptions options = {});
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // Extracts chunks from `source` (the file's full text). `path` is copied into
  // each chunk. Fails only for an unknown language or a grammar/query that
  // cannot be loaded (a build problem), never for bad source text.
  Result<std::vector<Chunk>> extract(std::string_view path, std::string_view source,
                                     std::string_view language);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs
