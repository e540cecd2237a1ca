#include "server/mcp_tools.h"

#include <algorithm>
#include <filesystem>

#include "server/result_items.h"

namespace cs::mcp {
namespace fs = std::filesystem;
namespace pm = protocol::mcp;

namespace {

SearchFilters toFilters(const pm::Filters& f) {
  SearchFilters filters;
  filters.languages = f.languages;
  filters.path_globs = f.paths;
  filters.kinds = f.kinds;
  filters.exclude_tests = f.exclude_tests;
  return filters;
}

pm::IndexInfo indexInfo(const ServiceStatus& s) {
  return pm::IndexInfo{s.stats.files, s.stats.chunks, s.pending, !s.indexing};
}

pm::SearchResult toSearchResult(const SearchService& service, const std::vector<SearchHit>& hits,
                                const QueryAnswer& answer) {
  pm::SearchResult result;
  for (const auto& hit : hits) result.results.push_back(toResultItem(hit, service.roots()));
  result.index = indexInfo(service.status());
  result.mode = modeName(answer.mode_used);
  result.warning = answer.warning;
  return result;
}

Json respond(const pm::SearchResult& result, const std::string& header, int max_tokens, bool structured) {
  std::string text = pm::renderText(result, header, max_tokens);
  return pm::toolResult(std::move(text), structured ? std::optional<Json>(pm::toStructured(result)) : std::nullopt);
}

std::string countOf(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

// `file` (absolute, or relative to one of the roots, tried in order) as a workspace path.
std::optional<std::string> resolveFile(const SearchService& service, const std::string& file) {
  if (fs::path(file).is_absolute()) return service.workspacePath(file);
  for (const auto& root : service.roots()) {
    if (auto path = service.workspacePath((fs::path(root) / file).lexically_normal().string())) return path;
  }
  return std::nullopt;
}

std::string relativeToRoots(const std::string& path, const std::vector<std::string>& roots) {
  if (roots.size() != 1) return path;
  std::error_code ec;
  fs::path relative = fs::path(path).lexically_relative(roots.front());
  if (relative.empty() || *relative.begin() == "..") return path;
  return relative.string();
}

// "Rails::Engine", "Foo#bar", "a->b", "pkg/Type" -> "Rails.Engine", "Foo.bar", "a.b", "pkg.Type".
std::string dotted(const std::string& symbol) {
  std::string out;
  for (size_t i = 0; i < symbol.size(); ++i) {
    char c = symbol[i];
    if ((c == ':' || c == '-') && i + 1 < symbol.size() && (symbol[i + 1] == ':' || symbol[i + 1] == '>')) {
      out += '.';
      ++i;
    } else if (c == '#' || c == '/' || c == '\\') {
      out += '.';
    } else if (c != ' ' && c != '\t') {
      out += c;
    }
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  return out;
}

bool equalsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

pm::ResultItem toResultItem(const SearchHit& hit, const std::vector<std::string>& roots) {
  const Chunk& c = hit.chunk;
  pm::ResultItem item;
  item.path = relativeToRoots(c.path, roots);
  item.start_line = static_cast<int>(c.start.line) + 1;
  // A chunk ending at column 0 ends on the line before (its last newline).
  uint32_t end = c.end.line > c.start.line && c.end.byte_column == 0 ? c.end.line - 1 : c.end.line;
  item.end_line = static_cast<int>(end) + 1;
  item.name = c.name;
  item.qualified_name = c.qualified_name;
  item.kind = c.kind;
  item.language = c.language;
  item.score = hit.score;
  item.preview = previewOf(c);
  item.code = c.text;
  item.start_column = c.start.byte_column;
  return item;
}

std::optional<int> definitionTier(const Chunk& chunk, const std::string& symbol) {
  if (chunk.kind == "module") return std::nullopt;
  const std::string wanted = dotted(symbol);
  const size_t dot = wanted.rfind('.');
  const std::string name = dot == std::string::npos ? wanted : wanted.substr(dot + 1);
  const std::string qualified = dotted(chunk.qualified_name);
  if (chunk.name == name) {
    if (dot == std::string::npos) return 0;
    if (qualified == wanted || (qualified.size() > wanted.size() &&
                                qualified.compare(qualified.size() - wanted.size(), wanted.size(), wanted) == 0 &&
                                qualified[qualified.size() - wanted.size() - 1] == '.'))
      return 0;
    return 1;
  }
  if (equalsIgnoreCase(chunk.name, name)) return 2;
  return 3;
}

bool isKnownTool(const std::string& name) {
  return name == "search_code" || name == "find_similar" || name == "find_definition" || name == "index_status";
}

Json callTool(const SearchService& service, const std::string& name, const Json& arguments, bool structured) {
  try {
    if (name == "search_code") return searchCode(service, arguments, structured);
    if (name == "find_similar") return findSimilar(service, arguments, structured);
    if (name == "find_definition") return findDefinition(service, arguments, structured);
    if (name == "index_status") {
      if (!arguments.is_null() && !(arguments.is_object() && arguments.empty()))
        return pm::toolError("index_status takes no arguments");
      return indexStatus(service, structured);
    }
    return pm::toolError("unknown tool: " + name);
  } catch (const std::exception& e) {  // libtorch, sqlite, bad_alloc: a failed call, not a dead server
    return pm::toolError(name + " failed: " + e.what());
  }
}

Json searchCode(const SearchService& service, const Json& arguments, bool structured) {
  auto args = pm::decodeSearchCodeArgs(arguments);
  if (!args.ok()) return pm::toolError("search_code: " + args.error().message);
  QueryOptions options;
  options.text = args->query;
  options.limit = args->limit;
  options.mode = parseSearchMode(args->mode).value_or(SearchMode::kHybrid);
  options.filters = toFilters(args->filters);
  auto answer = service.query(options);
  if (!answer.ok()) return pm::toolError("search_code: " + answer.error().message);
  auto result = toSearchResult(service, answer->hits, answer.value());
  std::string header = countOf(result.results.size(), "result") + " for " + inQuotes(args->query) + " (" + result.mode + ")";
  return respond(result, header, args->max_tokens, structured);
}

Json findSimilar(const SearchService& service, const Json& arguments, bool structured) {
  auto args = pm::decodeFindSimilarArgs(arguments);
  if (!args.ok()) return pm::toolError("find_similar: " + args.error().message);
  const SearchFilters filters = toFilters(args->filters);
  Result<QueryAnswer> answer = makeError("unreachable");
  std::string header;
  if (args->code) {
    answer = service.similarToText("", *args->code, 0, 0, args->limit, filters);
    header = "code similar to the snippet";
  } else {
    auto path = resolveFile(service, *args->file);
    if (!path) {
      std::string roots;
      for (const auto& root : service.roots()) roots += (roots.empty() ? "" : ", ") + root;
      return pm::toolError("find_similar: '" + *args->file + "' is not a file inside the workspace (roots: " + roots + ")");
    }
    auto text = service.readWorkspaceFile(*path);
    if (!text.ok()) return pm::toolError("find_similar: " + text.error().message);
    const int lines = static_cast<int>(std::count(text->begin(), text->end(), '\n')) +
                      (text->empty() || text->back() != '\n' ? 1 : 0);
    if (*args->line > lines)
      return pm::toolError("find_similar: line " + std::to_string(*args->line) + " is past the end of " + *args->file +
                           " (" + countOf(lines, "line") + ")");
    answer = service.similarAt(*path, static_cast<uint32_t>(*args->line - 1), args->limit, filters);
    if (!answer.ok()) {
      return pm::toolError("find_similar: nothing indexed at " + *args->file + ":" + std::to_string(*args->line) +
                           " (the file may not be indexed yet, or its language is not supported)");
    }
    header = "code similar to " + relativeToRoots(*path, service.roots()) + ":" + std::to_string(*args->line);
  }
  if (!answer.ok()) return pm::toolError("find_similar: " + answer.error().message);
  auto result = toSearchResult(service, answer->hits, answer.value());
  header = countOf(result.results.size(), "result") + ": " + header + " (" + result.mode + ")";
  return respond(result, header, args->max_tokens, structured);
}

Json findDefinition(const SearchService& service, const Json& arguments, bool structured) {
  auto args = pm::decodeFindDefinitionArgs(arguments);
  if (!args.ok()) return pm::toolError("find_definition: " + args.error().message);
  QueryOptions options;
  options.text = args->symbol;
  options.limit = std::clamp(args->limit * 10, 50, 1000);  // candidates; modules and non-matches drop out below
  options.mode = SearchMode::kHybrid;
  auto answer = service.query(options);
  if (!answer.ok()) return pm::toolError("find_definition: " + answer.error().message);
  std::vector<std::pair<int, const SearchHit*>> candidates;
  for (const auto& hit : answer->hits) {
    if (auto tier = definitionTier(hit.chunk, args->symbol)) candidates.emplace_back(*tier, &hit);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const bool exact = !candidates.empty() && candidates.front().first <= 1;
  std::vector<SearchHit> hits;
  for (const auto& [tier, hit] : candidates) {
    if (static_cast<int>(hits.size()) == args->limit || (exact && tier > 1)) break;
    hits.push_back(*hit);
  }
  auto result = toSearchResult(service, hits, answer.value());
  if (!exact) {
    result.note = hits.empty() ? "No definition named " + args->symbol + " is indexed."
                               : "No definition named exactly " + args->symbol + "; the closest matches:";
  }
  std::string header = countOf(result.results.size(), "definition") + " of " + args->symbol;
  return respond(result, header, args->max_tokens, structured);
}

Json indexStatus(const SearchService& service, bool structured) {
  ServiceStatus s = service.status();
  pm::StatusInfo info;
  info.index = indexInfo(s);
  info.state = s.indexing ? "indexing" : "idle";
  info.roots = service.roots();
  info.skipped_files = s.skipped_files;
  info.load_files_loaded = s.load.files_loaded;
  info.load_files_total = s.load.files_total;
  info.load_complete = s.load.done;
  if (s.model) {
    info.model_id = s.model->id;
    info.model_dim = s.model->dim;
    info.model_device = s.model->device;
  } else {
    info.model_error = s.model_error;
  }
  info.version = CODESEARCH_VERSION;
  info.watcher_mode = watchModeName(s.watch.mode);
  if (!s.watch.warning.empty()) info.watcher_warning = s.watch.warning;
  info.approximate_search = s.stats.approximate_search;
  if (!s.stats.vector_device.empty()) info.vector_device = s.stats.vector_device;
  return pm::toolResult(pm::renderText(info), structured ? std::optional<Json>(pm::toStructured(info)) : std::nullopt);
}

}  // namespace cs::mcp
