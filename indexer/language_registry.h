// The table of supported languages: name, file extensions, tree-sitter grammar
// and compiled extraction query. Compiled queries are immutable and shared by
// every thread; the table is built once (thread-safe static initialisation).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "support/result.h"

#include <tree_sitter/api.h>

namespace cs {

// Doc-comment and definition conventions that differ from the generic ones
// (indexer/language_conventions.cpp). All off for the original languages.
struct LanguageConventions {
  // Comment markers stripped from doc lines before the generic ones ("---" and
  // "--" in Lua, "-- |" in Haskell), and closing markers ("-}").
  std::vector<std::string> doc_prefixes, doc_suffixes;
  // A comment node type whose name lacks "comment" (Haskell's "haddock").
  std::string comment_node;
  // The grammar attaches a comment to the end of the node before it (Kotlin's
  // and Haskell's comments after the imports): look there for the doc too.
  bool comment_may_end_previous_node = false;
  // Consecutive sibling definitions with one name are one chunk (Haskell
  // signatures and equations, Elixir function clauses).
  bool merge_clauses = false;
  // The node type of a definition's body when the query cannot afford to
  // capture it (Swift's function_body: see swift.scm); found among the children.
  std::string body_node;
  // A doc that is not a comment before the definition (Elixir's @doc and
  // @moduledoc strings): its raw text, or "" to look for comments. Lowers
  // `reads_from` to the start of every node before the definition it looked at
  // (an edit before that cannot change the answer).
  std::string (*attribute_doc)(std::string_view source, TSNode definition, uint32_t& reads_from) = nullptr;
};

struct LanguageSpec {
  std::string name;                     // "python", "tsx", ...
  std::vector<std::string> extensions;  // with the dot: ".py"
  const TSLanguage* grammar = nullptr;
  const TSQuery* query = nullptr;       // compiled indexer/queries/<name>.scm
  std::string query_error;              // why the query did not compile (a build problem)
  // Node type of an item-position macro call whose `{ ... }` body holds items
  // (Rust's `cfg_rt! { pub fn spawn ... }`); the extractor parses such bodies
  // again as code. Empty for languages without them.
  std::string item_macro_node;
  LanguageConventions conventions;
};

// nullptr for an unsupported language name.
const LanguageSpec* findLanguage(std::string_view name);
const std::vector<LanguageSpec>& allLanguages();

// Defined in the generated embedded_queries.cpp.
std::string_view embeddedQuery(std::string_view language);

}  // namespace cs
