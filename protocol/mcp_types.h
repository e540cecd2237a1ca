// Model Context Protocol (MCP) messages of `codesearch mcp`: protocol-version
// negotiation, the tool definitions (names, input and output JSON schemas),
// decoding of tool arguments into plain structs with clear error messages, the
// structured result shapes and their compact text rendering for a coding agent.
// Data and pure functions only: no I/O, no search. The JSON-RPC envelope is
// protocol/jsonrpc.h; newline framing is protocol/line_framing.h.
// Thread-safety: pure functions over values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/result.h"

namespace cs::protocol::mcp {

using Json = nlohmann::json;

// Newest first. The server answers initialize with the client's version when it
// is listed here, else with the newest.
inline constexpr const char* kProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
std::string negotiateProtocolVersion(std::string_view requested);
// structuredContent, outputSchema and tool titles exist from 2025-06-18 on.
bool supportsStructuredContent(std::string_view version);

// Request bounds, the same as the LSP side's (server/lsp_server.cpp) where the
// argument exists there; results per call are capped lower for an agent's context.
inline constexpr size_t kMaxQueryBytes = 4096;
inline constexpr size_t kMaxGlobs = 64;
inline constexpr size_t kMaxGlobBytes = 256;
inline constexpr size_t kMaxCodeBytes = 64 * 1024;
inline constexpr int kMaxLimit = 100;
inline constexpr int kDefaultLimit = 10;
inline constexpr int kDefaultMaxTokens = 2000;
inline constexpr int kMinMaxTokens = 100;
inline constexpr int kMaxMaxTokens = 100000;
inline constexpr int kCharsPerToken = 4;

struct Filters {
  std::vector<std::string> languages;
  std::vector<std::string> paths;  // globs, workspace-relative
  std::vector<std::string> kinds;
  bool exclude_tests = false;
};

struct SearchCodeArgs {
  std::string query;
  int limit = kDefaultLimit;
  std::string mode = "hybrid";  // "hybrid" | "semantic" | "lexical"
  Filters filters;
  int max_tokens = kDefaultMaxTokens;
};

// Either file + line (1-based) or code.
struct FindSimilarArgs {
  std::optional<std::string> file;  // workspace-relative or absolute
  std::optional<int> line;          // 1-based
  std::optional<std::string> code;
  int limit = kDefaultLimit;
  Filters filters;
  int max_tokens = kDefaultMaxTokens;
};

struct FindDefinitionArgs {
  std::string symbol;  // "HttpClient", "Rails::Engine", "http.Client.send"
  int limit = 5;
  int max_tokens = kDefaultMaxTokens;
};

// Decoding: `arguments` of tools/call (absent = {}). An error's message names
// the argument and the rule it breaks; the binding returns it as an isError result.
Result<SearchCodeArgs> decodeSearchCodeArgs(const Json& arguments);
Result<FindSimilarArgs> decodeFindSimilarArgs(const Json& arguments);
Result<FindDefinitionArgs> decodeFindDefinitionArgs(const Json& arguments);

// The tools/list entries. `structured`: include title and outputSchema.
Json toolDefinitions(bool structured);

struct ResultItem {
  std::string path;  // workspace-relative (absolute when there are several roots)
  int start_line = 0;  // 1-based
  int end_line = 0;    // 1-based, inclusive
  std::string name;
  std::string qualified_name;
  std::string kind;
  std::string language;
  double score = 0;
  std::string preview;  // one line: the signature or the first line of code
  std::string code;     // the chunk's code, for the text rendering only (not in structuredContent)
  size_t start_column = 0;  // byte column where `code` begins on its first line (text rendering only)
};

struct IndexInfo {
  size_t files = 0;
  size_t chunks = 0;
  size_t pending = 0;
  bool complete = false;
};

struct SearchResult {
  std::vector<ResultItem> results;
  IndexInfo index;
  std::string mode;                    // the mode actually used
  std::optional<std::string> warning;  // e.g. no model: lexical results only
  std::optional<std::string> note;     // e.g. no exact definition found
};

struct StatusInfo {
  IndexInfo index;
  std::string state;  // "indexing" | "idle"
  std::vector<std::string> roots;
  size_t skipped_files = 0;
  std::optional<std::string> model_id;
  int model_dim = 0;
  std::string model_device;
  std::optional<std::string> model_error;
  std::string version;
  size_t load_files_loaded = 0, load_files_total = 0;  // the stored index coming into memory after a restart
  bool load_complete = true;
  std::string watcher_mode = "off";        // who keeps the index current with the disk: "inotify", "polling", "off"
  std::optional<std::string> watcher_warning;  // why watching is degraded
  bool approximate_search = false;  // the HNSW graph answers dense searches (exact below 50k vectors and while built)
  std::string vector_device = "host";  // where dense search runs: "host", or the device holding the matrix ("cuda")
};

// structuredContent: {results: [...], index: {...}, mode, warning?, note?}
Json toStructured(const SearchResult& result);
// {files, chunks, pending, complete, state, roots, skipped_files, model: {id, dim, device} | null, model_error?, version,
//  watcher: {mode, warning?}, approximate_search, vector_device}
Json toStructured(const StatusInfo& status);

// The text an agent reads: a header line, an indexing notice while the index
// is incomplete, then per result `path:line  kind name` and up to
// `code_lines` lines of its code, cut to fit max_tokens * kCharsPerToken
// characters (whole results are dropped from the end first, and the count of
// those left out is said).
std::string renderText(const SearchResult& result, std::string_view header, int max_tokens, int code_lines = 6);
std::string renderText(const StatusInfo& status);

// tools/call results.
Json toolResult(std::string text, std::optional<Json> structured);
Json toolError(std::string message);

}  // namespace cs::protocol::mcp
