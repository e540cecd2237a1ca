// Newline-delimited JSON-RPC framing, as the MCP stdio transport specifies: one
// message per line, UTF-8, no embedded newlines. LineDecoder is an incremental
// decoder fed with raw bytes; it yields lines (a trailing "\r" dropped, blank
// lines skipped) or an error for a line longer than the cap, after which it
// skips to the next newline, so one bad line never ends the session. No I/O.
// Thread-safety: a decoder is used by one thread (the transport's reader).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "support/result.h"

namespace cs::protocol {

class LineDecoder {
 public:
  explicit LineDecoder(size_t max_line_bytes = 64 * 1024 * 1024) : max_line_bytes_(max_line_bytes) {}

  void feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete line, an error for an oversized one, or nullopt when
  // more bytes are needed.
  std::optional<Result<std::string>> next();

 private:
  size_t max_line_bytes_;
  std::string buffer_;
  size_t start_ = 0;
  size_t scanned_ = 0;       // no newline in [start_, scanned_): a long line is scanned once
  bool discarding_ = false;  // inside an oversized line: drop bytes until its newline
};

// `body` followed by "\n". A raw CR or LF inside `body` (only possible as JSON
// whitespace between tokens: JSON strings escape them) becomes a space.
std::string encodeLine(std::string_view body);

}  // namespace cs::protocol
