// Incremental extraction (Extractor::extract with a ParsedFile) against a full
// re-parse, on fuzzed files and edits. Input: one byte picks the language, one
// how the edit is described, two bytes where it starts, one how many bytes it
// replaces, one how many of the following bytes it inserts; the rest is the
// file's first version. The harness extracts that version into a ParsedFile,
// applies the edit and extracts the second version incrementally, with the
// edit (exact), with no edits (the texts are diffed) or with a stale one.
// Whenever the second version parses without syntax errors, its chunks must
// equal a full extraction's field by field (extractor.h: with syntax errors
// the chunks are those of tree-sitter's incremental tree, by design); and
// every chunk must lie inside its text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "indexer/extractor.h"
#include "indexer/text_edit.h"
#include "tests/indexer/random_edits.h"  // describeChunk: every field, as the incremental tests compare

namespace {

[[noreturn]] void fail(const char* what, const std::string& language, const cs::Chunk* chunk) {
  std::fprintf(stderr, "%s (%s)", what, language.c_str());
  if (chunk)
    std::fprintf(stderr, ": %s %s [%u, %u)", chunk->kind.c_str(), chunk->name.c_str(), chunk->start_byte,
                 chunk->end_byte);
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 6) return 0;
  static cs::Extractor incremental;  // keeps trees between versions, like a worker
  static cs::Extractor reference;    // full parses only
  const auto& languages = cs::supportedLanguages();
  const std::string& language = languages[data[0] % languages.size()];
  const int described = data[1] % 3;  // 0: the exact edit, 1: none (diffed), 2: a stale edit
  const size_t start_hint = static_cast<size_t>(data[2]) << 8 | data[3];
  const size_t replaced = data[4] % 64;
  const size_t inserted_length = std::min<size_t>(data[5] % 32, size - 6);
  const std::string inserted(reinterpret_cast<const char*>(data) + 6, inserted_length);
  const std::string before(reinterpret_cast<const char*>(data) + 6 + inserted_length, size - 6 - inserted_length);

  const size_t start = before.empty() ? 0 : start_hint % (before.size() + 1);
  const size_t end = std::min(before.size(), start + replaced);
  cs::TextEdit edit{static_cast<uint32_t>(start), static_cast<uint32_t>(end), inserted};
  std::string after = before;
  after.replace(start, end - start, inserted);

  cs::ParsedFile parsed;
  if (!incremental.extract("/fuzz/input", before, language, parsed, {}).ok()) fail("first version failed", language, nullptr);
  std::vector<cs::TextEdit> edits;
  if (described == 0) edits.push_back(edit);
  if (described == 2) edits.push_back(cs::TextEdit{0, static_cast<uint32_t>(before.size() / 2), "stale"});
  cs::IncrementalStats stats;
  auto chunks = incremental.extract("/fuzz/input", after, language, parsed, edits, &stats);
  if (!chunks.ok()) fail("second version failed", language, nullptr);
  for (const cs::Chunk& chunk : *chunks) {
    if (chunk.start_byte > chunk.end_byte || chunk.end_byte > after.size() || chunk.start.line > chunk.end.line)
      fail("chunk outside its text", language, &chunk);
  }
  if (stats.syntax_errors) return 0;
  auto full = reference.extract("/fuzz/input", after, language);
  if (!full.ok()) fail("full extraction failed", language, nullptr);
  if (full->size() != chunks->size()) {
    std::fprintf(stderr, "incremental gave %zu chunks, full %zu\n", chunks->size(), full->size());
    fail("incremental and full extraction differ", language, nullptr);
  }
  for (size_t i = 0; i < chunks->size(); ++i) {
    if (cs::test::describeChunk((*chunks)[i]) != cs::test::describeChunk((*full)[i]))
      fail("incremental and full extraction differ", language, &(*chunks)[i]);
  }
  return 0;
}
