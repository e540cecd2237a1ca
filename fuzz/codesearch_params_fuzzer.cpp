// Every codeSearch/* params decoder (protocol/codesearch_types.h) and the LSP
// params the daemon decodes (protocol/lsp_types.h) on arbitrary JSON. The
// first byte picks the decoder; the rest is the params value, parsed the way
// the daemon parses a message (parseMessage: UTF-8 repair, depth limit).
// A wrong shape may throw nlohmann::json exceptions (the daemon answers
// -32602); nothing else may happen: no crash, no other exception, no UB.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/codesearch_types.h"
#include "protocol/jsonrpc.h"
#include "protocol/lsp_types.h"

using cs::protocol::Json;

namespace {

template <typename T>
void decode(const Json& params) {
  try {
    T value = params.get<T>();
    (void)value;
  } catch (const Json::exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0];
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto message = cs::protocol::parseMessage(R"({"jsonrpc":"2.0","id":1,"method":"codeSearch/query","params":)" + text + "}");
  if (!message.ok()) return 0;
  const Json& params = message->params;
  switch (which % 8) {
    case 0: decode<cs::protocol::QueryParams>(params); break;
    case 1: {
      decode<cs::protocol::SimilarParams>(params);
      if (params.is_object() && params.contains("textDocument")) {
        try {
          (void)cs::protocol::uriToPath(params["textDocument"].value("uri", ""));
        } catch (const Json::exception&) {
        }
      }
      break;
    }
    case 2: decode<cs::protocol::SearchFiltersParams>(params); break;
    case 3: decode<cs::protocol::TextDocumentContentChangeEvent>(params); break;
    case 4: decode<cs::protocol::FileEvent>(params); break;
    case 5: decode<cs::protocol::Range>(params); break;
    case 6: decode<cs::protocol::Position>(params); break;
    case 7:
      if (params.is_string()) {
        auto path = cs::protocol::uriToPath(params.get<std::string>());
        if (path && !path->empty() && (*path)[0] == '/') {
          // A path that came from a URI goes back to a URI that names it again.
          auto back = cs::protocol::uriToPath(cs::protocol::pathToUri(*path));
          if (!back || *back != *path) std::abort();
        }
      }
      break;
  }
  // Results the daemon builds from decoded values must serialise.
  cs::protocol::StatusResult status;
  status.roots.push_back(text.substr(0, 64));
  Json out = status;
  (void)out.dump(-1, ' ', false, Json::error_handler_t::replace);
  return 0;
}
