#include "protocol/line_framing.h"

#include <gtest/gtest.h>

namespace cs::protocol {
namespace {

std::vector<std::string> drain(LineDecoder& decoder, int* errors = nullptr) {
  std::vector<std::string> lines;
  while (auto line = decoder.next()) {
    if (line->ok()) {
      lines.push_back(line->value());
    } else if (errors) {
      ++*errors;
    }
  }
  return lines;
}

TEST(LineDecoder, DecodesLinesSplitAcrossReads) {
  LineDecoder decoder;
  std::string stream = encodeLine("{\"a\":1}") + encodeLine("{\"b\":2}");
  std::vector<std::string> lines;
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    for (auto& l : drain(decoder)) lines.push_back(l);
  }
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"a\":1}");
  EXPECT_EQ(lines[1], "{\"b\":2}");
}

TEST(LineDecoder, DropsCarriageReturnsAndSkipsBlankLines) {
  LineDecoder decoder;
  decoder.feed("{\"a\":1}\r\n\n  \r\n{\"b\":2}\n{\"c\"");
  auto lines = drain(decoder);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"a\":1}");
  EXPECT_EQ(lines[1], "{\"b\":2}");
  decoder.feed(":3}\n");
  EXPECT_EQ(drain(decoder), std::vector<std::string>{"{\"c\":3}"});
}

TEST(LineDecoder, AnOversizedLineIsOneErrorAndDecodingResumesAfterIt) {
  LineDecoder decoder(16);
  int errors = 0;
  decoder.feed(std::string(40, 'x'));
  EXPECT_TRUE(drain(decoder, &errors).empty());
  EXPECT_EQ(errors, 1);
  decoder.feed(std::string(40, 'y'));  // still the same line: no second error
  EXPECT_TRUE(drain(decoder, &errors).empty());
  decoder.feed("yy\n{\"ok\":1}\n");
  EXPECT_EQ(drain(decoder, &errors), std::vector<std::string>{"{\"ok\":1}"});
  EXPECT_EQ(errors, 1);
  decoder.feed(std::string(20, 'z') + "\n{}\n");  // oversized but complete in one read
  EXPECT_EQ(drain(decoder, &errors), std::vector<std::string>{"{}"});
  EXPECT_EQ(errors, 2);
}

TEST(EncodeLine, NeverEmbedsANewline) {
  EXPECT_EQ(encodeLine("{\"a\":\n1}"), "{\"a\": 1}\n");
  EXPECT_EQ(encodeLine("{\"s\":\"a\\nb\"}"), "{\"s\":\"a\\nb\"}\n");  // escaped newlines stay escaped
}

}  // namespace
}  // namespace cs::protocol
