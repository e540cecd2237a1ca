// ExtractionReport: how well the extractor covers real trees, per language:
// the share of lines inside a definition chunk, the largest chunks, names that
// are keywords or types (a misread declarator such as `decltype`), and pairs
// of chunks that overlap without nesting (one chunk glued to the next). A
// development tool (codesearch extraction-report DIR...), not the daemon.
//
// Thread-safety: runs on the calling thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "indexer/chunk.h"
#include "support/result.h"

namespace cs {

struct ChunkExample {
  std::string where;  // path:first-last (1-based)
  std::string kind, name;
  size_t lines = 0;
};

struct LanguageExtraction {
  size_t files = 0;
  size_t lines = 0;
  size_t lines_in_definitions = 0;  // lines inside a non-module chunk
  size_t chunks = 0;
  size_t windows = 0;  // windows of long definitions (Chunk::part), inside chunks
  std::map<std::string, size_t> chunks_by_kind;
  std::vector<ChunkExample> largest;       // the 5 largest definition chunks, by lines
  std::vector<ChunkExample> suspicious_names;  // keyword or type names (first 10)
  size_t suspicious_name_count = 0;
  std::vector<std::string> partial_overlaps;   // "a.cpp:10-20 f / a.cpp:15-30 g" (first 10)
  size_t partial_overlap_count = 0;
};

struct ExtractionReport {
  std::map<std::string, LanguageExtraction> languages;
  std::string toMarkdown() const;
};

// Accumulates one file's chunks (as the Extractor gave them) into `report`.
void addToExtractionReport(ExtractionReport& report, const std::string& display_path, size_t file_lines,
                           const std::vector<Chunk>& chunks);
// A chunk name that cannot be what a programmer called the definition.
bool isSuspiciousDefinitionName(const std::string& name);

// Walks `roots` as the daemon does and extracts every file.
Result<ExtractionReport> reportExtraction(const std::vector<std::string>& roots);

}  // namespace cs
