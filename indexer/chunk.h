// Chunk: one searchable unit of source code (a function, method, class, ... or
// the top-level remainder of a file) as produced by the extractor and stored by
// the index. Plain value type; no shared state.
#pragma once

#include <cstdint>
#include <string>

namespace cs {

// A position in a file. `line` is 0-based. Columns are given both in UTF-8
// bytes and in UTF-16 code units so the server can answer in either LSP
// position encoding without re-reading the file.
struct SourcePoint {
  uint32_t line = 0;
  uint32_t byte_column = 0;
  uint32_t utf16_column = 0;
};

struct Chunk {
  std::string path;            // absolute, normalised file path
  std::string language;        // "python", "javascript", "typescript", "tsx", "go", "java", "rust",
                               // "c", "cpp", "csharp", "ruby", "php", "bash"
  std::string kind;            // "function", "method", "constructor", "class", "struct",
                               // "interface", "enum", "trait", "type" (alias), "module" (top-level remainder)
  std::string name;            // simple name ("parse"), file name for "module" chunks
  std::string qualified_name;  // enclosing scopes joined with '.', e.g. "http.Client.send"
  std::string signature;       // declaration line(s) up to the body, whitespace-collapsed
  std::string doc;             // leading doc comment / docstring, comment markers stripped
  std::string text;            // the chunk's full source text [start_byte, end_byte)
  uint32_t start_byte = 0;
  uint32_t end_byte = 0;
  SourcePoint start;
  SourcePoint end;
  // 0 for a whole definition (or module remainder). n >= 1 for the n-th window of
  // a definition longer than one embedding sees (Extractor): the same name and
  // kind, a line range inside the definition's, its own text and vector.
  uint32_t part = 0;
};

}  // namespace cs
