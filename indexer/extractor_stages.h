// The stages of Extractor::extract, one file each: parsing and the pipeline
// (extractor.cpp), the incremental path (extractor_incremental.cpp),
// definitions from the query's matches (extractor_definitions.cpp), doc
// comments (extractor_docs.cpp) and chunks from definitions
// (extractor_chunks.cpp). Internal to the extractor.
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
#include "indexer/extractor.h"
#include "indexer/language_registry.h"
#include "indexer/parse_tree.h"
#include "indexer/tree_edits.h"
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

struct DefinitionDoc {
  std::string text;    // comment markers stripped
  uint32_t start = 0;  // where the definition's lines begin, its doc comments included
  uint32_t reads_from = 0;  // the first byte finding it looked at: an edit before this cannot change it
};

// The parent of a definition's node as a key: two definitions are siblings when
// their parents' keys are equal (a tree's nodes of one range and type are one node).
struct ParentKey {
  uint32_t start = 0, end = 0;
  TSSymbol symbol = 0;
  bool operator==(const ParentKey&) const = default;
};

// One query match: a definition (kind set) or a scope that only qualifies the
// names inside it (kind empty). Everything but `node` and `body` is plain data,
// so a definition outlives its tree: an incremental extraction keeps those of
// the previous version that no edit reached (node null, offsets moved).
struct Definition {
  TSNode node{};  // null when kept from an earlier tree
  TSNode body{};
  bool has_body = false;
  std::string kind;            // chunk kind, or "" for a scope
  std::string name;
  std::string receiver;        // extra qualifier (Go receivers)
  std::string trait;           // the trait a Rust impl scope implements ("Serialize" of impl Serialize for Foo)
  std::string name_qualifier;  // "Foo" from a name written "Foo::bar"
  bool impl_scope = false;     // functions directly inside are methods (Rust impl blocks)
  uint32_t start = 0, end = 0;            // the chunk's bytes: decorators in, trailing layout whitespace out
  uint32_t node_start = 0, node_end = 0;  // the captured node's bytes
  TSSymbol symbol = 0;                    // and its type
  uint32_t span_start = 0, span_end = 0;  // every byte the match read: all captures, decorators
  uint32_t body_start = 0;                // where the body starts, when has_body
  uint32_t pattern = 0;                   // the query pattern: orders two matches of one node
  uint32_t name_start = 0;                // where the @name capture is: orders two matches of one pattern
  ParentKey parent;
  DefinitionDoc doc;  // for definitions (kind set): found when the match was
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

// Appends the definitions and scopes `spec.query` finds under `root` (with
// their docs); names and text are read from `source`. With `range` set, only
// the matches whose root node overlaps [range.first, range.second) (tree-sitter's
// byte-range rule: every capture of such a match is found, wherever it is).
void collectDefinitions(const LanguageSpec& spec, TSQueryCursor* cursor, TSNode root, std::string_view source,
                        std::vector<Definition>& defs,
                        std::pair<uint32_t, uint32_t> range = {0, UINT32_MAX});

// Outer definitions first (by start, then longest, then query pattern, then
// where the name is), one per node and kind (the first): a total order, so the
// result does not depend on the order definitions are given in.
void sortDefinitions(std::vector<Definition>& defs);

// One chunk per function, not per equation (LanguageConventions::merge_clauses):
// a sibling right after a definition of the same name and kind extends it.
void mergeClauses(std::vector<Definition>& defs);

// --- extractor_docs.cpp ---

// The doc of `d` (which has its node): the language's attribute doc, else a
// docstring as the body's first statement, else the contiguous comments right before it.
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

namespace cs {

struct ParsedFile::State {
  std::string path, language;
  std::string source;
  std::string masked;  // what was parsed instead of `source` (C, C++: macros masked); empty otherwise
  ParseTree tree;      // the file's own tree (not the macro bodies'); null when the parse failed
  bool syntax_errors = false;  // the tree has ERROR or MISSING nodes
  std::vector<extraction::Definition> definitions;  // sorted, clauses not merged, nodes null
};

struct Extractor::Impl {
  ExtractOptions options;
  TSParser* parser = ts_parser_new();
  TSQueryCursor* cursor = ts_query_cursor_new();
  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    ts_query_cursor_delete(cursor);
    ts_parser_delete(parser);
  }

  // Sets the parser's language; fails for an unknown one or a broken build.
  Result<const LanguageSpec*> prepare(std::string_view language);
  // One parse of `text` (restricted to `ranges` when given; reusing `old`, an
  // edited tree of the previous version, when given), or null when
  // tree-sitter gives up (timeout) or rejects the ranges.
  ParseTree parse(std::string_view text, const std::vector<TSRange>& ranges, const TSTree* old = nullptr);
  // `main` and the trees of its item-position macro bodies (extractor.cpp).
  std::vector<ParseTree> withMacroBodies(const LanguageSpec& spec, std::string_view text, ParseTree main);
  // Chunks of the sorted `defs`; `keep`, when given, takes the definitions.
  std::vector<Chunk> chunksOf(const LanguageSpec& spec, std::string_view path, std::string_view source,
                              std::vector<extraction::Definition> defs, ParsedFile::State* keep);
  // Parses from scratch (or takes `trees`, already parsed) and extracts everything.
  std::vector<Chunk> extractFully(const LanguageSpec& spec, std::string_view path, std::string_view source,
                                  std::string masked, ParsedFile::State* keep, std::vector<ParseTree> trees = {});
  // The incremental path (extractor_incremental.cpp), from `state` (an earlier
  // version of this path and language, with a tree) to this version; it falls
  // back to extractFully itself where it must (stats.full_reason says why).
  std::vector<Chunk> extractIncrementally(const LanguageSpec& spec, std::string_view path, std::string_view source,
                                          std::string masked, ParsedFile::State& state,
                                          const std::vector<TextEdit>& edits, IncrementalStats& stats);
};

}  // namespace cs
