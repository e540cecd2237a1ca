// Extractor: turns one source file into Chunks with tree-sitter, using the
// per-language query files in indexer/queries/<language>.scm. Parse errors are
// data: whatever the (partial) tree contains is extracted; extraction never fails
// on bad source text.
//
// Thread-safety: an Extractor owns a TSParser and caches; use one per thread.
// The grammars and compiled queries it points at are immutable and shared. A
// ParsedFile belongs to one call at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/chunk.h"
#include "indexer/text_edit.h"
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

// What an extraction keeps of one version of a file so that the next
// version is parsed incrementally: its text, its tree and its definitions.
// Empty until an Extractor call fills it. Movable, not copyable; one call at a
// time may use it (it may move between threads in between).
class ParsedFile {
 public:
  ParsedFile();
  ~ParsedFile();
  ParsedFile(ParsedFile&&) noexcept;
  ParsedFile& operator=(ParsedFile&&) noexcept;
  bool empty() const;

  struct State;  // indexer/extractor_stages.h

 private:
  friend class Extractor;
  std::unique_ptr<State> state_;
};

// How an extraction that started from a ParsedFile went.
struct IncrementalStats {
  bool tree_reused = false;    // the parser started from the earlier version's edited tree
  bool incremental = false;    // and only what the edits reached was extracted again
  bool editor_edits = false;   // the editor's edits described the change (else the two texts were diffed)
  bool syntax_errors = false;  // this version's tree has ERROR or MISSING nodes
  std::string full_reason;     // why not incremental: "no earlier version", "parse failed", "item macros", ...
  size_t definitions_kept = 0;   // from the earlier version, untouched by the edits
  size_t definitions_found = 0;  // found by the query (over the changed ranges only when incremental)
  double parse_cpu_ms = 0;       // CPU time of the tree-sitter parse of the file's own tree
};

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

  // The same chunks, starting from `previous` (an earlier version of the
  // file, or empty) and `edits`, the byte edits that turned its text into
  // `source` (may be empty or stale: they are checked, and the two texts are
  // diffed when they do not describe the change). The old tree is edited and
  // reused, and only the definitions that the edits and the changed parse
  // ranges reach are extracted again; the rest keep what the earlier version
  // found, with moved offsets. Fully re-parsed instead without a usable
  // earlier version (none, another path or language, a failed parse).
  // Extracted fully from the reused tree for a file whose item-position macro
  // bodies are parsed again (Rust's cfg_*! { ... }: parses with included
  // ranges, from scratch) and for the first version without syntax errors
  // after one with them: tree-sitter's error recovery can give an edited
  // tree another shape than a fresh parse of the same text would, so while
  // a file has errors the chunks are those of tree-sitter's incremental tree;
  // once it parses cleanly they are a full re-parse's again. `previous` then
  // holds this version.
  Result<std::vector<Chunk>> extract(std::string_view path, std::string_view source, std::string_view language,
                                     ParsedFile& previous, const std::vector<TextEdit>& edits,
                                     IncrementalStats* stats = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs
