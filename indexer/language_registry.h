// The table of supported languages: name, file extensions, tree-sitter grammar
// and compiled extraction query. Compiled queries are immutable and shared by
// every thread; the table is built once (thread-safe static initialisation).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "support/result.h"

struct TSLanguage;
struct TSQuery;

namespace cs {

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
};

// nullptr for an unsupported language name.
const LanguageSpec* findLanguage(std::string_view name);
const std::vector<LanguageSpec>& allLanguages();

// Defined in the generated embedded_queries.cpp.
std::string_view embeddedQuery(std::string_view language);

}  // namespace cs
