// LSP base-protocol framing (protocol/framing.h) on arbitrary bytes, fed in
// pieces whose sizes come from the input: the decoder must never crash, never
// hand out more than it was fed, and keep resynchronising; a frame it encodes
// itself must decode back unchanged, whatever garbage came before it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/framing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = 1 + data[0] % 64;  // feed in pieces of this many bytes
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  cs::protocol::FramingOptions small;
  small.max_header_bytes = 256;
  small.max_body_bytes = 4096;
  for (const auto& options : {cs::protocol::FramingOptions{}, small}) {
    cs::protocol::FrameDecoder decoder(options);
    size_t fed = 0, out = 0;
    for (size_t at = 0; at < input.size(); at += step) {
      std::string_view piece = input.substr(at, step);
      decoder.feed(piece);
      fed += piece.size();
      while (auto frame = decoder.next()) {
        if (frame->ok()) {
          out += frame->value().size();
          if (frame->value().size() > options.max_body_bytes) std::abort();
        }
      }
      if (decoder.bufferedBytes() > fed) std::abort();
    }
    if (out > fed) std::abort();

    // After whatever the input left behind, a well-formed frame still comes out
    // intact (resynchronisation), unless the leftovers swallow it as a body.
    const std::string body = "{\"jsonrpc\":\"2.0\",\"method\":\"probe\"}";
    cs::protocol::FrameDecoder fresh(options);
    fresh.feed(cs::protocol::encodeFrame(input.substr(0, std::min<size_t>(input.size(), 2048))));
    fresh.feed(cs::protocol::encodeFrame(body));
    size_t frames = 0;
    std::string last;
    while (auto frame = fresh.next()) {
      if (frame->ok()) {
        ++frames;
        last = frame->value();
      }
    }
    // Both frames are well formed: exactly two bodies, the probe last.
    if (frames != 2 || last != body) std::abort();
  }
  return 0;
}
