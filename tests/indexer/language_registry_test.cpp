// The language table (indexer/language_registry.h): every language has a
// grammar of an ABI the runtime loads, a query that compiles against it, and
// extensions no other language claims.
#include "indexer/language_registry.h"

#include <map>

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(LanguageRegistry, EveryLanguageHasALoadableGrammarAndACompiledQuery) {
  ASSERT_GE(allLanguages().size(), 20u);
  for (const LanguageSpec& spec : allLanguages()) {
    ASSERT_NE(spec.grammar, nullptr) << spec.name;
    const uint32_t abi = ts_language_version(spec.grammar);
    EXPECT_GE(abi, TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION) << spec.name;
    EXPECT_LE(abi, TREE_SITTER_LANGUAGE_VERSION) << spec.name;
    EXPECT_NE(spec.query, nullptr) << spec.name << ": " << spec.query_error;
    EXPECT_TRUE(spec.query_error.empty()) << spec.name << ": " << spec.query_error;
    EXPECT_FALSE(embeddedQuery(spec.name).empty()) << spec.name;
    EXPECT_FALSE(spec.extensions.empty()) << spec.name;
  }
}

TEST(LanguageRegistry, ExtensionsBelongToOneLanguageEach) {
  std::map<std::string, std::string> owner;
  for (const LanguageSpec& spec : allLanguages()) {
    for (const std::string& extension : spec.extensions) {
      EXPECT_EQ(extension.front(), '.') << spec.name << " " << extension;
      auto [it, inserted] = owner.emplace(extension, spec.name);
      EXPECT_TRUE(inserted) << extension << " claimed by " << it->second << " and " << spec.name;
    }
  }
  EXPECT_EQ(owner.at(".py"), "python");
  EXPECT_EQ(owner.at(".tsx"), "tsx");
  EXPECT_EQ(owner.at(".rs"), "rust");
}

TEST(LanguageRegistry, LooksUpByNameAndRefusesUnknownOnes) {
  const LanguageSpec* go = findLanguage("go");
  ASSERT_NE(go, nullptr);
  EXPECT_EQ(go->name, "go");
  EXPECT_EQ(findLanguage("nim"), nullptr);
  EXPECT_EQ(findLanguage(""), nullptr);
  const LanguageSpec* rust = findLanguage("rust");
  ASSERT_NE(rust, nullptr);
  EXPECT_FALSE(rust->item_macro_node.empty());  // cfg_rt! { ... } bodies are parsed again
}

}  // namespace
}  // namespace cs
