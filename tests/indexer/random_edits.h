// Helpers for the incremental-extraction tests (tests/indexer, tests/server):
// random editor-like edits at character boundaries, with snippets that open
// and close scopes, comments and strings, multi-byte UTF-8 (2, 3 and 4 bytes,
// so UTF-16 surrogate pairs too), and a chunk's every field as one string.
// For tests only.
#pragma once

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "indexer/chunk.h"
#include "indexer/text_edit.h"

namespace cs::test {

// Every field of a chunk; two chunks are the same when these are equal.
inline std::string describeChunk(const Chunk& c) {
  std::ostringstream out;
  out << c.language << '|' << c.kind << '|' << c.name << '|' << c.qualified_name << '|' << c.part << '|'
      << c.start_byte << '-' << c.end_byte << '|' << c.start.line << ':' << c.start.byte_column << ':'
      << c.start.utf16_column << '-' << c.end.line << ':' << c.end.byte_column << ':' << c.end.utf16_column << '|'
      << c.path << "|sig:" << c.signature << "|doc:" << c.doc << "|text:" << c.text;
  return out.str();
}

inline std::vector<std::string> describeChunks(const std::vector<Chunk>& chunks) {
  std::vector<std::string> out;
  for (const Chunk& c : chunks) out.push_back(describeChunk(c));
  return out;
}

class RandomEditor {
 public:
  explicit RandomEditor(unsigned seed) : rng_(seed) {}

  // One random edit of `text`: an insertion, a deletion or a replacement, at
  // character boundaries.
  TextEdit next(const std::string& text) {
    static const std::vector<std::string> kSnippets = {
        "x", "value", " ", "\n", "\n    ", "(", ")", "{", "}", "[", "]", ";", ",", ".", "::", "=", "<T>", "\"", "'",
        "//", "# note\n", "/*", "*/", "-- |", "é", "日本語", "😀", "𝔘", "def g():\n    pass\n", "fn h() {}\n",
        "func k() {}\n", "class C {\n", "end\n", "@doc \"d\"\n", "int m(void) { return 0; }\n", "  return 1\n"};
    const size_t at = boundary(text, pick(text.size() + 1));
    const size_t length = pick(3) == 0 ? pick(40) : 0;
    const size_t end = boundary(text, std::min(text.size(), at + length));
    TextEdit edit{static_cast<uint32_t>(at), static_cast<uint32_t>(end), ""};
    if (pick(4) != 0) edit.new_text = kSnippets[pick(kSnippets.size())];
    return edit;
  }

  size_t pick(size_t n) { return n == 0 ? 0 : rng_() % n; }

 private:
  // The first character boundary at or after `i`.
  static size_t boundary(const std::string& text, size_t i) {
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    return i;
  }

  std::mt19937 rng_;
};

// The edit that undoes `edit` once it has been applied to `before`.
inline TextEdit inverseOf(const TextEdit& edit, const std::string& before) {
  return TextEdit{edit.start_byte, static_cast<uint32_t>(edit.start_byte + edit.new_text.size()),
                  before.substr(edit.start_byte, edit.old_end_byte - edit.start_byte)};
}

}  // namespace cs::test
