// LSP base-protocol framing: "Content-Length: N\r\n[other headers]\r\n\r\n<N bytes>".
// FrameDecoder is an incremental decoder fed with raw bytes from a transport;
// it yields message bodies or framing errors and resynchronises after an error
// so one bad frame never ends the session. No I/O.
// Thread-safety: a decoder is used by one thread (the transport's reader).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "support/result.h"

namespace cs::protocol {

struct FramingOptions {
  size_t max_header_bytes = 8 * 1024;           // a header block longer than this is garbage
  size_t max_body_bytes = 64 * 1024 * 1024;     // refuse absurd Content-Length values (before reading the body)
};

class FrameDecoder {
 public:
  explicit FrameDecoder(FramingOptions options = {}) : options_(options) {}

  void feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete frame body, a framing error (after which decoding resumes
  // at the next "Content-Length" header), or nullopt when more bytes are needed.
  std::optional<Result<std::string>> next();

  size_t bufferedBytes() const { return buffer_.size() - start_; }

 private:
  void compact();
  // Drops bytes up to the next "Content-Length" at offset >= `from` from the
  // current position (keeping a possibly split header tail when none is found).
  void resync(size_t from);

  FramingOptions options_;
  std::string buffer_;
  size_t start_ = 0;
};

std::string encodeFrame(std::string_view body);

}  // namespace cs::protocol
