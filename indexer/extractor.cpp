#include "indexer/extractor.h"

#include <tree_sitter/api.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include "indexer/language_registry.h"
#include "indexer/macro_mask.h"
#include "support/utf8.h"

namespace cs {
namespace {

constexpr size_t kMaxChunkText = 16 * 1024;       // bounds what one chunk costs to embed and store
constexpr size_t kMaxContainerText = 4 * 1024;    // classes: their methods are chunks of their own
constexpr size_t kMaxModuleText = 20 * 1024;
constexpr size_t kMaxSignature = 300;
constexpr uint64_t kParseTimeoutMicros = 5'000'000;
constexpr int kMaxMacroDepth = 3;
// A definition longer than one embedding sees (embedding_text.h keeps 8 KiB)
// also gets windows of this size over the rest, at most kMaxWindows of them.
constexpr uint32_t kWindowBytes = 8 * 1024;
constexpr uint32_t kMaxWindows = 16;  // macro bodies inside macro bodies: cfg_net! { cfg_rt! { ... } }

// Nodes that wrap a definition without adding meaning: doc comments sit before them.
bool isWrapper(std::string_view type) {
  return type == "decorated_definition" || type == "export_statement" || type == "template_declaration" ||
         type == "attributed_statement";
}

// Nodes allowed between a doc comment and its definition.
bool isAttribute(std::string_view type) {
  return type == "attribute_item" || type == "decorator" || type == "attribute_list" || type == "annotation" ||
         type == "marker_annotation";
}

bool isComment(std::string_view type) { return type.find("comment") != std::string_view::npos; }

bool isDocComment(std::string_view type, const LanguageConventions& conventions) {
  return isComment(type) || (!conventions.comment_node.empty() && type == conventions.comment_node);
}

// No language lets a definition be called this; a parse that says so is recovering from an error.
bool isControlKeyword(std::string_view name) {
  for (std::string_view keyword : {"if", "else", "switch", "while", "for", "do", "return", "sizeof", "case", "catch",
                                   "try", "noexcept", "throw"}) {
    if (name == keyword) return true;
  }
  return false;
}

bool isContainerKind(std::string_view kind) {
  return kind == "class" || kind == "struct" || kind == "interface" || kind == "enum" || kind == "trait";
}

bool isConstructorName(std::string_view name) {
  return name == "__init__" || name == "constructor" || name == "initialize" || name == "__construct";
}

std::string_view textOf(std::string_view source, TSNode node) {
  uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
  if (end > source.size() || start > end) return {};
  return source.substr(start, end - start);
}

std::string collapseWhitespace(std::string_view text, size_t cap) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= cap) break;
  }
  return out;
}

// Strips comment markers and docstring quotes, keeping the words and line breaks.
std::string cleanDoc(std::string_view raw, const LanguageConventions& conventions) {
  std::string text(raw);
  for (std::string_view quote : {"\"\"\"", "'''"}) {
    size_t first = text.find(quote);
    if (first != std::string::npos && first < 4) {
      text.erase(0, first + quote.size());
      size_t last = text.rfind(quote);
      if (last != std::string::npos) text.erase(last);
    }
  }
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    auto trim = [&] {
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    };
    trim();
    for (const std::string& marker : conventions.doc_prefixes) {  // Lua "---", Haskell "-- |", ...
      if (line.substr(0, marker.size()) == marker) {
        line.remove_prefix(marker.size());
        break;
      }
    }
    for (const std::string& marker : conventions.doc_suffixes) {
      if (line.size() >= marker.size() && line.substr(line.size() - marker.size()) == marker) {
        line.remove_suffix(marker.size());
      }
    }
    for (std::string_view marker : {"/**", "/*!", "/*", "///", "//!", "//", "#", "*/"}) {
      if (line.substr(0, marker.size()) == marker) {
        line.remove_prefix(marker.size());
        break;
      }
    }
    if (line.size() >= 2 && line.substr(line.size() - 2) == "*/") line.remove_suffix(2);
    trim();
    if (!line.empty() && line.front() == '*') line.remove_prefix(1);
    trim();
    out.append(line);
    out.push_back('\n');
    pos = nl + 1;
  }
  // C# XML documentation: keep the words, drop the tags.
  for (std::string_view tag : {"<summary>", "</summary>", "<remarks>", "</remarks>", "<returns>", "</returns>",
                               "<para>", "</para>", "<value>", "</value>"}) {
    for (size_t p; (p = out.find(tag)) != std::string::npos;) out.erase(p, tag.size());
  }
  // Trim surrounding blank lines.
  size_t b = out.find_first_not_of(" \n");
  if (b == std::string::npos) return {};
  size_t e = out.find_last_not_of(" \n");
  return out.substr(b, e - b + 1);
}

// Whether the match's text predicates (#eq?, #not-eq?, #any-of?, #not-any-of?)
// hold: tree-sitter leaves them to the caller. Patterns without any (the
// original languages' queries have none) cost one lookup.
bool predicatesHold(const TSQuery* query, const TSQueryMatch& match, std::string_view source) {
  uint32_t count = 0;
  const TSQueryPredicateStep* steps = ts_query_predicates_for_pattern(query, match.pattern_index, &count);
  if (count == 0) return true;
  auto stringValue = [&](uint32_t id) {
    uint32_t len = 0;
    const char* value = ts_query_string_value_for_id(query, id, &len);
    return std::string_view(value, len);
  };
  auto capturedText = [&](uint32_t id) -> std::optional<std::string_view> {
    for (uint16_t i = 0; i < match.capture_count; ++i) {
      if (match.captures[i].index == id) return textOf(source, match.captures[i].node);
    }
    return std::nullopt;
  };
  for (uint32_t i = 0; i < count;) {
    uint32_t end = i;
    while (end < count && steps[end].type != TSQueryPredicateStepTypeDone) ++end;
    if (end - i >= 3 && steps[i].type == TSQueryPredicateStepTypeString &&
        steps[i + 1].type == TSQueryPredicateStepTypeCapture) {
      std::string_view name = stringValue(steps[i].value_id);
      std::optional<std::string_view> text = capturedText(steps[i + 1].value_id);
      const bool negate = name.substr(0, 4) == "not-";
      if (negate) name.remove_prefix(4);
      if (text && (name == "eq?" || name == "any-of?")) {
        bool holds = false;
        for (uint32_t k = i + 2; k < end && !holds; ++k) {
          std::optional<std::string_view> other = steps[k].type == TSQueryPredicateStepTypeCapture
                                                      ? capturedText(steps[k].value_id)
                                                      : std::optional<std::string_view>(stringValue(steps[k].value_id));
          holds = other && *other == *text;
        }
        if (holds == negate) return false;
      }
    }
    i = end + 1;
  }
  return true;
}

// The comment `node` ends with, when nothing but whitespace follows it there
// (Kotlin and Haskell grammars put the doc of the first declaration after the
// imports inside the imports); a null node otherwise.
TSNode trailingComment(std::string_view source, TSNode node, const LanguageConventions& conventions) {
  TSNode last = node;
  while (ts_node_named_child_count(last) > 0) last = ts_node_named_child(last, ts_node_named_child_count(last) - 1);
  std::string_view type = ts_node_type(last);
  if (ts_node_eq(last, node) || !isDocComment(type, conventions)) return TSNode{};
  std::string_view after = source.substr(ts_node_end_byte(last), ts_node_end_byte(node) - ts_node_end_byte(last));
  return after.find_first_not_of(" \t\r\n") == std::string_view::npos ? last : TSNode{};
}

struct Definition {
  TSNode node{};
  TSNode body{};
  bool has_body = false;
  std::string kind;           // chunk kind, or "" for a scope
  std::string name;
  std::string receiver;       // extra qualifier (Go receivers)
  std::string trait;          // the trait a Rust impl scope implements ("Serialize" of impl Serialize for Foo)
  std::string name_qualifier; // "Foo" from a name written "Foo::bar"
  bool impl_scope = false;    // functions directly inside are methods (Rust impl blocks)
  uint32_t start = 0, end = 0;
};

// Splits "ns::Foo::bar" / "Foo.bar" into qualifier "ns.Foo" and name "bar".
// "hash<std::vector<int>>" -> "hash", "basic_thing<T>::size" -> "basic_thing::size":
// a specialisation or an out-of-line member is named like the template. An
// operator's own angle brackets (operator<<) stay.
std::string withoutTemplateArguments(const std::string& name) {
  const size_t operator_at = name.find("operator");
  const size_t end = operator_at == std::string::npos ? name.size() : operator_at;
  std::string out;
  int depth = 0;
  for (size_t i = 0; i < end; ++i) {
    if (name[i] == '<') {
      ++depth;
    } else if (name[i] == '>' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out.push_back(name[i]);
    }
  }
  if (depth != 0) return name;  // unbalanced: not template arguments after all
  out.append(name, end, std::string::npos);
  // Whitespace left where arguments were ("Foo<T> ::bar").
  out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t'; }), out.end());
  return out.empty() ? name : out;
}

void splitQualifiedName(Definition& d) {
  if (d.name.find('<') != std::string::npos) d.name = withoutTemplateArguments(d.name);
  std::string& name = d.name;
  size_t cut = std::string::npos, skip = 0;
  if (size_t p = name.rfind("::"); p != std::string::npos) {
    cut = p;
    skip = 2;
  } else if (size_t q = name.rfind('.'); q != std::string::npos && q + 1 < name.size()) {
    cut = q;
    skip = 1;
  }
  if (cut == std::string::npos) return;
  std::string qualifier = name.substr(0, cut);
  for (size_t p; (p = qualifier.find("::")) != std::string::npos;) qualifier.replace(p, 2, ".");
  d.name_qualifier = qualifier;
  name = name.substr(cut + skip);
}

// The declaration up to its body, whitespace-collapsed, without comment lines.
std::string signatureOf(std::string_view source, const Definition& d) {
  uint32_t sig_end = d.has_body ? std::max(d.start, ts_node_start_byte(d.body)) : d.end;
  std::string_view text = source.substr(d.start, sig_end - d.start);
  if (!d.has_body) {
    text = text.substr(0, text.find('\n'));
    size_t brace = text.find('{');
    if (brace != std::string_view::npos && brace > 0) text = text.substr(0, brace);
  }
  std::string kept;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    size_t first = line.find_first_not_of(" \t");
    bool comment = first != std::string_view::npos &&
                   (line.substr(first, 1) == "#" || line.substr(first, 2) == "//" || line.substr(first, 2) == "/*");
    if (!comment || pos == 0) {
      kept.append(line);
      kept.push_back('\n');
    }
    pos = nl + 1;
  }
  std::string sig = collapseWhitespace(kept, kMaxSignature);
  while (!sig.empty() && (sig.back() == '{' || sig.back() == ' ' || sig.back() == ':' || sig.back() == ';'))
    sig.pop_back();
  return sig;
}

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

// Windows over the part of `whole` that its own vector does not see, each
// starting and ending at line boundaries (Chunk::part).
void appendWindows(std::vector<Chunk>& chunks, std::string_view source, const LineTable& lines) {
  const Chunk whole = chunks.back();  // a copy: push_back below may move it
  if (whole.end_byte - whole.start_byte <= kWindowBytes) return;
  auto nextLineStart = [&](uint32_t byte) {
    const size_t nl = source.find('\n', byte);
    return nl == std::string_view::npos ? static_cast<uint32_t>(source.size()) : static_cast<uint32_t>(nl + 1);
  };
  uint32_t at = nextLineStart(whole.start_byte + kWindowBytes);
  for (uint32_t part = 1; at < whole.end_byte && part <= kMaxWindows; ++part) {
    uint32_t end = std::min(whole.end_byte, at + kWindowBytes);
    if (end < whole.end_byte) {
      const size_t nl = source.rfind('\n', end);
      if (nl != std::string_view::npos && nl > at) end = static_cast<uint32_t>(nl);
    }
    Chunk window;
    window.path = whole.path;
    window.language = whole.language;
    window.kind = whole.kind;
    window.name = whole.name;
    window.qualified_name = whole.qualified_name;
    window.signature = whole.signature;
    window.text = std::string(source.substr(at, end - at));
    window.start_byte = at;
    window.end_byte = end;
    window.start = lines.point(at);
    window.end = lines.point(end);
    window.part = part;
    chunks.push_back(std::move(window));
    at = nextLineStart(end);
  }
}

std::string fileNameOf(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
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

struct Extractor::Impl {
  ExtractOptions options;
  TSParser* parser = ts_parser_new();
  TSQueryCursor* cursor = ts_query_cursor_new();
  ~Impl() {
    ts_query_cursor_delete(cursor);
    ts_parser_delete(parser);
  }
};

Extractor::Extractor(ExtractOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  ts_parser_set_timeout_micros(impl_->parser, kParseTimeoutMicros);
}

Extractor::~Extractor() = default;

Result<std::vector<Chunk>> Extractor::extract(std::string_view path, std::string_view source,
                                              std::string_view language) {
  const LanguageSpec* spec = findLanguage(language);
  if (!spec) return makeError("unsupported language: " + std::string(language));
  if (!spec->query) return makeError(spec->query_error);
  if (!ts_parser_set_language(impl_->parser, spec->grammar)) {
    return makeError("grammar for " + spec->name + " has an incompatible ABI version");
  }
  std::vector<Chunk> chunks;
  const LineTable lines(source);
  // C and C++ are parsed with their confusing macros masked (same byte offsets);
  // everything read from the tree is read from `source`.
  const std::string masked = spec->name == "c" || spec->name == "cpp" ? maskConfusingMacros(source) : std::string();
  const std::string_view parsed = masked.empty() ? source : std::string_view(masked);
  // Every tree stays alive until the chunks are built: definitions point into them.
  std::vector<TSTree*> trees;
  auto parse = [&](const std::vector<TSRange>& ranges) -> TSTree* {
    if (!ranges.empty() &&
        !ts_parser_set_included_ranges(impl_->parser, ranges.data(), static_cast<uint32_t>(ranges.size()))) {
      return nullptr;
    }
    TSTree* tree = ts_parser_parse_string(impl_->parser, nullptr, parsed.data(), static_cast<uint32_t>(parsed.size()));
    ts_parser_reset(impl_->parser);  // a timed-out parse must not be resumed by the next file
    ts_parser_set_included_ranges(impl_->parser, nullptr, 0);
    if (tree) trees.push_back(tree);
    return tree;
  };

  std::vector<Definition> defs;
  // Items inside macro bodies (Rust's cfg_*! { ... } wrappers) are token trees
  // to the grammar: each tree's macro bodies are parsed again, as code in place,
  // into the next tree, a few levels deep.
  int depth = 0;
  for (TSTree *current = parse({}), *next = nullptr; current; current = next, ++depth) {
    next = nullptr;
    if (!spec->item_macro_node.empty() && depth < kMaxMacroDepth) {
      std::vector<TSRange> bodies = itemMacroBodies(ts_tree_root_node(current), spec->item_macro_node);
      if (!bodies.empty()) next = parse(bodies);
    }
    const TSQuery* query = spec->query;
    ts_query_cursor_exec(impl_->cursor, query, ts_tree_root_node(current));
    TSQueryMatch match;
    while (ts_query_cursor_next_match(impl_->cursor, &match)) {
      if (!predicatesHold(query, match, source)) continue;
      Definition d;
      bool has_node = false;
      for (uint16_t i = 0; i < match.capture_count; ++i) {
        const TSQueryCapture& cap = match.captures[i];
        uint32_t len = 0;
        const char* cname = ts_query_capture_name_for_id(query, cap.index, &len);
        std::string_view capture(cname, len);
        if (capture == "name") {
          d.name = std::string(textOf(source, cap.node));
        } else if (capture == "body") {
          d.body = cap.node;
          d.has_body = true;
        } else if (capture == "receiver") {
          d.receiver = std::string(textOf(source, cap.node));
        } else if (capture == "trait") {
          d.trait = withoutTemplateArguments(std::string(textOf(source, cap.node)));
        } else if (capture == "scope" || capture == "scope.impl") {
          d.node = cap.node;
          d.impl_scope = capture == "scope.impl";
          has_node = true;
        } else if (capture.substr(0, 11) == "definition.") {
          d.node = cap.node;
          d.kind = std::string(capture.substr(11));
          has_node = true;
        }
      }
      if (!has_node || d.name.empty()) continue;
      if (!d.has_body && !spec->conventions.body_node.empty()) {
        for (uint32_t i = ts_node_named_child_count(d.node); i-- > 0;) {
          TSNode child = ts_node_named_child(d.node, i);
          if (spec->conventions.body_node == ts_node_type(child)) {
            d.body = child;
            d.has_body = true;
            break;
          }
        }
      }
      d.start = ts_node_start_byte(d.node);
      d.end = ts_node_end_byte(d.node);
      // A Python definition's decorators (@app.route("/users")) say what it is for: they are its first lines.
      if (TSNode parent = ts_node_parent(d.node);
          !ts_node_is_null(parent) && std::strcmp(ts_node_type(parent), "decorated_definition") == 0)
        d.start = ts_node_start_byte(parent);
      // Layout-sensitive grammars (Scala, Haskell) can end a node after the newline.
      while (d.end > d.start && d.end <= source.size() &&
             (source[d.end - 1] == '\n' || source[d.end - 1] == ' ' || source[d.end - 1] == '\r'))
        --d.end;
      splitQualifiedName(d);
      if (isControlKeyword(d.name)) continue;  // error recovery's guess (an #ifdef inside an if/else chain)
      defs.push_back(std::move(d));
    }
  }

  // Outer definitions first, so a stack of open ranges gives each one its scopes.
  std::sort(defs.begin(), defs.end(), [](const Definition& a, const Definition& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  // Two patterns can match one node (e.g. a Rust impl both as scope and type): keep the first.
  defs.erase(std::unique(defs.begin(), defs.end(),
                         [](const Definition& a, const Definition& b) {
                           return a.start == b.start && a.end == b.end && a.kind == b.kind;
                         }),
             defs.end());
  if (spec->conventions.merge_clauses) {
    // One chunk per function, not per equation: a sibling right after a
    // definition of the same name and kind extends it.
    std::vector<Definition> merged;
    for (Definition& d : defs) {
      if (!merged.empty()) {
        Definition& prev = merged.back();
        if (!d.kind.empty() && prev.kind == d.kind && prev.name == d.name && prev.end <= d.start &&
            ts_node_eq(ts_node_parent(prev.node), ts_node_parent(d.node))) {
          prev.end = d.end;
          if (!prev.has_body && d.has_body) {  // a signature or a bodiless head first: the body is the first clause's
            prev.body = d.body;
            prev.has_body = true;
          }
          continue;
        }
      }
      merged.push_back(std::move(d));
    }
    defs = std::move(merged);
  }

  // C++ out-of-line members (void Widget::draw() { ... }) are methods when the
  // qualifier names a type of this file or is spelled like a type (Widget, not std).
  std::vector<std::string> file_types;
  for (const Definition& d : defs) {
    if (isContainerKind(d.kind)) file_types.push_back(d.name);
  }
  auto outOfLineKind = [&](const Definition& d) -> std::string {
    if (spec->name != "cpp" || d.kind != "function" || d.name_qualifier.empty()) return d.kind;
    const size_t dot = d.name_qualifier.rfind('.');
    const std::string owner = dot == std::string::npos ? d.name_qualifier : d.name_qualifier.substr(dot + 1);
    const bool type_like = (!owner.empty() && std::isupper(static_cast<unsigned char>(owner[0]))) ||
                           std::find(file_types.begin(), file_types.end(), owner) != file_types.end();
    if (!type_like) return d.kind;
    return d.name == owner || d.name == "~" + owner ? "constructor" : "method";
  };
  std::vector<const Definition*> stack;
  std::vector<std::pair<uint32_t, uint32_t>> top_level_ranges;  // byte ranges covered by outermost chunks
  for (const Definition& d : defs) {
    while (!stack.empty() && stack.back()->end <= d.start) stack.pop_back();
    std::string qualifier;
    const Definition* enclosing_chunk = nullptr;
    for (const Definition* outer : stack) {
      if (!qualifier.empty()) qualifier += '.';
      qualifier += outer->name_qualifier.empty() ? outer->name : outer->name_qualifier + "." + outer->name;
      if (!outer->kind.empty()) enclosing_chunk = outer;
    }
    const bool in_impl = !stack.empty() && stack.back()->impl_scope;
    if (!d.receiver.empty()) qualifier += (qualifier.empty() ? "" : ".") + d.receiver;
    if (!d.name_qualifier.empty()) qualifier += (qualifier.empty() ? "" : ".") + d.name_qualifier;
    stack.push_back(&d);
    if (d.kind.empty()) continue;  // a scope, not a chunk

    Chunk chunk;
    chunk.path = std::string(path);
    chunk.language = spec->name;
    chunk.kind = outOfLineKind(d);
    if (chunk.kind == "function" && ((enclosing_chunk && isContainerKind(enclosing_chunk->kind)) || in_impl))
      chunk.kind = "method";
    if ((chunk.kind == "method" || chunk.kind == "function") && enclosing_chunk && isConstructorName(d.name))
      chunk.kind = "constructor";
    chunk.name = d.name;
    chunk.qualified_name = qualifier.empty() ? d.name : qualifier + "." + d.name;

    std::string_view text = source.substr(d.start, d.end - d.start);
    chunk.signature = signatureOf(source, d);
    if (in_impl && !stack[stack.size() - 2]->trait.empty()) {
      // A trait method says which trait it implements for which type: impl Serialize for Foo.
      const Definition& impl = *stack[stack.size() - 2];
      chunk.signature = "impl " + impl.trait + " for " + impl.name + ": " + chunk.signature;
    }

    // Doc: a docstring as the body's first statement, else contiguous comments right before.
    uint32_t doc_start = d.start;  // where the chunk's lines begin for the module remainder
    const LanguageConventions& conventions = spec->conventions;
    if (conventions.attribute_doc) chunk.doc = cleanDoc(conventions.attribute_doc(source, d.node), conventions);
    if (chunk.doc.empty() && d.has_body && ts_node_named_child_count(d.body) > 0) {
      TSNode first = ts_node_named_child(d.body, 0);
      if (std::strcmp(ts_node_type(first), "expression_statement") == 0 && ts_node_named_child_count(first) > 0 &&
          std::strcmp(ts_node_type(ts_node_named_child(first, 0)), "string") == 0) {
        chunk.doc = cleanDoc(textOf(source, first), conventions);
      }
    }
    if (chunk.doc.empty()) {
      TSNode anchor = d.node;
      for (TSNode parent = ts_node_parent(anchor); !ts_node_is_null(parent) && isWrapper(ts_node_type(parent));
           parent = ts_node_parent(parent))
        anchor = parent;
      std::vector<std::string_view> comments;
      uint32_t next_row = ts_node_start_point(anchor).row;
      doc_start = std::min(doc_start, ts_node_start_byte(anchor));
      TSNode before = ts_node_prev_named_sibling(anchor);
      if (ts_node_is_null(before) && conventions.comment_may_end_previous_node && !ts_node_is_null(ts_node_parent(anchor)))
        before = ts_node_prev_named_sibling(ts_node_parent(anchor));  // the first of a list (Haskell's declarations)
      for (TSNode prev = before; !ts_node_is_null(prev); prev = ts_node_prev_named_sibling(prev)) {
        std::string_view type = ts_node_type(prev);
        if (isAttribute(type)) {
          next_row = ts_node_start_point(prev).row;
          continue;
        }
        if (conventions.comment_may_end_previous_node && comments.empty() && !isDocComment(type, conventions)) {
          TSNode trailing = trailingComment(source, prev, conventions);
          if (!ts_node_is_null(trailing)) {
            prev = trailing;  // and go on with the comments before it, inside that node
            type = ts_node_type(prev);
          }
        }
        if (!isDocComment(type, conventions) || ts_node_end_point(prev).row + 1 < next_row) break;
        comments.push_back(textOf(source, prev));
        next_row = ts_node_start_point(prev).row;
        doc_start = std::min(doc_start, ts_node_start_byte(prev));
      }
      std::string joined;
      for (auto it = comments.rbegin(); it != comments.rend(); ++it) {
        joined.append(*it);
        joined.push_back('\n');
      }
      chunk.doc = cleanDoc(joined, conventions);
    }

    const bool contains_chunks = isContainerKind(chunk.kind);
    const size_t cap = contains_chunks ? kMaxContainerText : kMaxChunkText;
    chunk.text = std::string(text.substr(0, cap));
    chunk.start_byte = d.start;
    chunk.end_byte = d.end;
    chunk.start = lines.point(d.start);
    chunk.end = lines.point(d.end);
    chunks.push_back(std::move(chunk));
    if (!contains_chunks) appendWindows(chunks, source, lines);

    if (top_level_ranges.empty() || d.start >= top_level_ranges.back().second) {
      top_level_ranges.emplace_back(doc_start, d.end);
    }
  }
  for (TSTree* t : trees) ts_tree_delete(t);

  if (impl_->options.module_chunks && !source.empty()) {
    // Every line not inside an outermost chunk belongs to the file's "module" chunk.
    std::vector<bool> covered(lines.lines(), false);
    for (const auto& [start, end] : top_level_ranges) {
      SourcePoint a = lines.point(start), b = lines.point(end);
      for (uint32_t l = a.line; l <= b.line && l < covered.size(); ++l) covered[l] = true;
    }
    std::string text;
    int first = -1, last = -1;
    for (size_t l = 0; l < lines.lines(); ++l) {
      if (covered[l]) continue;
      std::string_view line = source.substr(lines.lineStart(l), lines.lineEnd(l) - lines.lineStart(l));
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
        if (!text.empty() && text.back() != '\n') text.push_back('\n');
        continue;
      }
      if (first < 0) first = static_cast<int>(l);
      last = static_cast<int>(l);
      if (text.size() < kMaxModuleText) {
        text.append(line);
        text.push_back('\n');
      }
    }
    if (first >= 0) {
      Chunk module;
      module.path = std::string(path);
      module.language = spec->name;
      module.kind = "module";
      module.name = fileNameOf(path);
      module.qualified_name = module.name;
      module.text = text.substr(0, kMaxModuleText);
      module.start_byte = lines.lineStart(first);
      module.end_byte = lines.lineEnd(last);
      module.start = lines.point(module.start_byte);
      module.end = lines.point(module.end_byte);
      chunks.push_back(std::move(module));
    }
  }
  return chunks;
}

}  // namespace cs
