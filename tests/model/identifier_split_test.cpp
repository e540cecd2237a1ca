#include "model/identifier_split.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

using Words = std::vector<std::string>;

TEST(IdentifierSplit, CamelSnakeDigitsAndAcronyms) {
  EXPECT_EQ(splitIdentifierWords("parseHTTPResponse2xx_code"), (Words{"parse", "http", "response", "2", "xx", "code"}));
  EXPECT_EQ(splitIdentifierWords("getUserName"), (Words{"get", "user", "name"}));
  EXPECT_EQ(splitIdentifierWords("MAX_RETRY_COUNT"), (Words{"max", "retry", "count"}));
  EXPECT_EQ(splitIdentifierWords("XMLHttpRequest"), (Words{"xml", "http", "request"}));
  EXPECT_EQ(splitIdentifierWords("utf8Decode"), (Words{"utf", "8", "decode"}));
}

TEST(IdentifierSplit, FreeTextAndPunctuation) {
  EXPECT_EQ(splitIdentifierWords("Retry an HTTP request, with back-off!"),
            (Words{"retry", "an", "http", "request", "with", "back", "off"}));
  EXPECT_TRUE(splitIdentifierWords("  ->  (){}  ").empty());
}

TEST(IdentifierSplit, NonAsciiIdentifiersSurvive) {
  EXPECT_EQ(splitIdentifierWords("café_menu"), (Words{"café", "menu"}));
}

}  // namespace
}  // namespace cs
