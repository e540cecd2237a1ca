// The subset of LSP 3.17 structures codesearch uses, with JSON conversion.
// Field names follow the LSP specification. Data only: no I/O, no logic.
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cs::protocol {

using Json = nlohmann::json;

struct Position {
  int line = 0;
  int character = 0;  // in the negotiated position encoding
};

struct Range {
  Position start;
  Position end;
};

// One entry of textDocument/didChange contentChanges: a range edit, or the
// whole document when `range` is absent.
struct TextDocumentContentChangeEvent {
  std::optional<Range> range;
  std::string text;
};

struct FileEvent {
  enum Type { kCreated = 1, kChanged = 2, kDeleted = 3 };
  std::string uri;
  int type = kChanged;
};

void to_json(Json& j, const Position& p);
void from_json(const Json& j, Position& p);
void to_json(Json& j, const Range& r);
void from_json(const Json& j, Range& r);
void from_json(const Json& j, TextDocumentContentChangeEvent& e);
void from_json(const Json& j, FileEvent& e);

// file:// URIs <-> absolute paths (percent-encoding per RFC 3986).
std::string pathToUri(const std::string& path);
// nullopt for non-file URIs (untitled:, etc.).
std::optional<std::string> uriToPath(const std::string& uri);

}  // namespace cs::protocol
