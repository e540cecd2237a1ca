// Conversions between LSP positions (line + character in the negotiated
// encoding: UTF-16 code units by default, or UTF-8 bytes) and byte offsets in
// UTF-8 text. Invalid UTF-8 never fails: a bad byte counts as one unit.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "protocol/lsp_types.h"

namespace cs {

enum class PositionEncoding { kUtf16, kUtf8 };

// Byte offset of `position` in `text`; positions past a line's end clamp to the
// line end, lines past the end clamp to text.size().
size_t byteOffsetAt(std::string_view text, const protocol::Position& position, PositionEncoding encoding);

// Number of units (in `encoding`) in the bytes `line_prefix` (one line's start up to a column).
int columnUnits(std::string_view line_prefix, PositionEncoding encoding);

}  // namespace cs
