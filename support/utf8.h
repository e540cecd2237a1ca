// UTF-8 helpers shared by the extractor (chunk columns) and the server (LSP
// positions). Invalid UTF-8 never fails: a bad byte counts as one unit.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace cs::utf8 {

// Length of the UTF-8 sequence starting at text[i] (1 for an invalid or truncated one).
inline size_t sequenceLength(std::string_view text, size_t i) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  size_t len = 1;
  if (lead >= 0x80) {
    if ((lead >> 5) == 0x6) len = 2;
    else if ((lead >> 4) == 0xE) len = 3;
    else if ((lead >> 3) == 0x1E) len = 4;
  }
  if (len == 1) return 1;
  if (i + len > text.size()) return 1;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return 1;
  }
  return len;
}

// Number of UTF-16 code units needed for `text` (astral characters count 2).
inline size_t utf16Length(std::string_view text) {
  size_t units = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len = sequenceLength(text, i);
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return units;
}

}  // namespace cs::utf8
