#include "protocol/framing.h"

#include <gtest/gtest.h>

namespace cs::protocol {
namespace {

std::vector<std::string> drain(FrameDecoder& decoder, int* errors = nullptr) {
  std::vector<std::string> bodies;
  while (auto frame = decoder.next()) {
    if (frame->ok()) {
      bodies.push_back(frame->value());
    } else if (errors) {
      ++*errors;
    }
  }
  return bodies;
}

TEST(FrameDecoder, DecodesFramesSplitAcrossReads) {
  FrameDecoder decoder;
  std::string stream = encodeFrame("{\"a\":1}") + encodeFrame("{\"b\":2}");
  std::vector<std::string> bodies;
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    for (auto& b : drain(decoder)) bodies.push_back(b);
  }
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], "{\"a\":1}");
  EXPECT_EQ(bodies[1], "{\"b\":2}");
}

TEST(FrameDecoder, AcceptsExtraHeadersAnyCase) {
  FrameDecoder decoder;
  decoder.feed("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}");
  auto bodies = drain(decoder);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], "{}");
}

TEST(FrameDecoder, RecoversFromGarbageBeforeAFrame) {
  FrameDecoder decoder;
  int errors = 0;
  decoder.feed("\x01\x02 garbage garbage\r\n\r\n" + encodeFrame("{\"ok\":true}"));
  auto bodies = drain(decoder, &errors);
  EXPECT_GE(errors, 1);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], "{\"ok\":true}");
}

TEST(FrameDecoder, RecoversFromInvalidContentLength) {
  FrameDecoder decoder;
  int errors = 0;
  decoder.feed("Content-Length: abc\r\n\r\n{\"lost\":1}" + encodeFrame("{\"next\":1}"));
  auto bodies = drain(decoder, &errors);
  EXPECT_EQ(errors, 1);
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], "{\"next\":1}");
}

TEST(FrameDecoder, TooShortContentLengthYieldsTruncatedBodyThenResyncs) {
  FrameDecoder decoder;
  int errors = 0;
  decoder.feed("Content-Length: 5\r\n\r\n{\"abc\":123}" + encodeFrame("{\"next\":1}"));
  auto bodies = drain(decoder, &errors);
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], "{\"abc");  // the caller answers this with a parse error
  EXPECT_EQ(bodies[1], "{\"next\":1}");
  EXPECT_EQ(errors, 1);  // the left-over tail is reported once
}

TEST(FrameDecoder, RejectsOverlongHeaderBlock) {
  FramingOptions options;
  options.max_header_bytes = 64;
  FrameDecoder decoder(options);
  int errors = 0;
  decoder.feed(std::string(200, 'x'));
  drain(decoder, &errors);
  EXPECT_EQ(errors, 1);
  EXPECT_LT(decoder.bufferedBytes(), 20u);
  decoder.feed(encodeFrame("{}"));
  auto bodies = drain(decoder, &errors);
  ASSERT_EQ(bodies.size(), 1u);
}

TEST(FrameDecoder, RejectsAbsurdContentLength) {
  FramingOptions options;
  options.max_body_bytes = 1000;
  FrameDecoder decoder(options);
  int errors = 0;
  decoder.feed("Content-Length: 99999999\r\n\r\n" + encodeFrame("{}"));
  auto bodies = drain(decoder, &errors);
  EXPECT_EQ(errors, 1);
  ASSERT_EQ(bodies.size(), 1u);
}

}  // namespace
}  // namespace cs::protocol
