// The extractor (indexer/extractor.h) on random bytes in every supported
// language: the first input byte picks the language, the rest is the file.
// Extraction must never fail or crash on bad source text, and every chunk
// must lie inside the source (byte range, ordered line positions).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "indexer/extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static cs::Extractor extractor;  // one per process, as one per worker thread in the daemon
  const auto& languages = cs::supportedLanguages();
  const std::string& language = languages[data[0] % languages.size()];
  std::string_view source(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto chunks = extractor.extract("/fuzz/input", source, language);
  if (!chunks.ok()) {  // only a grammar/query that cannot load may fail: a build bug
    std::fprintf(stderr, "extract failed for %s: %s\n", language.c_str(), chunks.error().message.c_str());
    std::abort();
  }
  for (const cs::Chunk& chunk : *chunks) {
    const bool inside = chunk.start_byte <= chunk.end_byte && chunk.end_byte <= source.size();
    const bool ordered = chunk.start.line <= chunk.end.line;
    const bool language_kept = chunk.language == language || (language == "c" && chunk.language == "cpp");
    if (!inside || !ordered || !language_kept) {
      std::fprintf(stderr, "bad chunk %s %s [%u, %u) lines %u-%u of %zu bytes (%s)\n", chunk.kind.c_str(),
                   chunk.name.c_str(), chunk.start_byte, chunk.end_byte, chunk.start.line, chunk.end.line,
                   source.size(), chunk.language.c_str());
      std::abort();
    }
  }
  return 0;
}
