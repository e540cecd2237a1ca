// Chunks from ordered definitions: scopes to qualified names, kinds from
// context (methods, constructors, C++ out-of-line members), signatures, docs,
// windows over long definitions, and the module chunk of what is left.
#include <cctype>

#include "indexer/extractor_stages.h"

namespace cs::extraction {
namespace {

bool isContainerKind(std::string_view kind) {
  return kind == "class" || kind == "struct" || kind == "interface" || kind == "enum" || kind == "trait";
}

bool isConstructorName(std::string_view name) {
  return name == "__init__" || name == "constructor" || name == "initialize" || name == "__construct";
}

std::string collapseWhitespace(std::string_view text, size_t cap) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= cap) break;
  }
  return out;
}

// The declaration up to its body, whitespace-collapsed, without comment lines.
std::string signatureOf(std::string_view source, const Definition& d) {
  uint32_t sig_end = d.has_body ? std::max(d.start, d.body_start) : d.end;
  std::string_view text = source.substr(d.start, sig_end - d.start);
  if (!d.has_body) {
    text = text.substr(0, text.find('\n'));
    size_t brace = text.find('{');
    if (brace != std::string_view::npos && brace > 0) text = text.substr(0, brace);
  }
  std::string kept;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    size_t first = line.find_first_not_of(" \t");
    bool comment = first != std::string_view::npos &&
                   (line.substr(first, 1) == "#" || line.substr(first, 2) == "//" || line.substr(first, 2) == "/*");
    if (!comment || pos == 0) {
      kept.append(line);
      kept.push_back('\n');
    }
    pos = nl + 1;
  }
  std::string sig = collapseWhitespace(kept, kMaxSignature);
  while (!sig.empty() && (sig.back() == '{' || sig.back() == ' ' || sig.back() == ':' || sig.back() == ';'))
    sig.pop_back();
  return sig;
}

// Windows over the part of `whole` that its own vector does not see, each
// starting and ending at line boundaries (Chunk::part).
void appendWindows(std::vector<Chunk>& chunks, std::string_view source, const LineTable& lines) {
  const Chunk whole = chunks.back();  // a copy: push_back below may move it
  if (whole.end_byte - whole.start_byte <= kWindowBytes) return;
  auto nextLineStart = [&](uint32_t byte) {
    const size_t nl = source.find('\n', byte);
    return nl == std::string_view::npos ? static_cast<uint32_t>(source.size()) : static_cast<uint32_t>(nl + 1);
  };
  uint32_t at = nextLineStart(whole.start_byte + kWindowBytes);
  for (uint32_t part = 1; at < whole.end_byte && part <= kMaxWindows; ++part) {
    uint32_t end = std::min(whole.end_byte, at + kWindowBytes);
    if (end < whole.end_byte) {
      const size_t nl = source.rfind('\n', end);
      if (nl != std::string_view::npos && nl > at) end = static_cast<uint32_t>(nl);
    }
    Chunk window;
    window.path = whole.path;
    window.language = whole.language;
    window.kind = whole.kind;
    window.name = whole.name;
    window.qualified_name = whole.qualified_name;
    window.signature = whole.signature;
    window.text = std::string(source.substr(at, end - at));
    window.start_byte = at;
    window.end_byte = end;
    window.start = lines.point(at);
    window.end = lines.point(end);
    window.part = part;
    chunks.push_back(std::move(window));
    at = nextLineStart(end);
  }
}

// What surrounds a definition: its qualifier (the enclosing scopes' names,
// dotted), the innermost enclosing chunk and the Rust impl it sits in.
struct Enclosing {
  std::string qualifier;
  const Definition* chunk = nullptr;  // innermost enclosing definition that is a chunk
  const Definition* impl = nullptr;   // the impl scope directly around it
};

// The open definitions around the current one, outermost first; `enter` must
// see the definitions in orderDefinitions' order.
class ScopeStack {
 public:
  Enclosing enter(const Definition& d) {
    while (!stack_.empty() && stack_.back()->end <= d.start) stack_.pop_back();
    Enclosing e;
    for (const Definition* outer : stack_) {
      if (!e.qualifier.empty()) e.qualifier += '.';
      e.qualifier += outer->name_qualifier.empty() ? outer->name : outer->name_qualifier + "." + outer->name;
      if (!outer->kind.empty()) e.chunk = outer;
    }
    if (!stack_.empty() && stack_.back()->impl_scope) e.impl = stack_.back();
    if (!d.receiver.empty()) e.qualifier += (e.qualifier.empty() ? "" : ".") + d.receiver;
    if (!d.name_qualifier.empty()) e.qualifier += (e.qualifier.empty() ? "" : ".") + d.name_qualifier;
    stack_.push_back(&d);
    return e;
  }

 private:
  std::vector<const Definition*> stack_;
};

// The chunk kind of `d` in its context: a function inside a type (or a Rust
// impl) is a method, a constructor by name; C++ out-of-line members
// (void Widget::draw() { ... }) are methods when the qualifier names a type of
// this file or is spelled like a type (Widget, not std).
std::string chunkKind(const LanguageSpec& spec, const Definition& d, const Enclosing& enclosing,
                      const std::vector<std::string>& file_types) {
  std::string kind = d.kind;
  if (spec.name == "cpp" && d.kind == "function" && !d.name_qualifier.empty()) {
    const size_t dot = d.name_qualifier.rfind('.');
    const std::string owner = dot == std::string::npos ? d.name_qualifier : d.name_qualifier.substr(dot + 1);
    const bool type_like = (!owner.empty() && std::isupper(static_cast<unsigned char>(owner[0]))) ||
                           std::find(file_types.begin(), file_types.end(), owner) != file_types.end();
    if (type_like) kind = d.name == owner || d.name == "~" + owner ? "constructor" : "method";
  }
  if (kind == "function" && ((enclosing.chunk && isContainerKind(enclosing.chunk->kind)) || enclosing.impl))
    kind = "method";
  if ((kind == "method" || kind == "function") && enclosing.chunk && isConstructorName(d.name)) kind = "constructor";
  return kind;
}

Chunk definitionChunk(const LanguageSpec& spec, std::string_view path, std::string_view source,
                      const LineTable& lines, const Definition& d, const Enclosing& enclosing, std::string kind) {
  Chunk chunk;
  chunk.path = std::string(path);
  chunk.language = spec.name;
  chunk.kind = std::move(kind);
  chunk.name = d.name;
  chunk.qualified_name = enclosing.qualifier.empty() ? d.name : enclosing.qualifier + "." + d.name;
  chunk.signature = signatureOf(source, d);
  if (enclosing.impl && !enclosing.impl->trait.empty()) {
    // A trait method says which trait it implements for which type: impl Serialize for Foo.
    chunk.signature = "impl " + enclosing.impl->trait + " for " + enclosing.impl->name + ": " + chunk.signature;
  }
  chunk.doc = d.doc.text;
  const size_t cap = isContainerKind(chunk.kind) ? kMaxContainerText : kMaxChunkText;
  chunk.text = std::string(source.substr(d.start, d.end - d.start).substr(0, cap));
  chunk.start_byte = d.start;
  chunk.end_byte = d.end;
  chunk.start = lines.point(d.start);
  chunk.end = lines.point(d.end);
  return chunk;
}

}  // namespace

std::string fileNameOf(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::vector<Chunk> buildDefinitionChunks(const LanguageSpec& spec, std::string_view path, std::string_view source,
                                         const LineTable& lines, const std::vector<Definition>& defs,
                                         CoveredRanges& covered) {
  std::vector<std::string> file_types;
  for (const Definition& d : defs) {
    if (isContainerKind(d.kind)) file_types.push_back(d.name);
  }
  std::vector<Chunk> chunks;
  ScopeStack scopes;
  for (const Definition& d : defs) {
    const Enclosing enclosing = scopes.enter(d);
    if (d.kind.empty()) continue;  // a scope, not a chunk
    chunks.push_back(definitionChunk(spec, path, source, lines, d, enclosing, chunkKind(spec, d, enclosing, file_types)));
    if (!isContainerKind(chunks.back().kind)) appendWindows(chunks, source, lines);
    if (covered.empty() || d.start >= covered.back().second) covered.emplace_back(d.doc.start, d.end);
  }
  return chunks;
}

void appendModuleChunk(std::vector<Chunk>& chunks, std::string_view path, const std::string& language,
                       std::string_view source, const LineTable& lines, const CoveredRanges& covered) {
  if (source.empty()) return;
  std::vector<bool> covered_lines(lines.lines(), false);
  for (const auto& [start, end] : covered) {
    SourcePoint a = lines.point(start), b = lines.point(end);
    for (uint32_t l = a.line; l <= b.line && l < covered_lines.size(); ++l) covered_lines[l] = true;
  }
  std::string text;
  int first = -1, last = -1;
  for (size_t l = 0; l < lines.lines(); ++l) {
    if (covered_lines[l]) continue;
    std::string_view line = source.substr(lines.lineStart(l), lines.lineEnd(l) - lines.lineStart(l));
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      if (!text.empty() && text.back() != '\n') text.push_back('\n');
      continue;
    }
    if (first < 0) first = static_cast<int>(l);
    last = static_cast<int>(l);
    if (text.size() < kMaxModuleText) {
      text.append(line);
      text.push_back('\n');
    }
  }
  if (first < 0) return;
  Chunk module;
  module.path = std::string(path);
  module.language = language;
  module.kind = "module";
  module.name = fileNameOf(path);
  module.qualified_name = module.name;
  module.text = text.substr(0, kMaxModuleText);
  module.start_byte = lines.lineStart(first);
  module.end_byte = lines.lineEnd(last);
  module.start = lines.point(module.start_byte);
  module.end = lines.point(module.end_byte);
  chunks.push_back(std::move(module));
}

}  // namespace cs::extraction
