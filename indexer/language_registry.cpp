#include "indexer/language_registry.h"

#include "indexer/language_conventions.h"

#include <tree_sitter/api.h>

extern "C" {
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_javascript();
const TSLanguage* tree_sitter_typescript();
const TSLanguage* tree_sitter_tsx();
const TSLanguage* tree_sitter_go();
const TSLanguage* tree_sitter_java();
const TSLanguage* tree_sitter_rust();
const TSLanguage* tree_sitter_c();
const TSLanguage* tree_sitter_cpp();
const TSLanguage* tree_sitter_c_sharp();
const TSLanguage* tree_sitter_ruby();
const TSLanguage* tree_sitter_php();
const TSLanguage* tree_sitter_bash();
const TSLanguage* tree_sitter_kotlin();
const TSLanguage* tree_sitter_scala();
const TSLanguage* tree_sitter_swift();
const TSLanguage* tree_sitter_lua();
const TSLanguage* tree_sitter_elixir();
const TSLanguage* tree_sitter_haskell();
const TSLanguage* tree_sitter_zig();
}

namespace cs {
namespace {

std::vector<LanguageSpec> buildTable() {
  struct Entry {
    const char* name;
    std::vector<std::string> extensions;
    const TSLanguage* (*grammar)();
  };
  const std::vector<Entry> entries = {
      {"python", {".py", ".pyi"}, tree_sitter_python},
      {"javascript", {".js", ".mjs", ".cjs", ".jsx"}, tree_sitter_javascript},
      {"typescript", {".ts", ".mts", ".cts"}, tree_sitter_typescript},
      {"tsx", {".tsx"}, tree_sitter_tsx},
      {"go", {".go"}, tree_sitter_go},
      {"java", {".java"}, tree_sitter_java},
      {"rust", {".rs"}, tree_sitter_rust},
      {"c", {".c", ".h"}, tree_sitter_c},
      {"cpp", {".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".ipp", ".tpp"}, tree_sitter_cpp},
      {"csharp", {".cs"}, tree_sitter_c_sharp},
      {"ruby", {".rb", ".rake", ".gemspec"}, tree_sitter_ruby},
      {"php", {".php", ".phtml"}, tree_sitter_php},
      {"bash", {".sh", ".bash"}, tree_sitter_bash},
      {"kotlin", {".kt", ".kts"}, tree_sitter_kotlin},
      {"scala", {".scala", ".sc"}, tree_sitter_scala},
      {"swift", {".swift"}, tree_sitter_swift},
      {"lua", {".lua"}, tree_sitter_lua},
      {"elixir", {".ex", ".exs"}, tree_sitter_elixir},
      {"haskell", {".hs"}, tree_sitter_haskell},
      {"zig", {".zig"}, tree_sitter_zig},
  };
  std::vector<LanguageSpec> table;
  for (const Entry& e : entries) {
    LanguageSpec spec;
    spec.name = e.name;
    spec.extensions = e.extensions;
    spec.grammar = e.grammar();
    if (spec.name == "rust") spec.item_macro_node = "macro_invocation";
    spec.conventions = languageConventions(spec.name);
    std::string_view source = embeddedQuery(spec.name);
    uint32_t error_offset = 0;
    TSQueryError error = TSQueryErrorNone;
    spec.query = ts_query_new(spec.grammar, source.data(), static_cast<uint32_t>(source.size()), &error_offset, &error);
    if (!spec.query) {
      spec.query_error = "query for " + spec.name + " does not compile (error " + std::to_string(error) +
                         " at offset " + std::to_string(error_offset) + ")";
    }
    table.push_back(std::move(spec));
  }
  return table;
}

}  // namespace

const std::vector<LanguageSpec>& allLanguages() {
  // Built once, never modified: the compiled queries are shared read-only by all threads.
  static const std::vector<LanguageSpec> table = buildTable();
  return table;
}

const LanguageSpec* findLanguage(std::string_view name) {
  for (const auto& spec : allLanguages()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace cs
