// Doc comments: where a definition's doc is (an attribute, a docstring, the
// comments right before it) and how its comment markers are stripped.
#include <cstring>

#include "indexer/extractor_stages.h"

namespace cs::extraction {
namespace {

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

// One doc line without its comment markers (Lua "---", Haskell "-- |", "//", "*", ...).
std::string_view stripMarkers(std::string_view line, const LanguageConventions& conventions) {
  auto trim = [&] {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  };
  trim();
  for (const std::string& marker : conventions.doc_prefixes) {
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
  return line;
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
    out.append(stripMarkers(std::string_view(text.data() + pos, nl - pos), conventions));
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

// A docstring as the first statement of the body (Python).
std::string docstringOf(std::string_view source, const Definition& d, const LanguageConventions& conventions) {
  if (!d.has_body || ts_node_named_child_count(d.body) == 0) return {};
  TSNode first = ts_node_named_child(d.body, 0);
  if (std::strcmp(ts_node_type(first), "expression_statement") == 0 && ts_node_named_child_count(first) > 0 &&
      std::strcmp(ts_node_type(ts_node_named_child(first, 0)), "string") == 0) {
    return cleanDoc(textOf(source, first), conventions);
  }
  return {};
}

// The contiguous comments right before the definition (or the wrapper around
// it), attributes allowed in between; `doc.start` moves to the first of them,
// `doc.reads_from` to the first node looked at.
void commentsBefore(std::string_view source, const Definition& d, const LanguageConventions& conventions,
                    DefinitionDoc& doc) {
  TSNode anchor = d.node;
  for (TSNode parent = ts_node_parent(anchor); !ts_node_is_null(parent) && isWrapper(ts_node_type(parent));
       parent = ts_node_parent(parent))
    anchor = parent;
  std::vector<std::string_view> comments;
  uint32_t next_row = ts_node_start_point(anchor).row;
  doc.start = std::min(doc.start, ts_node_start_byte(anchor));
  TSNode before = ts_node_prev_named_sibling(anchor);
  TSNode list = ts_node_parent(anchor);  // whose children the loop walks
  if (ts_node_is_null(before) && conventions.comment_may_end_previous_node && !ts_node_is_null(list)) {
    before = ts_node_prev_named_sibling(list);  // the first of a list (Haskell's declarations)
    list = ts_node_parent(list);
  }
  TSNode prev = before;
  for (; !ts_node_is_null(prev); prev = ts_node_prev_named_sibling(prev)) {
    doc.reads_from = std::min(doc.reads_from, ts_node_start_byte(prev));
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
    doc.start = std::min(doc.start, ts_node_start_byte(prev));
  }
  // Out of siblings: a comment inserted before the first one would count too.
  if (ts_node_is_null(prev) && !ts_node_is_null(list))
    doc.reads_from = std::min(doc.reads_from, ts_node_start_byte(list));
  std::string joined;
  for (auto it = comments.rbegin(); it != comments.rend(); ++it) {
    joined.append(*it);
    joined.push_back('\n');
  }
  doc.text = cleanDoc(joined, conventions);
}

}  // namespace

DefinitionDoc findDoc(std::string_view source, const Definition& d, const LanguageConventions& conventions) {
  DefinitionDoc doc;
  doc.start = d.start;
  doc.reads_from = d.span_start;
  if (conventions.attribute_doc)
    doc.text = cleanDoc(conventions.attribute_doc(source, d.node, doc.reads_from), conventions);
  if (doc.text.empty()) doc.text = docstringOf(source, d, conventions);
  if (doc.text.empty()) commentsBefore(source, d, conventions, doc);
  return doc;
}

}  // namespace cs::extraction
