#include "protocol/jsonrpc.h"

namespace cs::protocol {
namespace {

bool isValidId(const Json& id) { return id.is_number_integer() || id.is_string(); }

// Length of the well-formed UTF-8 sequence at text[i] (Unicode table 3-7: no
// overlongs, no encoded surrogates, nothing past U+10FFFF), 0 when ill-formed.
size_t wellFormedLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
  const unsigned lead = byte(0);
  if (lead < 0x80) return 1;
  auto tail = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) { return byte(k) >= lo && byte(k) <= hi; };
  if (lead >= 0xC2 && lead <= 0xDF) return tail(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned lo = lead == 0xE0 ? 0xA0 : 0x80, hi = lead == 0xED ? 0x9F : 0xBF;
    return tail(1, lo, hi) && tail(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned lo = lead == 0xF0 ? 0x90 : 0x80, hi = lead == 0xF4 ? 0x8F : 0xBF;
    return tail(1, lo, hi) && tail(2) && tail(3) ? 4 : 0;
  }
  return 0;
}

// The \uXXXX escape at text[i] ('\\' at i), or -1 when it is not one.
int escapedUnit(std::string_view text, size_t i) {
  if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
  int unit = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    char c = text[k];
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

bool isHighSurrogate(int unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool isLowSurrogate(int unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

}  // namespace

std::string repairUtf8(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  bool in_string = false;
  for (size_t i = 0; i < body.size();) {
    const char c = body[i];
    if (in_string && c == '\\') {
      int unit = escapedUnit(body, i);
      if (isHighSurrogate(unit) && isLowSurrogate(escapedUnit(body, i + 6))) {
        out.append(body.substr(i, 12));  // a proper pair
        i += 12;
      } else if (isHighSurrogate(unit) || isLowSurrogate(unit)) {
        out.append("\\ufffd");  // a lone surrogate
        i += 6;
      } else if (i + 1 < body.size() && static_cast<unsigned char>(body[i + 1]) < 0x80) {
        out.append(body.substr(i, 2));  // any other escape, \" included
        i += 2;
      } else {
        // A backslash before a non-ASCII byte (invalid JSON anyway) or at the
        // end: keep the backslash alone and repair what follows as text, so
        // the output stays UTF-8 (found by fuzz/jsonrpc_fuzzer.cpp).
        out.push_back('\\');
        i += 1;
      }
      continue;
    }
    if (c == '"') in_string = !in_string;
    size_t length = wellFormedLength(body, i);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD for each ill-formed byte
      i += 1;
    } else {
      out.append(body.substr(i, length));
      i += length;
    }
  }
  return out;
}

namespace {

// Parses without exceptions (invalid JSON is a value, not a throw). Arrays and
// objects deeper than kMaxJsonDepth are dropped as the parser meets them (the
// parser itself keeps a flat stack), so nothing recursive ever sees them;
// `too_deep` says it happened. The shallow rest, the id included, survives.
Json parseBounded(std::string_view body, bool& too_deep) {
  too_deep = false;
  auto limit_depth = [&too_deep](int depth, Json::parse_event_t event, Json&) {
    bool opens = event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    return true;
  };
  return Json::parse(body.begin(), body.end(), limit_depth, /*allow_exceptions=*/false);
}

}  // namespace

Result<Message> parseMessage(std::string_view body, Json* id_out) {
  bool too_deep = false;
  Json json = parseBounded(repairUtf8(body), too_deep);
  if (json.is_discarded()) return makeError("malformed JSON in message body", kParseError);
  if (!json.is_object()) return makeError("a JSON-RPC message must be an object", kInvalidRequest);
  if (too_deep) {
    if (auto id = json.find("id"); id_out && id != json.end() && isValidId(*id)) *id_out = *id;
    return makeError("message nests arrays/objects deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                     kInvalidRequest);
  }

  Message message;
  auto id_it = json.find("id");
  if (id_it != json.end() && !id_it->is_null()) {
    if (!isValidId(*id_it)) return makeError("request id must be an integer or a string", kInvalidRequest);
    message.id = *id_it;
    if (id_out) *id_out = *id_it;
  }
  auto method_it = json.find("method");
  if (method_it != json.end()) {
    if (!method_it->is_string()) return makeError("method must be a string", kInvalidRequest);
    // "id": null is neither a notification (which has no id member) nor a
    // usable request: answered, with id null, rather than silently dropped.
    if (id_it != json.end() && id_it->is_null())
      return makeError("request id must be an integer or a string, not null", kInvalidRequest);
    message.method = method_it->get<std::string>();
    message.kind = message.id.is_null() ? Message::Kind::kNotification : Message::Kind::kRequest;
    auto params_it = json.find("params");
    if (params_it != json.end()) {
      if (!params_it->is_object() && !params_it->is_array() && !params_it->is_null())
        return makeError("params must be an object or an array", kInvalidRequest);
      message.params = *params_it;
    }
    return message;
  }
  if (json.contains("result") || json.contains("error")) {
    if (message.id.is_null() && !json.contains("error"))
      return makeError("response without an id", kInvalidRequest);
    message.kind = Message::Kind::kResponse;
    if (auto it = json.find("result"); it != json.end()) message.result = *it;
    if (auto it = json.find("error"); it != json.end()) message.error = *it;
    return message;
  }
  return makeError("message has neither a method nor a result", kInvalidRequest);
}

namespace {
// Replace invalid UTF-8 rather than throwing: replies may quote user text.
std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }
}  // namespace

std::string serializeResult(const Json& id, const Json& result) {
  return dump(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string serializeError(const Json& id, int code, std::string_view message) {
  return dump(Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", std::string(message)}}}});
}

std::string serializeNotification(std::string_view method, const Json& params) {
  return dump(Json{{"jsonrpc", "2.0"}, {"method", std::string(method)}, {"params", params}});
}

std::string serializeRequest(const Json& id, std::string_view method, const Json& params) {
  return dump(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}, {"params", params}});
}

}  // namespace cs::protocol
