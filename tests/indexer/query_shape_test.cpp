#include "indexer/query_shape.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(QueryShape, IdentifiersInAnyCaseStyleAreSymbols) {
  for (const char* q : {"HttpClient", "parse_config", "router", "URL", "__init__", "flat_map", " Router "}) {
    EXPECT_TRUE(analyseQuery(q).symbol) << q;
  }
  EXPECT_EQ(analyseQuery("parse_config").symbol_key, "parseconfig");
  EXPECT_EQ(analyseQuery("ParseConfig").symbol_key, "parseconfig");
}

TEST(QueryShape, QualifiedNamesKeepTheirQualifier) {
  for (const char* q : {"Rails::Engine", "rails.Engine", "Rails\\Engine", "rails/Engine", "Rails#Engine"}) {
    QueryShape shape = analyseQuery(q);
    EXPECT_TRUE(shape.symbol) << q;
    EXPECT_EQ(shape.symbol_name, "Engine") << q;
    EXPECT_EQ(shape.qualifier, "rails") << q;
  }
  EXPECT_EQ(analyseQuery("a.b.CSum").qualifier, "a.b");
}

TEST(QueryShape, SentencesAreNotSymbolsButKeepEmbeddedIdentifiers) {
  QueryShape shape = analyseQuery("where is HttpClient configured with parse_config");
  EXPECT_FALSE(shape.symbol);
  EXPECT_EQ(shape.embedded_symbols, (std::vector<std::string>{"HttpClient", "parse_config"}));
  EXPECT_TRUE(analyseQuery("retry with backoff").embedded_symbols.empty());
  EXPECT_FALSE(analyseQuery("a::").symbol);
  EXPECT_FALSE(analyseQuery("::b").symbol);
  EXPECT_FALSE(analyseQuery("1234").symbol);
  EXPECT_FALSE(analyseQuery("").symbol);
}

TEST(QueryShape, KeywordsDropStopWordsAndShortWords) {
  EXPECT_EQ(analyseQuery("how are routes matched to the handlers").keywords,
            (std::vector<std::string>{"routes", "matched", "handlers"}));
  EXPECT_EQ(analyseQuery("QueueManager connection").keywords,
            (std::vector<std::string>{"queue", "manager", "connection"}));
}

}  // namespace
}  // namespace cs
