#include "indexer/doc_summary.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace cs {
namespace {

bool startsWithTag(std::string_view line) {
  for (std::string_view tag : {"@", ":param", ":type", ":return", ":rtype", ":raises", ":arg", ":keyword", ">>>",
                               "Args:", "Arguments:", "Returns:", "Return:", "Raises:", "Yields:", "Example", "Examples",
                               "Parameters", "Note:", "Notes", "See Also", "# Examples", "# Panics", "# Errors",
                               "# Safety", "# Arguments", "```", "..", "Deprecated", "TODO", "FIXME", "Copyright",
                               "SPDX", "<param", "<returns", "<exception", "<example", "<remarks"}) {
    if (line.substr(0, tag.size()) == tag) return true;
  }
  return false;
}

// Tags that start a doc line in one language's conventions only.
bool startsWithLanguageTag(std::string_view line, std::string_view language) {
  if (language == "swift") {
    for (std::string_view tag : {"- Parameter", "- Returns", "- Throws", "- Note", "- Precondition", "- Postcondition",
                                 "- Complexity", "- Important", "- Warning", "- SeeAlso", "- Since", "- Author"}) {
      if (line.substr(0, tag.size()) == tag) return true;
    }
  } else if (language == "elixir") {
    return line.substr(0, 4) == "iex>" || line.substr(0, 1) == "#";  // examples, "## Options" sections
  } else if (language == "haskell") {
    return line.substr(0, 5) == "prop>" || line.substr(0, 2) == "==";  // properties, "== Examples" sections
  } else if (language == "scala") {
    return line.substr(0, 3) == "{{{";  // code blocks
  }
  return false;
}

// Drops one pair of `open`...`close` delimiters around text without spaces (or
// any text when `words` is set): Haddock 'f', "Data.Map", KDoc [x], Scaladoc [[X]].
std::string unwrap(const std::string& text, std::string_view open, std::string_view close, bool words) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool boundary = i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1]));
    if (boundary && text.compare(i, open.size(), open) == 0) {
      size_t end = text.find(close, i + open.size());
      if (end != std::string::npos && end > i + open.size()) {
        std::string inner = text.substr(i + open.size(), end - i - open.size());
        if (words || inner.find(' ') == std::string::npos) {
          out += inner;
          i = end + close.size();
          continue;
        }
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::string stripLanguageMarkup(std::string text, std::string_view language) {
  if (language == "haskell") {
    text = unwrap(text, "'", "'", false);
    text = unwrap(text, "\"", "\"", false);
    text = unwrap(text, "@", "@", true);
  } else if (language == "kotlin") {
    text = unwrap(text, "[", "]", false);
  } else if (language == "scala") {
    text = unwrap(text, "[[", "]]", false);
  }
  return text;
}

std::string stripMarkup(std::string text) {
  // {@link Foo#bar} / {@code x} -> the inner text.
  for (size_t p; (p = text.find("{@")) != std::string::npos;) {
    size_t space = text.find(' ', p);
    size_t close = text.find('}', p);
    if (close == std::string::npos) break;
    std::string inner = space != std::string::npos && space < close ? text.substr(space + 1, close - space - 1) : "";
    text.replace(p, close - p + 1, inner);
  }
  std::string out;
  bool in_tag = false;
  for (char c : text) {
    if (c == '<') in_tag = true;
    if (!in_tag && c != '`' && c != '*') out.push_back(c);
    if (c == '>') in_tag = false;
  }
  return out;
}

}  // namespace

std::string docSummary(const std::string& doc, std::string_view language) {
  std::vector<std::string> kept;
  size_t pos = 0;
  while (pos <= doc.size()) {
    size_t nl = doc.find('\n', pos);
    if (nl == std::string::npos) nl = doc.size();
    std::string line = doc.substr(pos, nl - pos);
    pos = nl + 1;
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos) {
      if (!kept.empty()) break;  // end of the first paragraph
      continue;
    }
    line = line.substr(b);
    if (startsWithTag(line) || (!language.empty() && startsWithLanguageTag(line, language))) {
      if (!kept.empty()) break;
      return {};  // a doc that starts with tags has no summary
    }
    kept.push_back(line);
  }
  std::string text;
  for (const auto& line : kept) {
    if (!text.empty()) text.push_back(' ');
    text += line;
  }
  if (!language.empty()) text = stripLanguageMarkup(text, language);
  text = stripMarkup(text);
  // Collapse whitespace; cap at 60 words.
  std::string out;
  int words = 0;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) {
      if (++words >= 60) break;
      out.push_back(' ');
    }
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace cs
