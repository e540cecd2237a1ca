#include "server/result_items.h"

#include "protocol/codesearch_types.h"
#include "protocol/lsp_types.h"

namespace cs {

const char* modeName(SearchMode mode) {
  switch (mode) {
    case SearchMode::kHybrid: return "hybrid";
    case SearchMode::kSemantic: return "semantic";
    case SearchMode::kLexical: return "lexical";
  }
  return "hybrid";
}

std::optional<SearchMode> parseSearchMode(const std::string& name) {
  if (name == "hybrid") return SearchMode::kHybrid;
  if (name == "semantic") return SearchMode::kSemantic;
  if (name == "lexical") return SearchMode::kLexical;
  return std::nullopt;
}

std::string previewOf(const Chunk& chunk) {
  std::string preview = chunk.signature;
  if (preview.empty()) {
    size_t start = chunk.text.find_first_not_of(" \t\r\n");
    if (start != std::string::npos) {
      size_t end = chunk.text.find('\n', start);
      preview = chunk.text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
  }
  if (preview.size() > 200) preview = preview.substr(0, 197) + "...";
  return preview;
}

nlohmann::json toResultItem(const SearchHit& hit, PositionEncoding encoding) {
  protocol::SearchResultItem item;
  const Chunk& c = hit.chunk;
  const bool utf8 = encoding == PositionEncoding::kUtf8;
  item.uri = protocol::pathToUri(c.path);
  item.range.start = {static_cast<int>(c.start.line),
                      static_cast<int>(utf8 ? c.start.byte_column : c.start.utf16_column)};
  item.range.end = {static_cast<int>(c.end.line), static_cast<int>(utf8 ? c.end.byte_column : c.end.utf16_column)};
  item.name = c.name;
  item.qualifiedName = c.qualified_name;
  item.kind = c.kind;
  item.language = c.language;
  item.score = hit.score;
  item.dense = hit.dense;
  item.lexical = hit.lexical;
  item.preview = previewOf(c);
  return item;
}

nlohmann::json toSearchResponse(const QueryAnswer& answer, const ServiceStatus& status, PositionEncoding encoding) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& hit : answer.hits) results.push_back(toResultItem(hit, encoding));
  protocol::IndexInfo info{status.stats.files, status.stats.chunks, status.pending, !status.indexing};
  nlohmann::json out = {{"results", std::move(results)}, {"index", info}, {"mode", modeName(answer.mode_used)}};
  if (answer.warning) out["warning"] = *answer.warning;
  return out;
}

}  // namespace cs
