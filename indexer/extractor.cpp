#include "indexer/extractor.h"

#include <tree_sitter/api.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include "indexer/extractor_stages.h"
#include "indexer/language_registry.h"
#include "indexer/macro_mask.h"
#include "indexer/parse_tree.h"

namespace cs {

using extraction::fileNameOf;

namespace {

// A parse's time budget grows with the text: 1 s plus 10 us per byte (a
// floor of 0.1 MB/s; tree-sitter parses real code at 1-10 MB/s, Haskell, the
// slowest grammar here, at about 0.8 MB/s), so a 1 MB file may take 11 s.
// The clock is tree-sitter's (wall time), so the margin covers a loaded
// machine and sanitizer builds. Some grammars' error recovery blows up on
// small hostile inputs (fuzz_extractor_edits found a 327-byte Swift file that
// parsed for 5 s, the old fixed budget, and longer without one); a parse that
// runs out yields no tree, and the file keeps its module chunk.
uint64_t parseBudgetMicros(size_t bytes) { return 1'000'000 + 10 * static_cast<uint64_t>(bytes); }
constexpr size_t kMaxMacroDepth = 3;  // macro bodies inside macro bodies: cfg_net! { cfg_rt! { ... } }

// What the parser reads instead of `source`: C and C++ with their confusing
// macros masked (same byte offsets); empty for the other languages.
std::string maskedText(const LanguageSpec& spec, std::string_view source) {
  return spec.name == "c" || spec.name == "cpp" ? maskConfusingMacros(source) : std::string();
}

}  // namespace

std::optional<std::string> languageForPath(std::string_view path) {
  std::string name = fileNameOf(path);
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return std::nullopt;
  std::string ext = name.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& spec : allLanguages()) {
    for (const auto& e : spec.extensions) {
      if (e == ext) return spec.name;
    }
  }
  return std::nullopt;
}

namespace {

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `word` occurs in `text` as a whole word followed (after blanks) by one of `next`.
bool hasWordFollowedBy(std::string_view text, std::string_view word, std::string_view next) {
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    if (at > 0 && isWordChar(text[at - 1])) continue;
    size_t after = at + word.size();
    if (after < text.size() && isWordChar(text[after])) continue;
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
    if (after < text.size() && (next.empty() || next.find(text[after]) != std::string_view::npos)) return true;
  }
  return false;
}

bool looksLikeCpp(std::string_view text) {
  text = text.substr(0, 256 * 1024);
  if (text.find("std::") != std::string_view::npos) return true;
  if (hasWordFollowedBy(text, "template", "<") || hasWordFollowedBy(text, "public", ":") ||
      hasWordFollowedBy(text, "private", ":") || hasWordFollowedBy(text, "protected", ":"))
    return true;
  if (hasWordFollowedBy(text, "namespace", "")) {
    // "namespace foo {" / "namespace {", not the word in a comment's prose.
    for (size_t at = text.find("namespace"); at != std::string_view::npos; at = text.find("namespace", at + 1)) {
      size_t brace = text.find_first_of("{;\n", at);
      if (brace != std::string_view::npos && text[brace] == '{') return true;
    }
  }
  // #include <vector>: a standard header without an extension.
  for (size_t at = text.find("#include <"); at != std::string_view::npos; at = text.find("#include <", at + 1)) {
    size_t close = text.find('>', at);
    if (close == std::string_view::npos) break;
    std::string_view header = text.substr(at + 10, close - at - 10);
    if (header.find('.') == std::string_view::npos && header.find('\n') == std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> languageForSource(std::string_view path, std::string_view text) {
  std::optional<std::string> language = languageForPath(path);
  if (language && *language == "c" && path.size() >= 2 && path.substr(path.size() - 2) == ".h" && looksLikeCpp(text))
    return std::string("cpp");
  return language;
}

const std::vector<std::string>& supportedLanguages() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& spec : allLanguages()) out.push_back(spec.name);
    return out;
  }();
  return names;
}

namespace {

// The `{ ... }` interiors of item-position macro calls of type `macro_node`
// under `root`, in source order. Function bodies are not item positions
// (a `select! { ... }` there is an expression), so blocks are not searched.
std::vector<TSRange> itemMacroBodies(TSNode root, const std::string& macro_node) {
  std::vector<TSRange> ranges;
  std::vector<TSNode> stack{root};
  while (!stack.empty()) {
    TSNode node = stack.back();
    stack.pop_back();
    const char* type = ts_node_type(node);
    if (macro_node == type) {
      for (uint32_t i = 0; i < ts_node_child_count(node); ++i) {
        TSNode tokens = ts_node_child(node, i);
        if (std::strcmp(ts_node_type(tokens), "token_tree") != 0 || ts_node_child_count(tokens) < 2) continue;
        TSNode open = ts_node_child(tokens, 0), close = ts_node_child(tokens, ts_node_child_count(tokens) - 1);
        if (std::strcmp(ts_node_type(open), "{") != 0 || std::strcmp(ts_node_type(close), "}") != 0) continue;
        TSRange range{ts_node_end_point(open), ts_node_start_point(close), ts_node_end_byte(open),
                      ts_node_start_byte(close)};
        if (range.start_byte < range.end_byte) ranges.push_back(range);
      }
      continue;
    }
    if (std::strcmp(type, "block") == 0 || std::strcmp(type, "token_tree") == 0) continue;
    for (uint32_t i = ts_node_child_count(node); i-- > 0;) stack.push_back(ts_node_child(node, i));
  }
  return ranges;
}

}  // namespace

Result<const LanguageSpec*> Extractor::Impl::prepare(std::string_view language) {
  const LanguageSpec* spec = findLanguage(language);
  if (!spec) return makeError("unsupported language: " + std::string(language));
  if (!spec->query) return makeError(spec->query_error);
  if (!ts_parser_set_language(parser, spec->grammar)) {
    return makeError("grammar for " + spec->name + " has an incompatible ABI version");
  }
  return spec;
}

ParseTree Extractor::Impl::parse(std::string_view text, const std::vector<TSRange>& ranges, const TSTree* old) {
  if (!ranges.empty() && !ts_parser_set_included_ranges(parser, ranges.data(), static_cast<uint32_t>(ranges.size())))
    return nullptr;
  ts_parser_set_timeout_micros(parser, parseBudgetMicros(text.size()));
  ParseTree tree(ts_parser_parse_string(parser, old, text.data(), static_cast<uint32_t>(text.size())));
  ts_parser_reset(parser);  // a timed-out parse must not be resumed by the next file
  ts_parser_set_included_ranges(parser, nullptr, 0);
  return tree;
}

// For languages with item-position macros (Rust's cfg_*! { ... } wrappers,
// whose items are token trees to the grammar), each tree's macro bodies are
// parsed again, as code in place, into the next tree, a few levels deep.
// Every tree stays alive while definitions point into them.
std::vector<ParseTree> Extractor::Impl::withMacroBodies(const LanguageSpec& spec, std::string_view text,
                                                        ParseTree main) {
  std::vector<ParseTree> trees;
  for (ParseTree tree = std::move(main); tree;) {
    ParseTree next;
    if (!spec.item_macro_node.empty() && trees.size() < kMaxMacroDepth) {
      std::vector<TSRange> bodies = itemMacroBodies(ts_tree_root_node(tree.get()), spec.item_macro_node);
      if (!bodies.empty()) next = parse(text, bodies);
    }
    trees.push_back(std::move(tree));
    tree = std::move(next);
  }
  return trees;
}

std::vector<Chunk> Extractor::Impl::chunksOf(const LanguageSpec& spec, std::string_view path, std::string_view source,
                                             std::vector<extraction::Definition> defs, ParsedFile::State* keep) {
  extraction::sortDefinitions(defs);
  std::vector<extraction::Definition> merged;
  if (spec.conventions.merge_clauses) {
    merged = defs;
    extraction::mergeClauses(merged);
  }
  const extraction::LineTable lines(source);
  extraction::CoveredRanges covered;
  std::vector<Chunk> chunks = extraction::buildDefinitionChunks(spec, path, source, lines,
                                                                spec.conventions.merge_clauses ? merged : defs, covered);
  if (options.module_chunks) extraction::appendModuleChunk(chunks, path, spec.name, source, lines, covered);
  if (keep) {
    for (extraction::Definition& d : defs) d.node = d.body = TSNode{};
    keep->definitions = std::move(defs);
  }
  return chunks;
}

// Stages: parse (C and C++ with their confusing macros masked, same byte
// offsets; everything read from a tree is read from `source`), definitions
// from every tree, their order, a chunk per definition, the module chunk.
std::vector<Chunk> Extractor::Impl::extractFully(const LanguageSpec& spec, std::string_view path,
                                                 std::string_view source, std::string masked, ParsedFile::State* keep,
                                                 std::vector<ParseTree> trees) {
  const std::string_view parsed = masked.empty() ? source : std::string_view(masked);
  if (trees.empty()) trees = withMacroBodies(spec, parsed, parse(parsed, {}));
  std::vector<extraction::Definition> defs;
  for (const ParseTree& tree : trees) extraction::collectDefinitions(spec, cursor, ts_tree_root_node(tree.get()), source, defs);
  std::vector<Chunk> chunks = chunksOf(spec, path, source, std::move(defs), keep);
  if (keep) {
    keep->path = std::string(path);
    keep->language = spec.name;
    keep->source = std::string(source);
    keep->masked = std::move(masked);
    keep->tree = trees.empty() ? nullptr : std::move(trees.front());
    keep->syntax_errors = keep->tree && ts_node_has_error(ts_tree_root_node(keep->tree.get()));
  }
  return chunks;
}

ParsedFile::ParsedFile() = default;
ParsedFile::~ParsedFile() = default;
ParsedFile::ParsedFile(ParsedFile&&) noexcept = default;
ParsedFile& ParsedFile::operator=(ParsedFile&&) noexcept = default;
bool ParsedFile::empty() const { return !state_; }

Extractor::Extractor(ExtractOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}

Extractor::~Extractor() = default;

Result<std::vector<Chunk>> Extractor::extract(std::string_view path, std::string_view source,
                                              std::string_view language) {
  auto spec = impl_->prepare(language);
  if (!spec.ok()) return spec.error();
  return impl_->extractFully(**spec, path, source, maskedText(**spec, source), nullptr);
}

Result<std::vector<Chunk>> Extractor::extract(std::string_view path, std::string_view source,
                                              std::string_view language, ParsedFile& previous,
                                              const std::vector<TextEdit>& edits, IncrementalStats* stats) {
  auto spec = impl_->prepare(language);
  if (!spec.ok()) return spec.error();
  IncrementalStats local;
  IncrementalStats& report = stats ? *stats : local;
  report = IncrementalStats{};
  std::unique_ptr<ParsedFile::State> state = std::move(previous.state_);
  if (!state || !state->tree) {
    report.full_reason = state ? "earlier parse failed" : "no earlier version";
  } else if (state->path != path || state->language != (*spec)->name) {
    report.full_reason = "another file or language";
  }
  std::vector<Chunk> chunks;
  if (!report.full_reason.empty()) {
    state = std::make_unique<ParsedFile::State>();
    chunks = impl_->extractFully(**spec, path, source, maskedText(**spec, source), state.get());
    report.definitions_found = state->definitions.size();
  } else {
    chunks = impl_->extractIncrementally(**spec, path, source, maskedText(**spec, source), *state, edits, report);
  }
  previous.state_ = std::move(state);
  return chunks;
}

}  // namespace cs
