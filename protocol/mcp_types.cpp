#include "protocol/mcp_types.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>

namespace cs::protocol::mcp {
namespace {

// ---- argument decoding ------------------------------------------------------

Status checkObject(const Json& arguments, std::initializer_list<const char*> known) {
  if (arguments.is_null()) return Status::success();
  if (!arguments.is_object()) return makeError("arguments must be an object");
  for (const auto& [key, value] : arguments.items()) {
    bool found = false;
    for (const char* k : known) found |= key == k;
    if (!found) {
      std::string names;
      for (const char* k : known) names += std::string(names.empty() ? "" : ", ") + k;
      return makeError("unknown argument '" + key + "' (expected: " + names + ")");
    }
  }
  return Status::success();
}

const Json* find(const Json& arguments, const char* key) {
  if (!arguments.is_object()) return nullptr;
  auto it = arguments.find(key);
  if (it == arguments.end() || it->is_null()) return nullptr;
  return &*it;
}

Status readString(const Json& arguments, const char* key, std::optional<std::string>& out) {
  const Json* value = find(arguments, key);
  if (!value) return Status::success();
  if (!value->is_string()) return makeError(std::string("'") + key + "' must be a string");
  out = value->get<std::string>();
  return Status::success();
}

// An integer in [low, high]; 10.0 counts as 10, 10.5 and "10" do not.
Status readInt(const Json& arguments, const char* key, int low, int high, std::optional<int>& out) {
  const Json* value = find(arguments, key);
  if (!value) return Status::success();
  auto range = [&] {
    return std::string("'") + key + "' must be an integer from " + std::to_string(low) + " to " + std::to_string(high);
  };
  if (!value->is_number()) return makeError(range());
  const double number = value->get<double>();
  if (!std::isfinite(number) || std::floor(number) != number) return makeError(range());
  if (number < low || number > high) {
    std::string got = value->is_number_integer() ? value->dump() : std::to_string(static_cast<long long>(
                                                                         std::clamp(number, -1e18, 1e18)));
    return makeError(range() + " (got " + got + ")");
  }
  out = static_cast<int>(number);
  return Status::success();
}

Status readInt(const Json& arguments, const char* key, int low, int high, int& out) {
  std::optional<int> value;
  if (auto s = readInt(arguments, key, low, high, value); !s.ok()) return s;
  if (value) out = *value;
  return Status::success();
}

Status readBool(const Json& arguments, const char* key, bool& out) {
  const Json* value = find(arguments, key);
  if (!value) return Status::success();
  if (!value->is_boolean()) return makeError(std::string("'") + key + "' must be true or false");
  out = value->get<bool>();
  return Status::success();
}

Status readStrings(const Json& arguments, const char* key, size_t max_items, size_t max_bytes,
                   std::vector<std::string>& out) {
  const Json* value = find(arguments, key);
  if (!value) return Status::success();
  std::string rule = std::string("'") + key + "' must be an array of strings";
  if (value->is_string()) {  // a lone string is a one-element list
    out = {value->get<std::string>()};
  } else {
    if (!value->is_array()) return makeError(rule);
    for (const auto& item : *value) {
      if (!item.is_string()) return makeError(rule);
      out.push_back(item.get<std::string>());
    }
  }
  if (out.size() > max_items)
    return makeError(std::string("'") + key + "' may hold at most " + std::to_string(max_items) + " entries");
  for (const auto& item : out) {
    if (item.size() > max_bytes)
      return makeError(std::string("each entry of '") + key + "' may be at most " + std::to_string(max_bytes) +
                       " bytes long");
  }
  return Status::success();
}

Status readFilters(const Json& arguments, Filters& out) {
  for (Status s : {readStrings(arguments, "languages", kMaxGlobs, kMaxGlobBytes, out.languages),
                   readStrings(arguments, "paths", kMaxGlobs, kMaxGlobBytes, out.paths),
                   readStrings(arguments, "kinds", kMaxGlobs, kMaxGlobBytes, out.kinds),
                   readBool(arguments, "exclude_tests", out.exclude_tests)}) {
    if (!s.ok()) return s;
  }
  return Status::success();
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

Status checkText(const char* key, const std::string& text, size_t max_bytes) {
  if (blank(text)) return makeError(std::string("'") + key + "' must not be empty");
  if (text.size() > max_bytes)
    return makeError(std::string("'") + key + "' is longer than " + std::to_string(max_bytes) + " bytes (" +
                     std::to_string(text.size()) + ")");
  return Status::success();
}

#define CS_TRY(expr)                         \
  do {                                       \
    Status cs_status_ = (expr);              \
    if (!cs_status_.ok()) return cs_status_.error(); \
  } while (0)

}  // namespace

std::string negotiateProtocolVersion(std::string_view requested) {
  for (const char* version : kProtocolVersions) {
    if (requested == version) return version;
  }
  return kProtocolVersions[0];
}

bool supportsStructuredContent(std::string_view version) { return version >= std::string_view("2025-06-18"); }

Result<SearchCodeArgs> decodeSearchCodeArgs(const Json& arguments) {
  CS_TRY(checkObject(arguments, {"query", "limit", "mode", "languages", "paths", "kinds", "exclude_tests", "max_tokens"}));
  SearchCodeArgs args;
  std::optional<std::string> query, mode;
  CS_TRY(readString(arguments, "query", query));
  if (!query) return makeError("missing required argument 'query' (what to look for, in words or code)");
  args.query = *query;
  CS_TRY(checkText("query", args.query, kMaxQueryBytes));
  CS_TRY(readInt(arguments, "limit", 1, kMaxLimit, args.limit));
  CS_TRY(readString(arguments, "mode", mode));
  if (mode) {
    if (*mode != "hybrid" && *mode != "semantic" && *mode != "lexical")
      return makeError("'mode' must be \"hybrid\", \"semantic\" or \"lexical\" (got \"" + *mode + "\")");
    args.mode = *mode;
  }
  CS_TRY(readFilters(arguments, args.filters));
  CS_TRY(readInt(arguments, "max_tokens", kMinMaxTokens, kMaxMaxTokens, args.max_tokens));
  return args;
}

Result<FindSimilarArgs> decodeFindSimilarArgs(const Json& arguments) {
  CS_TRY(checkObject(arguments,
                     {"file", "line", "code", "limit", "languages", "paths", "kinds", "exclude_tests", "max_tokens"}));
  FindSimilarArgs args;
  CS_TRY(readString(arguments, "file", args.file));
  CS_TRY(readInt(arguments, "line", 1, std::numeric_limits<int>::max(), args.line));
  CS_TRY(readString(arguments, "code", args.code));
  if (args.code && (args.file || args.line))
    return makeError("give either 'code' or 'file' and 'line', not both");
  if (args.code) {
    CS_TRY(checkText("code", *args.code, kMaxCodeBytes));
  } else if (!args.file && !args.line) {
    return makeError("missing arguments: give 'file' and 'line' (1-based) of a function, or 'code' (a snippet)");
  } else if (!args.file) {
    return makeError("missing argument 'file' (the file that 'line' is in)");
  } else if (!args.line) {
    return makeError("missing argument 'line' (1-based line inside the function of '" + *args.file + "')");
  } else if (args.file->empty()) {
    return makeError("'file' must not be empty");
  }
  CS_TRY(readInt(arguments, "limit", 1, kMaxLimit, args.limit));
  CS_TRY(readFilters(arguments, args.filters));
  CS_TRY(readInt(arguments, "max_tokens", kMinMaxTokens, kMaxMaxTokens, args.max_tokens));
  return args;
}

Result<FindDefinitionArgs> decodeFindDefinitionArgs(const Json& arguments) {
  CS_TRY(checkObject(arguments, {"symbol", "limit", "max_tokens"}));
  FindDefinitionArgs args;
  std::optional<std::string> symbol;
  CS_TRY(readString(arguments, "symbol", symbol));
  if (!symbol) return makeError("missing required argument 'symbol' (a name such as HttpClient or Rails::Engine)");
  args.symbol = *symbol;
  CS_TRY(checkText("symbol", args.symbol, kMaxGlobBytes));
  CS_TRY(readInt(arguments, "limit", 1, kMaxLimit, args.limit));
  CS_TRY(readInt(arguments, "max_tokens", kMinMaxTokens, kMaxMaxTokens, args.max_tokens));
  return args;
}

// ---- tool definitions --------------------------------------------------------

namespace {

Json stringList(const std::string& description) {
  return Json{{"type", "array"},
              {"items", {{"type", "string"}, {"maxLength", kMaxGlobBytes}}},
              {"maxItems", kMaxGlobs},
              {"description", description}};
}

void addFilters(Json& properties) {
  properties["languages"] = stringList("Only these languages, e.g. [\"python\", \"typescript\", \"cpp\", \"go\", \"rust\"]");
  properties["paths"] = stringList("Only files whose workspace-relative path matches one of these globs, e.g. [\"src/**\"]");
  properties["kinds"] = stringList(
      "Only these kinds: function, method, constructor, class, struct, interface, enum, trait, type, module");
  properties["exclude_tests"] = {{"type", "boolean"}, {"default", false}, {"description", "Leave out test files"}};
}

Json limitProperty(int default_limit) {
  return Json{{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxLimit}, {"default", default_limit},
              {"description", "Most results to return"}};
}

Json maxTokensProperty() {
  return Json{{"type", "integer"},
              {"minimum", kMinMaxTokens},
              {"maximum", kMaxMaxTokens},
              {"default", kDefaultMaxTokens},
              {"description", "Budget for the text rendering (about 4 characters per token); later results are "
                              "left out to fit"}};
}

Json indexSchema() {
  return Json{{"type", "object"},
              {"properties",
               {{"files", {{"type", "integer"}}},
                {"chunks", {{"type", "integer"}}},
                {"pending", {{"type", "integer"}}},
                {"complete", {{"type", "boolean"}}}}},
              {"required", {"files", "chunks", "pending", "complete"}}};
}

Json searchOutputSchema() {
  Json item = {{"type", "object"},
               {"properties",
                {{"path", {{"type", "string"}, {"description", "workspace-relative"}}},
                 {"start_line", {{"type", "integer"}, {"description", "1-based"}}},
                 {"end_line", {{"type", "integer"}, {"description", "1-based, inclusive"}}},
                 {"name", {{"type", "string"}}},
                 {"qualified_name", {{"type", "string"}}},
                 {"kind", {{"type", "string"}}},
                 {"language", {{"type", "string"}}},
                 {"score", {{"type", "number"}}},
                 {"preview", {{"type", "string"}}}}},
               {"required",
                {"path", "start_line", "end_line", "name", "qualified_name", "kind", "language", "score", "preview"}}};
  return Json{{"type", "object"},
              {"properties",
               {{"results", {{"type", "array"}, {"items", item}}},
                {"index", indexSchema()},
                {"mode", {{"type", "string"}, {"description", "the mode used: hybrid, semantic or lexical"}}},
                {"warning", {{"type", "string"}}},
                {"note", {{"type", "string"}}}}},
              {"required", {"results", "index", "mode"}}};
}

Json statusOutputSchema() {
  return Json{{"type", "object"},
              {"properties",
               {{"files", {{"type", "integer"}}},
                {"chunks", {{"type", "integer"}}},
                {"pending", {{"type", "integer"}}},
                {"complete", {{"type", "boolean"}}},
                {"state", {{"type", "string"}, {"enum", {"indexing", "idle"}}}},
                {"roots", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                {"skipped_files", {{"type", "integer"}}},
                {"model",
                 {{"type", {"object", "null"}},
                  {"properties",
                   {{"id", {{"type", "string"}}}, {"dim", {{"type", "integer"}}}, {"device", {{"type", "string"}}}}}}},
                {"model_error", {{"type", "string"}}},
                {"version", {{"type", "string"}}},
                {"watcher",
                 {{"type", "object"},
                  {"properties",
                   {{"mode", {{"type", "string"}, {"enum", {"client", "inotify", "polling", "off"}}}},
                    {"warning", {{"type", "string"}}}}}}}}},
              {"required", {"files", "chunks", "pending", "complete", "state", "roots", "model"}}};
}

Json tool(const char* name, const char* title, const char* description, Json input, Json output, bool structured) {
  Json t = {{"name", name}, {"description", description}, {"inputSchema", std::move(input)}};
  t["annotations"] = {{"readOnlyHint", true}, {"openWorldHint", false}};
  if (structured) {
    t["title"] = title;
    t["annotations"]["title"] = title;
    t["outputSchema"] = std::move(output);
  }
  return t;
}

}  // namespace

Json toolDefinitions(bool structured) {
  Json search_props = {
      {"query", {{"type", "string"}, {"minLength", 1}, {"maxLength", kMaxQueryBytes},
                 {"description", "What to find, in words (\"retry an http request with backoff\") or as code or "
                                 "identifiers (\"parse_url\")"}}},
      {"limit", limitProperty(kDefaultLimit)},
      {"mode", {{"type", "string"}, {"enum", {"hybrid", "semantic", "lexical"}}, {"default", "hybrid"},
                {"description", "hybrid (default): meaning and words; semantic: meaning only; lexical: words only"}}},
      {"max_tokens", maxTokensProperty()}};
  addFilters(search_props);
  Json search_input = {{"type", "object"}, {"properties", search_props}, {"required", {"query"}},
                       {"additionalProperties", false}};

  Json similar_props = {
      {"file", {{"type", "string"}, {"description", "A workspace file (relative to the workspace root, or absolute)"}}},
      {"line", {{"type", "integer"}, {"minimum", 1}, {"description", "1-based line inside the function or class"}}},
      {"code", {{"type", "string"}, {"minLength", 1}, {"maxLength", kMaxCodeBytes},
                {"description", "A code snippet to find similar code to (instead of file and line)"}}},
      {"limit", limitProperty(kDefaultLimit)},
      {"max_tokens", maxTokensProperty()}};
  addFilters(similar_props);
  Json similar_input = {{"type", "object"}, {"properties", similar_props}, {"additionalProperties", false}};

  Json definition_input = {
      {"type", "object"},
      {"properties",
       {{"symbol", {{"type", "string"}, {"minLength", 1}, {"maxLength", kMaxGlobBytes},
                    {"description", "A name, optionally qualified: HttpClient, Rails::Engine, http.Client.send"}}},
        {"limit", limitProperty(5)},
        {"max_tokens", maxTokensProperty()}}},
      {"required", {"symbol"}},
      {"additionalProperties", false}};

  Json status_input = {{"type", "object"}, {"properties", Json::object()}, {"additionalProperties", false}};

  return Json::array({
      tool("search_code", "Search code",
           "Search the workspace's functions, methods and classes by meaning or by words. Returns the best matches "
           "with their file, line range and first lines of code. Answers from what is indexed so far while "
           "indexing runs.",
           search_input, searchOutputSchema(), structured),
      tool("find_similar", "Find similar code",
           "Find code similar to the function or class at a file and line (1-based), or to a given code snippet. "
           "The function itself is left out.",
           similar_input, searchOutputSchema(), structured),
      tool("find_definition", "Find a definition",
           "Find where a symbol (function, method, class, struct, ...) is defined, by name. Exact name matches come "
           "first; a qualified name (Rails::Engine, http.Client) matches its enclosing scopes too.",
           definition_input, searchOutputSchema(), structured),
      tool("index_status", "Index status",
           "How far indexing of the workspace has got: files, chunks, pending files, whether it is complete, the "
           "workspace roots and the embedding model in use.",
           status_input, statusOutputSchema(), structured),
  });
}

// ---- results -----------------------------------------------------------------

namespace {

Json indexJson(const IndexInfo& i) {
  return Json{{"files", i.files}, {"chunks", i.chunks}, {"pending", i.pending}, {"complete", i.complete}};
}

std::string indexingNotice(const IndexInfo& i) {
  return "Indexing in progress (" + std::to_string(i.files) + " files, " + std::to_string(i.chunks) +
         " chunks indexed, " + std::to_string(i.pending) + " files pending): results may be incomplete.\n";
}

// Up to `count` lines of `code`, the common indentation removed, each cut at 160 bytes. The first line
// starts at column `first_column` of its line (a chunk begins at its definition, not at the line start).
std::string codeLines(const std::string& code, int count, size_t first_column) {
  std::vector<std::string_view> lines;
  std::string_view rest(code);
  bool more = false;
  while (!rest.empty()) {
    size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (static_cast<int>(lines.size()) == count) {
      more = true;
      break;
    }
    lines.push_back(line);
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string_view::npos) lines.pop_back();
  size_t indent = first_column;
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t first = lines[i].find_first_not_of(" \t");
    if (first != std::string_view::npos) indent = std::min(indent, first);
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (i > 0) line.remove_prefix(std::min(indent, line.size()));
    if (line.find_first_not_of(" \t") == std::string_view::npos) {  // a blank line stays blank
      out += '\n';
      continue;
    }
    out += "    ";
    if (i == 0) out.append(first_column - indent, ' ');  // the definition's own depth relative to its body
    if (line.size() > 160) {
      size_t cut = 160;
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
      out.append(line.substr(0, cut));
      out += " …";
    } else {
      out.append(line);
    }
    out += '\n';
  }
  if (more) out += "    …\n";
  return out;
}

// `text` cut to at most `max_bytes`, never inside a UTF-8 sequence.
std::string cutUtf8(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text;
}

}  // namespace

Json toStructured(const SearchResult& result) {
  Json results = Json::array();
  for (const auto& r : result.results) {
    results.push_back({{"path", r.path},
                       {"start_line", r.start_line},
                       {"end_line", r.end_line},
                       {"name", r.name},
                       {"qualified_name", r.qualified_name},
                       {"kind", r.kind},
                       {"language", r.language},
                       {"score", std::isfinite(r.score) ? r.score : 0.0},
                       {"preview", r.preview}});
  }
  Json j = {{"results", std::move(results)}, {"index", indexJson(result.index)}, {"mode", result.mode}};
  if (result.warning) j["warning"] = *result.warning;
  if (result.note) j["note"] = *result.note;
  return j;
}

Json toStructured(const StatusInfo& s) {
  Json j = indexJson(s.index);
  j["state"] = s.state;
  j["roots"] = s.roots;
  j["skipped_files"] = s.skipped_files;
  j["model"] = s.model_id ? Json{{"id", *s.model_id}, {"dim", s.model_dim}, {"device", s.model_device}} : Json(nullptr);
  if (s.model_error) j["model_error"] = *s.model_error;
  j["version"] = s.version;
  j["load"] = Json{{"files_loaded", s.load_files_loaded}, {"files_total", s.load_files_total}, {"complete", s.load_complete}};
  j["watcher"] = Json{{"mode", s.watcher_mode}};
  if (s.watcher_warning) j["watcher"]["warning"] = *s.watcher_warning;
  j["approximate_search"] = s.approximate_search;
  j["vector_device"] = s.vector_device;
  return j;
}

std::string renderText(const SearchResult& result, std::string_view header, int max_tokens, int code_lines) {
  const size_t budget = static_cast<size_t>(std::max(1, max_tokens)) * kCharsPerToken;
  std::string out(header);
  out += '\n';
  if (!result.index.complete) out += indexingNotice(result.index);
  if (result.warning) out += "Warning: " + *result.warning + "\n";
  if (result.note) out += *result.note + "\n";
  if (result.results.empty()) out += "No results.\n";
  constexpr size_t kTrailerReserve = 80;  // room for the "N more results" line
  for (size_t i = 0; i < result.results.size(); ++i) {
    const ResultItem& r = result.results[i];
    std::string title = r.path + ":" + std::to_string(r.start_line) + "  " + r.kind + " " +
                        (r.qualified_name.empty() ? r.name : r.qualified_name) + "\n";
    std::string block = "\n" + title + codeLines(r.code.empty() ? r.preview : r.code, code_lines, r.code.empty() ? 0 : r.start_column);
    const bool last = i + 1 == result.results.size();
    if (out.size() + block.size() + (last ? 0 : kTrailerReserve) > budget) {
      size_t shown = i;
      if (i == 0 && out.size() + 1 + title.size() + kTrailerReserve <= budget) {  // at least say where the best one is
        out += "\n" + title;
        shown = 1;
      }
      const size_t left = result.results.size() - shown;
      if (left > 0) {
        out += "\n(" + std::to_string(left) + " more result" + (left == 1 ? "" : "s") +
               " not shown: raise max_tokens or lower limit)\n";
      }
      return cutUtf8(std::move(out), budget);
    }
    out += block;
  }
  return cutUtf8(std::move(out), budget);
}

std::string renderText(const StatusInfo& s) {
  std::string out = std::string("Index ") + (s.index.complete ? "complete" : "incomplete, indexing") + ": " +
                    std::to_string(s.index.files) + " files, " + std::to_string(s.index.chunks) + " chunks, " +
                    std::to_string(s.index.pending) + " files pending, " + std::to_string(s.skipped_files) +
                    " skipped.\n";
  if (!s.load_complete)
    out += "Loading the stored index: " + std::to_string(s.load_files_loaded) + " of " +
           std::to_string(s.load_files_total) + " files.\n";
  out += "Roots:";
  for (const auto& root : s.roots) out += " " + root;
  out += "\n";
  if (s.model_id) {
    out += "Model: " + *s.model_id + " (" + std::to_string(s.model_dim) + "-d, " + s.model_device + ")\n";
  } else {
    out += "Model: none (" + s.model_error.value_or("not configured") + "): lexical search only\n";
  }
  out += "Watching the disk: " + s.watcher_mode + "\n";
  if (s.watcher_warning) out += "Warning: " + *s.watcher_warning + "\n";
  return out;
}

Json toolResult(std::string text, std::optional<Json> structured) {
  Json result = {{"content", Json::array({{{"type", "text"}, {"text", std::move(text)}}})}, {"isError", false}};
  if (structured) result["structuredContent"] = std::move(*structured);
  return result;
}

Json toolError(std::string message) {
  return Json{{"content", Json::array({{{"type", "text"}, {"text", std::move(message)}}})}, {"isError", true}};
}

}  // namespace cs::protocol::mcp
