#include "indexer/embedding_text.h"

#include "indexer/doc_summary.h"
#include "support/hash.h"

namespace cs {
namespace {

constexpr size_t kMaxEmbeddingText = 8 * 1024;

// Where the `def`/`class` line starts: after any decorator lines.
size_t signatureLineStart(const std::string& text) {
  for (size_t line = 0; line < text.size();) {
    size_t first = text.find_first_not_of(" \t", line);
    if (first == std::string::npos) break;
    for (const char* keyword : {"def ", "async def ", "class "}) {
      if (text.compare(first, std::char_traits<char>::length(keyword), keyword) == 0) return line;
    }
    size_t nl = text.find('\n', line);
    if (nl == std::string::npos) break;
    line = nl + 1;
  }
  return 0;
}

// Removes one occurrence of the docstring literal (with its quotes) from `text`.
bool eraseDocstring(std::string& text) {
  for (const char* quote : {"\"\"\"", "'''", "\"", "'"}) {
    size_t open = text.find(quote);
    if (open == std::string::npos) continue;
    // Only a docstring: the first statement after the signature line (decorators come before it).
    size_t line_end = text.find('\n', signatureLineStart(text));
    if (line_end == std::string::npos || open < line_end) continue;
    if (text.find_first_not_of(" \t\r\n", line_end) != open) continue;
    size_t close = text.find(quote, open + std::char_traits<char>::length(quote));
    if (close == std::string::npos) return false;
    size_t end = close + std::char_traits<char>::length(quote);
    size_t after = text.find('\n', end);
    text.erase(open, (after == std::string::npos ? end : after + 1) - open);
    return true;
  }
  return false;
}

}  // namespace

std::string codeWithoutDoc(const Chunk& chunk) {
  std::string text = chunk.text;
  if (!chunk.doc.empty() && chunk.language == "python") eraseDocstring(text);
  return text;
}

std::string embeddingText(const Chunk& chunk, const EmbeddingTextOptions& options) {
  std::string out;
  const std::string& name = chunk.qualified_name.empty() ? chunk.name : chunk.qualified_name;
  out.reserve(name.size() + chunk.text.size() + 1);
  out += name;
  out += '\n';
  if (options.include_doc && !chunk.doc.empty()) {
    std::string summary = docSummary(chunk.doc, chunk.language);
    if (!summary.empty()) {
      out += summary;
      out += '\n';
    }
  }
  out += codeWithoutDoc(chunk);
  if (out.size() > kMaxEmbeddingText) out.resize(kMaxEmbeddingText);
  return out;
}

uint64_t embeddingHash(const Chunk& chunk, const EmbeddingTextOptions& options) {
  return fnv1a(embeddingText(chunk, options));  // stable across builds
}

}  // namespace cs
