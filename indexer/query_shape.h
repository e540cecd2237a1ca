// QueryShape: what a search query looks like, for the ranking stages that
// depend on it (ranking.h): a bare identifier or qualified name ("HttpClient",
// "Rails::Engine", "parse_config") is answered from definitions first;
// identifiers embedded in a sentence ("where is HttpClient configured") keep
// a strong definition signal; the remaining words are matched against file
// names. Pure functions over values; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cs {

struct QueryShape {
  bool symbol = false;             // the whole query is one identifier or qualified name
  std::string symbol_name;         // its last segment as written: "Engine" for "Rails::Engine"
  std::string symbol_key;          // identifierKey(symbol_name)
  std::string qualifier;           // the segments before it, lower-case, joined with '.': "rails"
  std::vector<std::string> embedded_symbols;  // camelCase / PascalCase / snake_case words inside a sentence, as written
  std::vector<std::string> keywords;          // lower-case words of 3+ letters that are not stop words
};

QueryShape analyseQuery(std::string_view query);

// An identifier with case and separators dropped, so parse_config, parseConfig
// and ParseConfig meet: "parseconfig".
std::string identifierKey(std::string_view identifier);

}  // namespace cs
