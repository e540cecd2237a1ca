#include "model/tokenizer.h"

#include <thread>

#include <gtest/gtest.h>

namespace cs {
namespace {

Tokenizer smallVocabulary() {
  // ▁ marks a word start, as in sentencepiece.
  std::vector<std::string> pieces = {"<pad>", "<unk>", "\xe2\x96\x81parse", "\xe2\x96\x81http", "\xe2\x96\x81", "p",
                                     "a", "r", "s", "e", "\xe2\x96\x81re", "quest", "\xe2\x96\x81request"};
  std::vector<float> scores = {-100, -100, -2, -2, -3, -5, -5, -5, -5, -5, -3, -3, -2.5f};
  return std::move(Tokenizer::fromPieces(pieces, scores).value());
}

TEST(Tokenizer, SegmentsIdentifierWordsByBestPieceScore) {
  Tokenizer t = smallVocabulary();
  // "parseHTTPRequest" -> words parse, http, request -> whole-word pieces win.
  EXPECT_EQ(t.pieces("parseHTTPRequest"),
            (std::vector<std::string>{"\xe2\x96\x81parse", "\xe2\x96\x81http", "\xe2\x96\x81request"}));
  // "spare" has no whole-word piece: it is spelled with single characters.
  auto spare = t.pieces("spare");
  ASSERT_FALSE(spare.empty());
  EXPECT_EQ(spare.front(), "\xe2\x96\x81");
}

TEST(Tokenizer, UnknownCharactersBecomeOneUnk) {
  Tokenizer t = smallVocabulary();
  auto ids = t.encode("zzz");
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.back(), Tokenizer::kUnknown);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), Tokenizer::kUnknown), 1);
}

TEST(Tokenizer, DeterministicAndCapped) {
  Tokenizer t = smallVocabulary();
  EXPECT_EQ(t.encode("parse http request parse"), t.encode("parse http request parse"));
  EXPECT_EQ(t.encode("parse http request parse", 2).size(), 2u);
  EXPECT_TRUE(t.encode("   ").empty());
}

// Threads encoding while the word cache overflows and is cleared (past 500k
// words) must each get their own ids; a reference into the cache used to
// dangle here (a use-after-free that AddressSanitizer reports).
TEST(Tokenizer, ConcurrentEncodingSurvivesCacheClears) {
  Tokenizer t = smallVocabulary();
  const std::vector<int> expected = t.encode("parse request");
  auto work = [&t, &expected](int thread, bool& ok) {
    for (int i = 0; i < 320'000 && ok; ++i) {
      std::string word(1, static_cast<char>('a' + thread));  // a distinct lowercase word each time
      for (int n = i; n > 0; n /= 26) word.push_back(static_cast<char>('a' + n % 26));
      ok = !t.encode(word).empty() && (i % 1024 != 0 || t.encode("parse request") == expected);
    }
  };
  bool ok0 = true, ok1 = true;
  std::thread a(work, 0, std::ref(ok0)), b(work, 1, std::ref(ok1));
  a.join();
  b.join();
  EXPECT_TRUE(ok0);
  EXPECT_TRUE(ok1);
  EXPECT_EQ(t.encode("parse request"), expected);
}

TEST(Tokenizer, TrainsAVocabularyWithSentencepiece) {
  std::vector<std::string> sentences;
  for (int i = 0; i < 400; ++i) {
    sentences.push_back("def parse_http_request(self, request_line): return self.parser.parse(request_line)");
    sentences.push_back("Parse the request line of an HTTP request number " + std::to_string(i));
    sentences.push_back("func ValidateToken(token string) bool { return verifySignature(token) }");
  }
  TokenizerTrainingOptions options;
  options.vocab_size = 120;
  options.threads = 1;
  auto t = Tokenizer::train(sentences, options);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_GE(t->vocabSize(), 50);
  EXPECT_EQ(t->pieceTexts()[0], "<pad>");
  EXPECT_EQ(t->pieceTexts()[1], "<unk>");
  auto ids = t->encode("parse http request");
  EXPECT_FALSE(ids.empty());
  EXPECT_LT(ids.size(), 19u);  // fewer pieces than characters + word marks: real subwords were learned
  bool multi_character = false;
  for (const auto& piece : t->pieceTexts()) multi_character |= piece.size() >= 4 && piece[0] != '<';
  EXPECT_TRUE(multi_character);
}

}  // namespace
}  // namespace cs
