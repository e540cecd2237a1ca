#include "server/position_encoding.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(PositionEncoding, Utf16CountsSurrogatePairsAndMultibyte) {
  // "é" is 2 bytes / 1 UTF-16 unit; "😀" is 4 bytes / 2 UTF-16 units.
  std::string text = "a\ncé😀x\n";
  EXPECT_EQ(byteOffsetAt(text, {1, 0}, PositionEncoding::kUtf16), 2u);
  EXPECT_EQ(byteOffsetAt(text, {1, 2}, PositionEncoding::kUtf16), 5u);  // after é
  EXPECT_EQ(byteOffsetAt(text, {1, 4}, PositionEncoding::kUtf16), 9u);  // after 😀
  EXPECT_EQ(byteOffsetAt(text, {1, 5}, PositionEncoding::kUtf16), 10u);
  EXPECT_EQ(byteOffsetAt(text, {1, 4}, PositionEncoding::kUtf8), 6u);
  EXPECT_EQ(columnUnits("cé😀", PositionEncoding::kUtf16), 4);
  EXPECT_EQ(columnUnits("cé😀", PositionEncoding::kUtf8), 7);
}

TEST(PositionEncoding, ClampsPastLineAndFileEnd) {
  std::string text = "ab\ncd";
  EXPECT_EQ(byteOffsetAt(text, {0, 99}, PositionEncoding::kUtf16), 2u);
  EXPECT_EQ(byteOffsetAt(text, {7, 0}, PositionEncoding::kUtf16), text.size());
}

TEST(PositionEncoding, InvalidUtf8CountsOneUnitPerBadByte) {
  std::string text = "\xff\xfe" "ab";
  EXPECT_EQ(byteOffsetAt(text, {0, 2}, PositionEncoding::kUtf16), 2u);
  EXPECT_EQ(columnUnits("\xe2\x82", PositionEncoding::kUtf16), 2);  // truncated sequence
}

}  // namespace
}  // namespace cs
