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

std::string docSummary(const std::string& doc) {
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
    if (startsWithTag(line)) {
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
