// tree-sitter's core as codesearch builds it (cs_tree_sitter: Debian's 0.20.7
// with indexer/grammars/patches/tree-sitter-0.20.7-reuse-after-external-token.patch).
// The patch lets a re-parse reuse the old tree after a zero-width external
// token (Python's _newline/_dedent); these tests check that it does, by
// counting the tokens the parser lexes again, and that every re-parsed tree
// is still the tree a fresh parse builds.
#include <algorithm>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "extract_fixtures.h"
#include "indexer/extractor.h"
#include "indexer/language_registry.h"
#include "indexer/tree_edits.h"
#include "random_edits.h"

namespace cs {
namespace {

struct ParserDeleter {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};
struct TreeDeleter {
  void operator()(TSTree* t) const { ts_tree_delete(t); }
};
using Parser = std::unique_ptr<TSParser, ParserDeleter>;
using Tree = std::unique_ptr<TSTree, TreeDeleter>;

Parser parserFor(const std::string& language) {
  Parser parser(ts_parser_new());
  const LanguageSpec* spec = findLanguage(language);
  EXPECT_NE(spec, nullptr) << language;
  if (spec) EXPECT_TRUE(ts_parser_set_language(parser.get(), spec->grammar));
  return parser;
}

Tree parse(TSParser* parser, const std::string& text, const TSTree* old = nullptr) {
  return Tree(ts_parser_parse_string(parser, old, text.data(), static_cast<uint32_t>(text.size())));
}

std::string sexp(const TSTree* tree) {
  char* s = ts_node_string(ts_tree_root_node(tree));
  std::string out(s);
  free(s);
  return out;
}

// Counts the tokens the parser lexes (its "lexed_lookahead" log lines) while installed.
class LexCounter {
 public:
  explicit LexCounter(TSParser* parser) : parser_(parser) {
    ts_parser_set_logger(parser_, TSLogger{this, [](void* self, TSLogType type, const char* message) {
                                             if (type == TSLogTypeParse &&
                                                 std::string_view(message).rfind("lexed_lookahead", 0) == 0)
                                               ++static_cast<LexCounter*>(self)->tokens_;
                                           }});
  }
  ~LexCounter() { ts_parser_set_logger(parser_, TSLogger{nullptr, nullptr}); }
  size_t tokens() const { return tokens_; }

 private:
  TSParser* parser_;
  size_t tokens_ = 0;
};

// `functions` Python functions with blocks nested two deep, as typing_bench types into.
std::string nestedPython(size_t functions) {
  std::ostringstream out;
  for (size_t i = 0; i < functions; ++i)
    out << "def f" << i << "(items):\n"
        << "    result = []\n"
        << "    for item in items:\n"
        << "        if item is None:\n"
        << "            continue\n"
        << "        result.append(item)\n"
        << "    return result\n\n\n";
  return out.str();
}

// Applies `edit` to `text` and to `tree` (ts_tree_edit), as the extractor does.
void edit(std::string& text, TSTree* tree, const TextEdit& e) {
  const std::string before = text;
  ASSERT_TRUE(applyEdits(text, {e}));
  for (const TSInputEdit& input : treeEditsBetween(before, text, {e}).edits) ts_tree_edit(tree, &input);
}

// Before the patch: a line typed at the end of the nested `if` block of one
// function made the parser lex every token after it again (the rest of the
// file: ~14,000 tokens here), because the old tree's next definition followed
// a _dedent and the parser, one zero-width token behind, skipped it for good.
TEST(TreeSitterCore, TypingInANestedPythonBlockReparsesOnlyNearTheEdit) {
  Parser parser = parserFor("python");
  for (double where : {0.1, 0.5, 0.9}) {
    std::string text = nestedPython(400);
    Tree tree = parse(parser.get(), text);
    uint32_t cursor = static_cast<uint32_t>(text.find("continue\n", static_cast<size_t>(text.size() * where)) + 8);
    for (const std::string typed : {"\n            x", "y", " = 1"}) {  // Enter, then keys
      edit(text, tree.get(), TextEdit{cursor, cursor, typed});
      cursor += static_cast<uint32_t>(typed.size());
      Tree reparsed;
      size_t lexed = 0;
      {
        LexCounter counter(parser.get());
        reparsed = parse(parser.get(), text, tree.get());
        lexed = counter.tokens();
      }
      EXPECT_LT(lexed, 100u) << "typed '" << typed << "' at " << where << " of the file";
      EXPECT_EQ(sexp(reparsed.get()), sexp(parse(parser.get(), text).get()));
      tree = std::move(reparsed);
    }
  }
}

// Every extraction fixture but header_only.hpp, which parses with errors
// unless its macros are masked first (the extractor does that).
std::vector<std::string> cleanParsingFixtures() {
  std::vector<std::string> names = test::extractFixtures();
  names.erase(std::remove(names.begin(), names.end(), "header_only.hpp"), names.end());
  return names;
}

class TreeSitterCoreFixtureTest : public ::testing::TestWithParam<std::string> {};

// Random edits, each followed by an incremental re-parse: whenever neither
// tree has an error, the re-parsed tree is the fresh parse's, node for node.
// (With errors, error recovery may legitimately shape the two differently,
// so those versions are only re-parsed, and then undone.)
TEST_P(TreeSitterCoreFixtureTest, EveryCleanIncrementalTreeEqualsAFreshParse) {
  const std::string name = GetParam();
  const std::string path = test::extractFixturePath(name);
  std::string text = test::readExtractFixture(name);
  const std::string language = *languageForSource(path, text);
  Parser parser = parserFor(language);
  Tree tree = parse(parser.get(), text);
  test::RandomEditor random(static_cast<unsigned>(name.size()) * 31 + 5);
  size_t compared = 0;
  // Re-parses `text` with the edited tree and compares it with a fresh parse when both are clean.
  auto reparse = [&](int version) {
    Tree reparsed = parse(parser.get(), text, tree.get());
    Tree fresh = parse(parser.get(), text);
    const bool clean = !ts_node_has_error(ts_tree_root_node(reparsed.get())) &&
                       !ts_node_has_error(ts_tree_root_node(fresh.get()));
    if (clean) {
      ++compared;
      EXPECT_EQ(sexp(reparsed.get()), sexp(fresh.get())) << name << " version " << version << ":\n" << text;
    }
    tree = std::move(reparsed);
    return clean;
  };
  // Each random edit is kept when the file stays clean, and else undone
  // (re-parsing the broken tree back to the clean text).
  for (int v = 0; v < 150 && !::testing::Test::HasFailure(); ++v) {
    const TextEdit e = random.next(text);
    const std::string before = text;
    edit(text, tree.get(), e);
    if (reparse(v)) continue;
    edit(text, tree.get(), test::inverseOf(e, before));
    ASSERT_EQ(text, before);
    reparse(v);
  }
  EXPECT_GT(compared, 0u) << name;
}

INSTANTIATE_TEST_SUITE_P(AllFixtures, TreeSitterCoreFixtureTest, ::testing::ValuesIn(cleanParsingFixtures()),
                         test::FixtureTestName());

}  // namespace
}  // namespace cs
