// JSON-RPC 2.0 message model used by the LSP binding: parsing a message body
// into a request / notification / response, and building replies. Data and
// (de)serialisation only: no I/O, no dispatch logic.
// Thread-safety: pure functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "support/result.h"

namespace cs::protocol {

using Json = nlohmann::json;

// Error codes from JSON-RPC 2.0 and the LSP specification.
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kUnknownErrorCode = -32001,
  kRequestFailed = -32803,
  kServerCancelled = -32802,
  kContentModified = -32801,
  kRequestCancelled = -32800,
};

struct Message {
  enum class Kind { kRequest, kNotification, kResponse };
  Kind kind = Kind::kNotification;
  Json id;             // number or string; null for notifications
  std::string method;  // requests and notifications
  Json params;         // requests and notifications; null when absent
  Json result;         // responses
  std::optional<Json> error;  // responses: {code, message, data?}
};

// Arrays and objects nested deeper than this are refused before they are built:
// copying or dumping a value recurses once per level, and LSP never needs more
// than a handful.
inline constexpr int kMaxJsonDepth = 512;

// The UTF-8 rule: a message is never refused for its text. Every ill-formed
// UTF-8 byte becomes U+FFFD, and so does a \uXXXX escape of a lone surrogate
// (a high one not followed by a low one, or a low one alone); the rest of the
// body is kept byte for byte. parseMessage applies it before parsing.
std::string repairUtf8(std::string_view body);

// Parses one message body. A failure carries the JSON-RPC error code to answer
// with (kParseError for broken JSON, kInvalidRequest for a wrong shape or a
// value nested deeper than kMaxJsonDepth) and, where it could be recovered, the
// request id in `id_out`.
Result<Message> parseMessage(std::string_view body, Json* id_out = nullptr);

std::string serializeResult(const Json& id, const Json& result);
std::string serializeError(const Json& id, int code, std::string_view message);
std::string serializeNotification(std::string_view method, const Json& params);
std::string serializeRequest(const Json& id, std::string_view method, const Json& params);

}  // namespace cs::protocol
