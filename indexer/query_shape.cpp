#include "indexer/query_shape.h"

#include <algorithm>
#include <cctype>

#include "model/identifier_split.h"

namespace cs {
namespace {

bool isIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// Splits "Rails::Engine", "a.b.c", "App\\Http\\Kernel", "pkg/Type", "obj->field", "Foo#bar"
// into segments; empty when the text is not one (qualified) identifier.
std::vector<std::string> qualifiedSegments(std::string_view text) {
  std::vector<std::string> segments;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (isIdentifierChar(c)) {
      current.push_back(c);
      continue;
    }
    size_t separator = 0;
    if (text.substr(i, 2) == "::" || text.substr(i, 2) == "->") {
      separator = 2;
    } else if (c == '.' || c == '\\' || c == '/' || c == '#') {
      separator = 1;
    }
    if (separator == 0 || current.empty()) return {};
    segments.push_back(std::move(current));
    current.clear();
    i += separator - 1;
  }
  if (current.empty()) return {};
  segments.push_back(std::move(current));
  return segments;
}

bool hasLetter(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](unsigned char c) { return std::isalpha(c); });
}

// An identifier a programmer wrote on purpose inside a sentence: inner capitals
// (HttpClient, beforeAll) or an inner underscore (parse_config).
bool looksLikeEmbeddedIdentifier(std::string_view word) {
  if (word.size() < 3 || !hasLetter(word)) return false;
  bool lower_seen = false, inner_upper = false;
  for (size_t i = 0; i < word.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(word[i]);
    if (std::islower(c)) lower_seen = true;
    if (i > 0 && std::isupper(c) && lower_seen) inner_upper = true;
  }
  const size_t underscore = word.find('_', 1);
  return inner_upper || (underscore != std::string_view::npos && underscore + 1 < word.size());
}

bool isStopWord(std::string_view word) {
  static const char* const kStopWords[] = {
      "the",  "and",  "are",   "for",   "from", "has",   "have",  "how",  "into", "its",   "not",  "that",
      "this", "was",  "what",  "when",  "where", "which", "who",  "why",  "with", "does",  "use",  "used",
      "using", "via", "all",   "any",   "can",  "get",   "set",   "out",  "way",  "their", "them", "then",
      "there", "these", "those", "through", "about", "code", "function", "functions", "method", "methods",
      "implementation", "logic", "handling"};
  return std::any_of(std::begin(kStopWords), std::end(kStopWords), [&](const char* s) { return word == s; });
}

}  // namespace

std::string identifierKey(std::string_view identifier) {
  std::string key;
  for (char c : identifier) {
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80)
      key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return key;
}

QueryShape analyseQuery(std::string_view query) {
  QueryShape shape;
  const std::string_view text = trimmed(query);
  if (text.empty()) return shape;
  const bool one_word = std::none_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
  if (one_word) {
    std::vector<std::string> segments = qualifiedSegments(text);
    if (!segments.empty() && hasLetter(segments.back())) {
      shape.symbol = true;
      shape.symbol_name = segments.back();
      shape.symbol_key = identifierKey(shape.symbol_name);
      for (size_t i = 0; i + 1 < segments.size(); ++i) {
        if (!shape.qualifier.empty()) shape.qualifier += '.';
        shape.qualifier += identifierKey(segments[i]);
      }
    }
  }
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && !isIdentifierChar(text[pos])) ++pos;
    size_t end = pos;
    while (end < text.size() && isIdentifierChar(text[end])) ++end;
    std::string_view word = text.substr(pos, end - pos);
    pos = end;
    if (word.empty()) continue;
    if (!shape.symbol && looksLikeEmbeddedIdentifier(word)) shape.embedded_symbols.emplace_back(word);
    for (const std::string& part : splitIdentifierWords(word)) {
      if (part.size() < 3 || isStopWord(part) || !hasLetter(part)) continue;
      if (std::find(shape.keywords.begin(), shape.keywords.end(), part) == shape.keywords.end())
        shape.keywords.push_back(part);
    }
  }
  return shape;
}

}  // namespace cs
