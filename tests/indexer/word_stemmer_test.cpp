#include "indexer/word_stemmer.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(WordStemmer, StripsEnglishInflectionsAndLeavesOtherWordsAlone) {
  WordStemmer stemmer;
  EXPECT_EQ(stemmer.stem("parsing"), stemmer.stem("parse"));
  EXPECT_EQ(stemmer.stem("parsed"), stemmer.stem("parses"));
  EXPECT_EQ(stemmer.stem("users"), "user");
  EXPECT_EQ(stemmer.stem("validates"), stemmer.stem("validate"));
  EXPECT_EQ(stemmer.stem("utf8"), "utf8");  // digits: left as is
  EXPECT_EQ(stemmer.stem("ids"), "ids");    // short words: left as is
  EXPECT_EQ(stemmer.stem(""), "");
  EXPECT_EQ(stemmer.stem("caf\xc3\xa9s"), "caf\xc3\xa9s");  // non-ASCII: left as is
}

}  // namespace
}  // namespace cs
