#include "server/position_encoding.h"

#include "support/utf8.h"

namespace cs {

int columnUnits(std::string_view line_prefix, PositionEncoding encoding) {
  if (encoding == PositionEncoding::kUtf8) return static_cast<int>(line_prefix.size());
  return static_cast<int>(utf8::utf16Length(line_prefix));
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
    size_t len = utf8::sequenceLength(text, i);
    units += len == 4 ? 2 : 1;  // astral characters are surrogate pairs in UTF-16
    i += len;
  }
  return std::min(i, line_end);
}

}  // namespace cs
