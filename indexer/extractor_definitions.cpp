// Definitions from the query's matches: captures to names, bodies and
// scopes; the ordering, de-duplication and clause merging that the chunk
// stage relies on.
#include <cstring>
#include <optional>

#include "indexer/extractor_stages.h"

namespace cs::extraction {
namespace {

// No language lets a definition be called this; a parse that says so is recovering from an error.
bool isControlKeyword(std::string_view name) {
  for (std::string_view keyword : {"if", "else", "switch", "while", "for", "do", "return", "sizeof", "case", "catch",
                                   "try", "noexcept", "throw"}) {
    if (name == keyword) return true;
  }
  return false;
}

// Splits "ns::Foo::bar" / "Foo.bar" into qualifier "ns.Foo" and name "bar".
// "basic_thing<T>::size" -> "basic_thing::size": an out-of-line member is
// named like the template.
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

// The captures of one match as a Definition; nullopt when it names no node or no name.
std::optional<Definition> definitionOfMatch(const TSQuery* query, const TSQueryMatch& match, std::string_view source) {
  Definition d;
  d.pattern = match.pattern_index;
  d.span_start = UINT32_MAX;
  bool has_node = false;
  for (uint16_t i = 0; i < match.capture_count; ++i) {
    const TSQueryCapture& cap = match.captures[i];
    d.span_start = std::min(d.span_start, ts_node_start_byte(cap.node));
    d.span_end = std::max(d.span_end, ts_node_end_byte(cap.node));
    uint32_t len = 0;
    const char* cname = ts_query_capture_name_for_id(query, cap.index, &len);
    std::string_view capture(cname, len);
    if (capture == "name") {
      d.name = std::string(textOf(source, cap.node));
      d.name_start = ts_node_start_byte(cap.node);
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
  if (!has_node || d.name.empty()) return std::nullopt;
  return d;
}

// The body the query could not capture (LanguageConventions::body_node), the
// byte range (decorators in, trailing layout whitespace out) and the name split
// from its qualifier. False for a name that only error recovery produces.
bool completeDefinition(const LanguageSpec& spec, std::string_view source, Definition& d) {
  if (!d.has_body && !spec.conventions.body_node.empty()) {
    for (uint32_t i = ts_node_named_child_count(d.node); i-- > 0;) {
      TSNode child = ts_node_named_child(d.node, i);
      if (spec.conventions.body_node == ts_node_type(child)) {
        d.body = child;
        d.has_body = true;
        break;
      }
    }
  }
  d.node_start = d.start = ts_node_start_byte(d.node);
  d.node_end = d.end = ts_node_end_byte(d.node);
  d.symbol = ts_node_symbol(d.node);
  if (d.has_body) d.body_start = ts_node_start_byte(d.body);
  const TSNode parent = ts_node_parent(d.node);
  if (!ts_node_is_null(parent))
    d.parent = ParentKey{ts_node_start_byte(parent), ts_node_end_byte(parent), ts_node_symbol(parent)};
  // A Python definition's decorators (@app.route("/users")) say what it is for: they are its first lines.
  if (!ts_node_is_null(parent) && std::strcmp(ts_node_type(parent), "decorated_definition") == 0)
    d.start = ts_node_start_byte(parent);
  d.span_start = std::min(d.span_start, d.start);
  d.span_end = std::max(d.span_end, d.node_end);
  // Layout-sensitive grammars (Scala, Haskell) can end a node after the newline.
  while (d.end > d.start && d.end <= source.size() &&
         (source[d.end - 1] == '\n' || source[d.end - 1] == ' ' || source[d.end - 1] == '\r'))
    --d.end;
  splitQualifiedName(d);
  return !isControlKeyword(d.name);  // error recovery's guess (an #ifdef inside an if/else chain)
}

}  // namespace

std::string_view textOf(std::string_view source, TSNode node) {
  uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
  if (end > source.size() || start > end) return {};
  return source.substr(start, end - start);
}

// An operator's own angle brackets (operator<<) stay.
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

void collectDefinitions(const LanguageSpec& spec, TSQueryCursor* cursor, TSNode root, std::string_view source,
                        std::vector<Definition>& defs, std::pair<uint32_t, uint32_t> range) {
  const TSQuery* query = spec.query;
  ts_query_cursor_set_byte_range(cursor, range.first, range.second);
  ts_query_cursor_exec(cursor, query, root);
  TSQueryMatch match;
  while (ts_query_cursor_next_match(cursor, &match)) {
    if (!predicatesHold(query, match, source)) continue;
    std::optional<Definition> d = definitionOfMatch(query, match, source);
    if (!d || !completeDefinition(spec, source, *d)) continue;
    if (!d->kind.empty()) d->doc = findDoc(source, *d, spec.conventions);
    defs.push_back(std::move(*d));
  }
  ts_query_cursor_set_byte_range(cursor, 0, UINT32_MAX);
}

void sortDefinitions(std::vector<Definition>& defs) {
  // Outer definitions first, so a stack of open ranges gives each one its
  // scopes; matches of one node in pattern order, then by where the name is.
  // A total order: an incremental extraction gives its mix of kept and new
  // definitions in another order than a full one and must get the same result.
  std::sort(defs.begin(), defs.end(), [](const Definition& a, const Definition& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.end != b.end) return a.end > b.end;
    if (a.pattern != b.pattern) return a.pattern < b.pattern;
    if (a.name_start != b.name_start) return a.name_start < b.name_start;
    return !ts_node_is_null(a.node) && ts_node_is_null(b.node);  // one found again before its kept copy
  });
  // Two patterns can match one node (e.g. a Rust impl both as scope and type): keep the first.
  defs.erase(std::unique(defs.begin(), defs.end(),
                         [](const Definition& a, const Definition& b) {
                           return a.start == b.start && a.end == b.end && a.kind == b.kind;
                         }),
             defs.end());
}

void mergeClauses(std::vector<Definition>& defs) {
  std::vector<Definition> merged;
  for (Definition& d : defs) {
    if (!merged.empty()) {
      Definition& prev = merged.back();
      if (!d.kind.empty() && prev.kind == d.kind && prev.name == d.name && prev.end <= d.start &&
          prev.parent == d.parent) {
        prev.end = d.end;
        if (!prev.has_body && d.has_body) {  // a signature or a bodiless head first: the body is the first clause's
          prev.body = d.body;
          prev.body_start = d.body_start;
          prev.has_body = true;
        }
        continue;
      }
    }
    merged.push_back(std::move(d));
  }
  defs = std::move(merged);
}

}  // namespace cs::extraction
