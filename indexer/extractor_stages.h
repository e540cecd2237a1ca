// The stages of Extractor::extract, one file each: parsing and the pipeline
// (extractor.cpp), definitions from the query's matches
// (extractor_definitions.cpp), doc comments (extractor_docs.cpp) and chunks
// from definitions (extractor_chunks.cpp). Internal to the extractor.
//
// Thread-safety: pure functions of their arguments; a TSQueryCursor passed in
// belongs to the calling thread.
#pragma once

#include <tree_sitter/api.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indexer/chunk.h"
#include "indexer/language_registry.h"
#include "support/utf8.h"

namespace cs::extraction {

constexpr size_t kMaxChunkText = 16 * 1024;     // bounds what one chunk costs to embed and store
constexpr size_t kMaxContainerText = 4 * 1024;  // classes: their methods are chunks of their own
constexpr size_t kMaxModuleText = 20 * 1024;
constexpr size_t kMaxSignature = 300;
// A definition longer than one embedding sees (embedding_text.h keeps 8 KiB)
// also gets windows of this size over the rest, at most kMaxWindows of them.
constexpr uint32_t kWindowBytes = 8 * 1024;
constexpr uint32_t kMaxWindows = 16;

// One query match: a definition (kind set) or a scope that only qualifies the
// names inside it (kind empty).
struct Definition {
  TSNode node{};
  TSNode body{};
  bool has_body = false;
  std::string kind;            // chunk kind, or "" for a scope
  std::string name;
  std::string receiver;        // extra qualifier (Go receivers)
  std::string trait;           // the trait a Rust impl scope implements ("Serialize" of impl Serialize for Foo)
  std::string name_qualifier;  // "Foo" from a name written "Foo::bar"
  bool impl_scope = false;     // functions directly inside are methods (Rust impl blocks)
  uint32_t start = 0, end = 0;
};

// Byte offsets to line/column points (UTF-8 bytes and UTF-16 units) in one text.
class LineTable {
 public:
  explicit LineTable(std::string_view source) : source_(source) {
    starts_.push_back(0);
    for (size_t i = 0; i < source.size(); ++i) {
      if (source[i] == '\n') starts_.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  SourcePoint point(uint32_t byte) const {
    byte = std::min<uint32_t>(byte, static_cast<uint32_t>(source_.size()));
    auto it = std::upper_bound(starts_.begin(), starts_.end(), byte);
    uint32_t line = static_cast<uint32_t>(it - starts_.begin()) - 1;
    uint32_t line_start = starts_[line];
    SourcePoint p;
    p.line = line;
    p.byte_column = byte - line_start;
    p.utf16_column = static_cast<uint32_t>(utf8::utf16Length(source_.substr(line_start, byte - line_start)));
    return p;
  }
  size_t lines() const { return starts_.size(); }
  uint32_t lineStart(size_t line) const { return starts_[line]; }
  uint32_t lineEnd(size_t line) const {  // excluding the newline
    return line + 1 < starts_.size() ? starts_[line + 1] - 1 : static_cast<uint32_t>(source_.size());
  }

 private:
  std::string_view source_;
  std::vector<uint32_t> starts_;
};

// Byte ranges [doc start, end) covered by the outermost chunks, in source order.
using CoveredRanges = std::vector<std::pair<uint32_t, uint32_t>>;

// The text of `node` in `source` (empty when the node lies outside it).
std::string_view textOf(std::string_view source, TSNode node);

// The file name of a path ("b.py" of "/a/b.py").
std::string fileNameOf(std::string_view path);

// --- extractor_definitions.cpp ---

// "hash<std::vector<int>>" -> "hash": a specialisation is named like its template.
std::string withoutTemplateArguments(const std::string& name);

// Appends the definitions and scopes `spec.query` finds under `root`; names and
// text are read from `source`.
void collectDefinitions(const LanguageSpec& spec, TSQueryCursor* cursor, TSNode root, std::string_view source,
                        std::vector<Definition>& defs);

// Outer definitions first (by start, then longest), one per node and kind, and
// clauses merged into one definition where the language says so.
void orderDefinitions(const LanguageSpec& spec, std::vector<Definition>& defs);

// --- extractor_docs.cpp ---

struct DefinitionDoc {
  std::string text;    // comment markers stripped
  uint32_t start = 0;  // where the definition's lines begin, its doc comments included
};

// The doc of `d`: the language's attribute doc, else a docstring as the body's
// first statement, else the contiguous comments right before it.
DefinitionDoc findDoc(std::string_view source, const Definition& d, const LanguageConventions& conventions);

// --- extractor_chunks.cpp ---

// A chunk for every definition of `defs` (ordered by orderDefinitions) and
// windows for the long ones; `covered` receives the outermost chunks' ranges.
std::vector<Chunk> buildDefinitionChunks(const LanguageSpec& spec, std::string_view path, std::string_view source,
                                         const LineTable& lines, const std::vector<Definition>& defs,
                                         CoveredRanges& covered);

// Every line not inside an outermost chunk belongs to the file's "module"
// chunk, appended unless every line is covered or blank.
void appendModuleChunk(std::vector<Chunk>& chunks, std::string_view path, const std::string& language,
                       std::string_view source, const LineTable& lines, const CoveredRanges& covered);

}  // namespace cs::extraction
