// JSON-RPC decoding (protocol/jsonrpc.h) of arbitrary frame bodies: UTF-8
// repair, the depth limit, message classification and the id recovered for
// an error reply. Properties: repairUtf8 yields valid UTF-8 and is idempotent;
// parseMessage never throws; a parsed message serialises and parses back to
// the same kind, method and id.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/jsonrpc.h"

namespace {

bool validUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (n == 2 && c < 0xC2) return false;  // overlong
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string repaired = cs::protocol::repairUtf8(body);
  if (!validUtf8(repaired)) std::abort();
  if (cs::protocol::repairUtf8(repaired) != repaired) std::abort();

  cs::protocol::Json id;
  auto message = cs::protocol::parseMessage(body, &id);
  if (!message.ok()) {
    // The error reply the daemon would send must serialise.
    (void)cs::protocol::serializeError(id, message.error().code, message.error().message);
    return 0;
  }
  std::string again;
  switch (message->kind) {
    case cs::protocol::Message::Kind::kRequest:
      again = cs::protocol::serializeRequest(message->id, message->method, message->params);
      break;
    case cs::protocol::Message::Kind::kNotification:
      again = cs::protocol::serializeNotification(message->method, message->params);
      break;
    case cs::protocol::Message::Kind::kResponse:
      again = message->error ? cs::protocol::serializeError(message->id, -1, "x")
                             : cs::protocol::serializeResult(message->id, message->result);
      break;
  }
  auto reparsed = cs::protocol::parseMessage(again);
  if (!reparsed.ok() || reparsed->kind != message->kind || reparsed->method != message->method ||
      reparsed->id != message->id)
    std::abort();
  return 0;
}
