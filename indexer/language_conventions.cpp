// Per-language doc-comment and definition conventions for the languages whose
// grammars or doc styles the generic extractor does not cover on its own.
#include "indexer/language_conventions.h"

#include <algorithm>
#include <cstring>

namespace cs {
namespace {

std::string_view textOf(std::string_view source, TSNode node) {
  uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
  if (end > source.size() || start > end) return {};
  return source.substr(start, end - start);
}

bool isType(TSNode node, const char* type) { return !ts_node_is_null(node) && std::strcmp(ts_node_type(node), type) == 0; }

// The name of a module attribute `@name ...` (an `@` unary operator on a call or
// identifier), or "" for any other node.
std::string_view attributeName(std::string_view source, TSNode node) {
  if (!isType(node, "unary_operator")) return {};
  TSNode operand = ts_node_child_by_field_name(node, "operand", 7);
  if (isType(operand, "identifier")) return textOf(source, operand);
  if (!isType(operand, "call")) return {};
  TSNode target = ts_node_child_by_field_name(operand, "target", 6);
  return isType(target, "identifier") ? textOf(source, target) : std::string_view{};
}

// The text of `@doc "..."` / `@doc """..."""` / `@doc ~S"""..."""`, without the
// delimiters; "" for `@doc false`.
std::string attributeString(std::string_view source, TSNode attribute) {
  TSNode call = ts_node_child_by_field_name(attribute, "operand", 7);
  if (!isType(call, "call")) return {};
  TSNode arguments{};
  for (uint32_t i = 0; i < ts_node_named_child_count(call); ++i) {
    if (isType(ts_node_named_child(call, i), "arguments")) arguments = ts_node_named_child(call, i);
  }
  if (ts_node_is_null(arguments) || ts_node_named_child_count(arguments) == 0) return {};
  TSNode value = ts_node_named_child(arguments, 0);
  if (!isType(value, "string") && !isType(value, "sigil")) return {};
  std::string_view text = textOf(source, value);
  if (!text.empty() && text.front() == '~') text.remove_prefix(std::min<size_t>(2, text.size()));  // ~S, ~s
  for (std::string_view quote : {"\"\"\"", "'''", "\"", "'"}) {
    if (text.size() >= 2 * quote.size() && text.substr(0, quote.size()) == quote &&
        text.substr(text.size() - quote.size()) == quote) {
      text = text.substr(quote.size(), text.size() - 2 * quote.size());
      break;
    }
  }
  return std::string(text);
}

bool isElixirModule(std::string_view keyword) {
  return keyword == "defmodule" || keyword == "defprotocol" || keyword == "defimpl";
}

// Elixir: a module's @moduledoc is an attribute at the top of its do block; a
// function's @doc precedes it, possibly with @spec/@impl/comments in between.
std::string elixirAttributeDoc(std::string_view source, TSNode definition, uint32_t& reads_from) {
  if (!isType(definition, "call")) return {};
  TSNode target = ts_node_child_by_field_name(definition, "target", 6);
  if (isType(target, "identifier") && isElixirModule(textOf(source, target))) {
    for (uint32_t i = 0; i < ts_node_named_child_count(definition); ++i) {
      TSNode block = ts_node_named_child(definition, i);
      if (!isType(block, "do_block")) continue;
      for (uint32_t j = 0; j < ts_node_named_child_count(block); ++j) {
        TSNode statement = ts_node_named_child(block, j);
        if (isType(statement, "comment")) continue;
        std::string_view name = attributeName(source, statement);
        if (name == "moduledoc") return attributeString(source, statement);
        if (name.empty()) break;  // past the attributes at the top
      }
    }
    return {};
  }
  TSNode prev = ts_node_prev_named_sibling(definition);
  for (; !ts_node_is_null(prev); prev = ts_node_prev_named_sibling(prev)) {
    reads_from = std::min(reads_from, ts_node_start_byte(prev));
    if (isType(prev, "comment")) continue;
    std::string_view name = attributeName(source, prev);
    if (name == "doc") return attributeString(source, prev);
    if (name.empty() || name == "moduledoc") break;  // @spec, @impl, @deprecated, ... sit between
  }
  // Out of siblings: an attribute inserted before the first one would count too.
  if (ts_node_is_null(prev) && !ts_node_is_null(ts_node_parent(definition)))
    reads_from = std::min(reads_from, ts_node_start_byte(ts_node_parent(definition)));
  return {};
}

}  // namespace

LanguageConventions languageConventions(std::string_view language) {
  LanguageConventions c;
  if (language == "kotlin") {
    c.comment_may_end_previous_node = true;  // a KDoc after the imports is part of the last import
  } else if (language == "lua") {
    c.doc_prefixes = {"--[[", "---", "--"};  // LuaLS "---", plain "--" and --[[ block ]] comments
    c.doc_suffixes = {"]]"};
  } else if (language == "haskell") {
    c.doc_prefixes = {"-- |", "--|", "-- ^", "--", "{-|", "{-"};  // Haddock
    c.doc_suffixes = {"-}"};
    c.comment_node = "haddock";
    c.comment_may_end_previous_node = true;  // a Haddock after the imports is part of them
    c.merge_clauses = true;                  // signature + equations
  } else if (language == "swift") {
    c.body_node = "function_body";
  } else if (language == "elixir") {
    c.merge_clauses = true;  // def f(0) ...; def f(n) ...
    c.attribute_doc = elixirAttributeDoc;
  }
  return c;
}

}  // namespace cs
