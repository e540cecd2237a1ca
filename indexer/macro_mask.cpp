#include "indexer/macro_mask.h"

#include <cctype>

namespace cs {
namespace {

bool isIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// An identifier spelled like a macro: capitals, digits and underscores, with a letter.
bool isMacroSpelling(std::string_view word) {
  bool letter = false;
  for (char c : word) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    letter |= std::isupper(static_cast<unsigned char>(c)) != 0;
  }
  return letter;
}

size_t skipBlanks(std::string_view line, size_t i) {
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

// The end of a balanced (...) group starting at `open`, or npos.
size_t closingParen(std::string_view line, size_t open) {
  int depth = 0;
  for (size_t i = open; i < line.size(); ++i) {
    if (line[i] == '(') ++depth;
    if (line[i] == ')' && --depth == 0) return i + 1;
  }
  return std::string_view::npos;
}

void blank(std::string& out, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (out[i] != '\n') out[i] = ' ';
  }
}

// Masks within one line (not a preprocessor line): the whole line when it is
// one macro call starting a statement, else each macro-spelled word with an
// underscore that is followed by another identifier (an export or attribute
// macro before a name).
void maskLine(std::string& out, size_t line_start, std::string_view line, bool starts_statement) {
  size_t first = skipBlanks(line, 0);
  if (starts_statement && first < line.size() && isIdentifierStart(line[first])) {
    size_t end = first;
    while (end < line.size() && isIdentifierChar(line[end])) ++end;
    std::string_view word = line.substr(first, end - first);
    size_t rest = skipBlanks(line, end);
    const bool call = rest < line.size() && line[rest] == '(';
    if (call) rest = closingParen(line, rest);
    if (rest != std::string_view::npos) {
      rest = skipBlanks(line, rest);
      // FOO(x); is a macro statement; a bare FOO; is more likely the end of an expression.
      if (call && rest < line.size() && line[rest] == ';') rest = skipBlanks(line, rest + 1);
      if (rest < line.size() && line.substr(rest, 2) == "//") rest = line.size();
      if (rest >= line.size() && word.size() >= 3 && isMacroSpelling(word)) {
        blank(out, line_start + first, line_start + line.size());
        return;
      }
    }
  }
  for (size_t i = 0; i < line.size();) {
    if (!isIdentifierStart(line[i]) || (i > 0 && isIdentifierChar(line[i - 1]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < line.size() && isIdentifierChar(line[end])) ++end;
    std::string_view word = line.substr(i, end - i);
    size_t next = end;
    if (next < line.size() && line[next] == '(') {
      size_t close = closingParen(line, next);
      next = close == std::string_view::npos ? next : close;
    }
    const size_t after = skipBlanks(line, next);
    const bool before_name = after > next || next > end;  // a blank or an argument list, then...
    if (word.size() >= 4 && word.find('_') != std::string_view::npos && isMacroSpelling(word) && before_name &&
        after < line.size() && isIdentifierStart(line[after])) {
      blank(out, line_start + i, line_start + next);
    }
    i = end;
  }
}

}  // namespace

std::string maskConfusingMacros(std::string_view source) {
  std::string out(source);
  bool continued = false;        // the previous line ended with a backslash (a multi-line #define)
  bool starts_statement = true;  // the previous code line ended a statement or block (or there was none)
  bool in_comment = false;       // inside a /* ... */ that spans lines
  size_t start = 0;
  while (start < source.size()) {
    size_t nl = source.find('\n', start);
    if (nl == std::string_view::npos) nl = source.size();
    std::string_view line = source.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = skipBlanks(line, 0);
    const bool directive = first < line.size() && line[first] == '#';
    const bool was_in_comment = in_comment;
    for (size_t i = 0; i + 1 < line.size(); ++i) {  // track /* */ (strings are rare enough to ignore here)
      if (!in_comment && line[i] == '/' && line[i + 1] == '/') break;
      if (!in_comment && line[i] == '/' && line[i + 1] == '*') in_comment = true, ++i;
      else if (in_comment && line[i] == '*' && line[i + 1] == '/') in_comment = false, ++i;
    }
    if (!continued && !directive && !was_in_comment) maskLine(out, start, line, starts_statement);
    // What the next line follows: the last character of this line's code, ignoring comments and blanks.
    std::string_view code = line.substr(0, std::min(line.find("//"), line.size()));
    const size_t last = code.find_last_not_of(" \t");
    const bool blank_or_comment = last == std::string_view::npos || was_in_comment || in_comment ||
                                  code.substr(skipBlanks(code, 0), 2) == "/*" || code.substr(skipBlanks(code, 0), 1) == "*";
    if (directive || continued) {
      starts_statement = true;
    } else if (!blank_or_comment) {
      const char c = code[last];
      starts_statement = c == ';' || c == '{' || c == '}' || c == ':';
      // A line that was itself a masked macro line also leaves the next one at a statement start.
      if (out.compare(start, line.size(), std::string(line.size(), ' ')) == 0) starts_statement = true;
    }
    continued = !line.empty() && line.back() == '\\';
    start = nl + 1;
  }
  return out;
}

}  // namespace cs
