#include "protocol/jsonrpc.h"

namespace cs::protocol {
namespace {

bool isValidId(const Json& id) { return id.is_number_integer() || id.is_string(); }

}  // namespace

Result<Message> parseMessage(std::string_view body, Json* id_out) {
  // Invalid UTF-8 inside strings makes nlohmann throw; parse without
  // exceptions and report it as a parse error instead.
  Json json = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return makeError("malformed JSON in message body", kParseError);
  if (!json.is_object()) return makeError("a JSON-RPC message must be an object", kInvalidRequest);

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
