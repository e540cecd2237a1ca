#include "server/position_encoding.h"

namespace cs {
namespace {

// Length of the UTF-8 sequence starting with `lead`, or 1 for an invalid lead byte.
size_t sequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

bool validSequence(std::string_view text, size_t i, size_t len) {
  if (i + len > text.size()) return false;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
  }
  return true;
}

}  // namespace

int columnUnits(std::string_view line_prefix, PositionEncoding encoding) {
  if (encoding == PositionEncoding::kUtf8) return static_cast<int>(line_prefix.size());
  int units = 0;
  for (size_t i = 0; i < line_prefix.size();) {
    size_t len = sequenceLength(static_cast<unsigned char>(line_prefix[i]));
    if (len > 1 && !validSequence(line_prefix, i, len)) len = 1;
    units += len == 4 ? 2 : 1;  // astral characters are surrogate pairs in UTF-16
    i += len;
  }
  return units;
}

size_t byteOffsetAt(std::string_view text, const protocol::Position& position, PositionEncoding encoding) {
  size_t offset = 0;
  for (int line = 0; line < position.line; ++line) {
    size_t nl = text.find('\n', offset);
    if (nl == std::string_view::npos) return text.size();
    offset = nl + 1;
  }
  size_t line_end = text.find('\n', offset);
  if (line_end == std::string_view::npos) line_end = text.size();
  if (encoding == PositionEncoding::kUtf8) {
    return std::min(offset + static_cast<size_t>(std::max(position.character, 0)), line_end);
  }
  int units = 0;
  size_t i = offset;
  while (i < line_end && units < position.character) {
    size_t len = sequenceLength(static_cast<unsigned char>(text[i]));
    if (len > 1 && !validSequence(text, i, len)) len = 1;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return std::min(i, line_end);
}

}  // namespace cs
