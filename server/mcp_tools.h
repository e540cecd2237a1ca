// The MCP tools of `codesearch mcp` over a SearchService: search_code,
// find_similar, find_definition and index_status. Each takes the decoded-or-not
// `arguments` of tools/call and returns a complete MCP tool result
// ({content, structuredContent?, isError}); bad arguments, paths outside the
// workspace and search failures are isError results, never exceptions.
// Schemas and argument decoding live in protocol/mcp_types.h.
//
// Thread-safety: stateless functions; safe from any thread, as SearchService is.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "protocol/mcp_types.h"
#include "server/search_service.h"

namespace cs::mcp {

using Json = nlohmann::json;

// Whether `name` is one of the tools.
bool isKnownTool(const std::string& name);
// Runs tool `name` (isKnownTool) with `arguments`. `structured`: include
// structuredContent (protocol 2025-06-18 and later).
Json callTool(const SearchService& service, const std::string& name, const Json& arguments, bool structured);

Json searchCode(const SearchService& service, const Json& arguments, bool structured);
Json findSimilar(const SearchService& service, const Json& arguments, bool structured);
Json findDefinition(const SearchService& service, const Json& arguments, bool structured);
Json indexStatus(const SearchService& service, bool structured);

// A hit as an MCP result item: path relative to its root when there is one
// root (absolute otherwise), 1-based lines.
protocol::mcp::ResultItem toResultItem(const SearchHit& hit, const std::vector<std::string>& roots);
// Which tier a definition candidate falls in for `symbol` (0: its qualified
// name matches, 1: its name matches, 2: its name matches ignoring case,
// 3: anything else); module chunks are never definitions (nullopt).
std::optional<int> definitionTier(const Chunk& chunk, const std::string& symbol);

}  // namespace cs::mcp
