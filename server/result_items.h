// Conversion of search hits into the public codeSearch result JSON shape
// (shared by the LSP binding and the CLI's --json output).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "indexer/index.h"
#include "server/position_encoding.h"
#include "server/search_service.h"

namespace cs {

// {uri, range, name, qualifiedName, kind, language, score, scores: {dense, lexical}, preview}
nlohmann::json toResultItem(const SearchHit& hit, PositionEncoding encoding);
// {results: [...], index: {...}, mode, warning?}
nlohmann::json toSearchResponse(const QueryAnswer& answer, const ServiceStatus& status, PositionEncoding encoding);
// One line a person reads: signature, or the first non-blank line of the text.
std::string previewOf(const Chunk& chunk);
const char* modeName(SearchMode mode);
// "hybrid" | "semantic" | "lexical"; nullopt otherwise.
std::optional<SearchMode> parseSearchMode(const std::string& name);

}  // namespace cs
