#include "training/extraction_report.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "indexer/extractor.h"
#include "indexer/workspace_walker.h"

namespace cs {
namespace {

size_t linesOf(const Chunk& c) { return c.end.line - c.start.line + 1; }

ChunkExample exampleOf(const std::string& path, const Chunk& c) {
  return {path + ":" + std::to_string(c.start.line + 1) + "-" + std::to_string(c.end.line + 1), c.kind, c.name,
          linesOf(c)};
}

std::string percent(size_t part, size_t whole) {
  if (whole == 0) return "-";
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << 100.0 * static_cast<double>(part) / static_cast<double>(whole) << "%";
  return out.str();
}

}  // namespace

bool isSuspiciousDefinitionName(const std::string& name) {
  static const std::set<std::string> kWords = {
      "decltype", "auto",   "const",    "constexpr", "static", "inline",   "virtual", "template", "typename",
      "class",    "struct", "union",    "enum",      "namespace", "public", "private", "protected", "return",
      "if",       "for",    "while",    "switch",    "void",   "int",      "char",    "bool",     "float",
      "double",   "long",   "unsigned", "signed",    "short",  "extern",   "explicit", "noexcept", "override",
      "final",    "operator", "typedef", "using",    "volatile"};
  if (name.empty()) return true;
  if (kWords.count(name)) return true;
  if (name.rfind("operator", 0) == 0) return false;  // operator(), operator[] and friends are real names
  // Declarator pieces that are not names: "(*cb)", "foo(int", "a b".
  return name.find_first_of("()[]{}; \t\n,") != std::string::npos;
}

void addToExtractionReport(ExtractionReport& report, const std::string& path, size_t file_lines,
                           const std::vector<Chunk>& chunks) {
  if (chunks.empty()) return;
  LanguageExtraction& lang = report.languages[chunks.front().language];
  ++lang.files;
  lang.lines += file_lines;
  std::vector<bool> covered(file_lines, false);
  std::vector<const Chunk*> definitions;
  for (const Chunk& c : chunks) {
    ++lang.chunks;
    ++lang.chunks_by_kind[c.kind];
    if (c.kind == "module") continue;
    if (c.part > 0) {  // a window inside its definition: counted, never an overlap or a "largest"
      ++lang.windows;
      continue;
    }
    definitions.push_back(&c);
    for (uint32_t l = c.start.line; l <= c.end.line && l < covered.size(); ++l) covered[l] = true;
    if (isSuspiciousDefinitionName(c.name)) {
      ++lang.suspicious_name_count;
      if (lang.suspicious_names.size() < 10) lang.suspicious_names.push_back(exampleOf(path, c));
    }
    lang.largest.push_back(exampleOf(path, c));
  }
  lang.lines_in_definitions += static_cast<size_t>(std::count(covered.begin(), covered.end(), true));
  std::sort(lang.largest.begin(), lang.largest.end(),
            [](const ChunkExample& a, const ChunkExample& b) { return a.lines > b.lines; });
  if (lang.largest.size() > 5) lang.largest.resize(5);
  // Byte ranges that overlap without one containing the other.
  std::sort(definitions.begin(), definitions.end(), [](const Chunk* a, const Chunk* b) {
    return a->start_byte != b->start_byte ? a->start_byte < b->start_byte : a->end_byte > b->end_byte;
  });
  for (size_t i = 0; i < definitions.size(); ++i) {
    for (size_t j = i + 1; j < definitions.size() && definitions[j]->start_byte < definitions[i]->end_byte; ++j) {
      if (definitions[j]->end_byte <= definitions[i]->end_byte) continue;  // nested
      ++lang.partial_overlap_count;
      if (lang.partial_overlaps.size() < 10)
        lang.partial_overlaps.push_back(exampleOf(path, *definitions[i]).where + " " + definitions[i]->name + " / " +
                                        exampleOf(path, *definitions[j]).where + " " + definitions[j]->name);
    }
  }
}

Result<ExtractionReport> reportExtraction(const std::vector<std::string>& roots) {
  WalkOptions walk_options;
  walk_options.roots = roots;
  WorkspaceWalker walker(walk_options);
  Extractor extractor;
  ExtractionReport report;
  for (const WalkedFile& file : walker.walk().files) {
    std::ifstream in(file.path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto chunks = extractor.extract(file.path, text, languageForSource(file.path, text).value_or(file.language));
    if (!chunks.ok()) return chunks.error();
    const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + (text.empty() || text.back() == '\n' ? 0 : 1);
    addToExtractionReport(report, file.path, lines, chunks.value());
  }
  return report;
}

std::string ExtractionReport::toMarkdown() const {
  std::ostringstream out;
  out << "| language | files | lines | in definitions | chunks | windows | suspicious names | partial overlaps |\n"
      << "|---|---|---|---|---|---|---|---|\n";
  for (const auto& [name, l] : languages) {
    out << "| " << name << " | " << l.files << " | " << l.lines << " | " << percent(l.lines_in_definitions, l.lines)
        << " | " << l.chunks << " | " << l.windows << " | " << l.suspicious_name_count << " | " << l.partial_overlap_count << " |\n";
  }
  for (const auto& [name, l] : languages) {
    out << "\n### " << name << "\nkinds:";
    for (const auto& [kind, n] : l.chunks_by_kind) out << " " << kind << " " << n;
    out << "\nlargest:\n";
    for (const auto& e : l.largest) out << "- " << e.where << " " << e.kind << " " << e.name << " (" << e.lines << " lines)\n";
    if (!l.suspicious_names.empty()) {
      out << "suspicious names:\n";
      for (const auto& e : l.suspicious_names) out << "- " << e.where << " " << e.kind << " '" << e.name << "'\n";
    }
    if (!l.partial_overlaps.empty()) {
      out << "partial overlaps:\n";
      for (const auto& o : l.partial_overlaps) out << "- " << o << "\n";
    }
  }
  return out.str();
}

}  // namespace cs
