// Parameters and results of the codesearch LSP extension requests
// (codeSearch/query, codeSearch/similar, codeSearch/status). These field names
// are a public contract: fields may be added, never renamed or removed.
// Data only: no I/O, no logic. Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/lsp_types.h"

namespace cs::protocol {

struct SearchFiltersParams {
  std::vector<std::string> languages;
  std::vector<std::string> paths;  // globs
  std::vector<std::string> excludePaths;  // globs; a result matching any is left out
  std::vector<std::string> kinds;
  bool excludeTests = false;
};

// codeSearch/query params.
struct QueryParams {
  std::string query;
  int limit = 20;
  std::string mode = "hybrid";  // "hybrid" | "semantic" | "lexical"
  SearchFiltersParams filters;
};

// codeSearch/similar params.
struct SimilarParams {
  std::string uri;  // textDocument.uri
  std::optional<Position> position;
  std::optional<Range> range;
  int limit = 20;
  SearchFiltersParams filters;
};

struct SearchResultItem {
  std::string uri;
  Range range;
  std::string name;
  std::string qualifiedName;
  std::string kind;
  std::string language;
  double score = 0;
  std::optional<double> dense;    // scores.dense (null when the dense signal did not run)
  std::optional<double> lexical;  // scores.lexical
  std::string preview;
};

struct IndexInfo {
  size_t files = 0;
  size_t chunks = 0;
  size_t pending = 0;
  bool complete = false;
};

// Result of codeSearch/query and codeSearch/similar.
struct SearchResponse {
  std::vector<SearchResultItem> results;
  IndexInfo index;
  std::string mode;                 // extension: the mode actually used (hybrid falls back to lexical without a model)
  std::optional<std::string> warning;  // extension: e.g. "no model loaded: lexical results only"
};

struct ModelInfo {
  std::string id;
  int dim = 0;
  std::string device;
};

// Result of codeSearch/status.
// Extension: who keeps the index current with changes on disk.
struct WatcherInfo {
  std::string mode;                      // "client" | "inotify" | "polling" | "off"
  std::optional<std::string> warning;    // why watching is degraded (watch limit, queue overflow)
};

struct StatusResult {
  std::string state;  // "indexing" | "idle"
  size_t files = 0;
  size_t chunks = 0;
  size_t pending = 0;
  std::optional<ModelInfo> model;
  std::string version;                     // extension: daemon version
  std::vector<std::string> roots;          // extension: workspace roots
  size_t skippedFiles = 0;                 // extension: files skipped (binary, too large, errors)
  std::optional<std::string> modelError;   // extension: why no model is loaded
  // extension: the stored index coming into memory after a restart
  // ({"filesLoaded", "filesTotal", "complete"}); state is "indexing" meanwhile.
  size_t loadFilesLoaded = 0, loadFilesTotal = 0;
  bool loadComplete = true;
  std::optional<WatcherInfo> watcher;      // extension: who watches the disk
  // extension: the approximate-search (HNSW) graph answers dense searches;
  // false below its threshold and while it is built (searches are exact then)
  bool approximateSearch = false;
  // extension: that graph was loaded from the one saved beside the index, not built anew
  bool graphLoaded = false;
  // extension: where dense search runs: "host" (int8 exact / HNSW), or the
  // libtorch device holding the embedding matrix ("cuda"), with its bytes there
  std::string vectorDevice = "host";
  size_t vectorDeviceBytes = 0;
};

// Parsing throws nlohmann::json exceptions on a wrong shape; the LSP binding
// turns them into InvalidParams errors.
void from_json(const Json& j, SearchFiltersParams& f);
void from_json(const Json& j, QueryParams& p);
void from_json(const Json& j, SimilarParams& p);
void to_json(Json& j, const SearchResultItem& r);
void to_json(Json& j, const IndexInfo& i);
void to_json(Json& j, const SearchResponse& r);
void to_json(Json& j, const ModelInfo& m);
void to_json(Json& j, const WatcherInfo& w);
void to_json(Json& j, const StatusResult& s);

}  // namespace cs::protocol
