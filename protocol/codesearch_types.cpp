#include "protocol/codesearch_types.h"

#include <limits>

namespace cs::protocol {
namespace {

template <class T>
void readOptional(const Json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}

// A count read without overflow: any JSON number becomes an int, saturated to
// the int range (1e12 stays huge rather than wrapping), so the binding can
// refuse it clearly.
void readCount(const Json& j, const char* key, int& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if (!it->is_number()) {
    out = it->get<int>();  // throws the usual type error
    return;
  }
  const double value = it->get<double>();
  const double low = std::numeric_limits<int>::min(), high = std::numeric_limits<int>::max();
  if (it->is_number_integer() && value >= low && value <= high) {
    out = it->get<int>();
  } else {
    out = value <= low ? std::numeric_limits<int>::min() : value >= high ? std::numeric_limits<int>::max()
                                                                          : static_cast<int>(value);
  }
}

Json optionalNumber(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

void from_json(const Json& j, SearchFiltersParams& f) {
  readOptional(j, "languages", f.languages);
  readOptional(j, "paths", f.paths);
  readOptional(j, "excludePaths", f.excludePaths);
  readOptional(j, "kinds", f.kinds);
  readOptional(j, "excludeTests", f.excludeTests);
}

void from_json(const Json& j, QueryParams& p) {
  p.query = j.at("query").get<std::string>();
  readCount(j, "limit", p.limit);
  readOptional(j, "mode", p.mode);
  readOptional(j, "filters", p.filters);
}

void from_json(const Json& j, SimilarParams& p) {
  p.uri = j.at("textDocument").at("uri").get<std::string>();
  if (auto it = j.find("position"); it != j.end() && !it->is_null()) p.position = it->get<Position>();
  if (auto it = j.find("range"); it != j.end() && !it->is_null()) p.range = it->get<Range>();
  readCount(j, "limit", p.limit);
  readOptional(j, "filters", p.filters);
}

void to_json(Json& j, const SearchResultItem& r) {
  j = Json{{"uri", r.uri},
           {"range", r.range},
           {"name", r.name},
           {"qualifiedName", r.qualifiedName},
           {"kind", r.kind},
           {"language", r.language},
           {"score", r.score},
           {"scores", {{"dense", optionalNumber(r.dense)}, {"lexical", optionalNumber(r.lexical)}}},
           {"preview", r.preview}};
}

void to_json(Json& j, const IndexInfo& i) {
  j = Json{{"files", i.files}, {"chunks", i.chunks}, {"pending", i.pending}, {"complete", i.complete}};
}

void to_json(Json& j, const SearchResponse& r) {
  j = Json{{"results", r.results}, {"index", r.index}, {"mode", r.mode}};
  if (r.warning) j["warning"] = *r.warning;
}

void to_json(Json& j, const ModelInfo& m) { j = Json{{"id", m.id}, {"dim", m.dim}, {"device", m.device}}; }

void to_json(Json& j, const WatcherInfo& w) {
  j = Json{{"mode", w.mode}};
  if (w.warning) j["warning"] = *w.warning;
}

void to_json(Json& j, const StatusResult& s) {
  j = Json{{"state", s.state},       {"files", s.files},     {"chunks", s.chunks},
           {"pending", s.pending},   {"version", s.version}, {"roots", s.roots},
           {"skippedFiles", s.skippedFiles}};
  j["model"] = s.model ? Json(*s.model) : Json(nullptr);
  if (s.modelError) j["modelError"] = *s.modelError;
  j["load"] = Json{{"filesLoaded", s.loadFilesLoaded}, {"filesTotal", s.loadFilesTotal}, {"complete", s.loadComplete}};
  if (s.watcher) j["watcher"] = *s.watcher;
  j["approximateSearch"] = s.approximateSearch;
  j["graphLoaded"] = s.graphLoaded;
  j["vectorDevice"] = s.vectorDevice;
  j["vectorDeviceBytes"] = s.vectorDeviceBytes;
}

}  // namespace cs::protocol
