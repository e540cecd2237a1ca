// The grammar scanner fixes in indexer/grammars/patches/, through the
// Extractor on the inputs that triggered them. The Swift and the first Kotlin
// case fail only under the sanitizers (scripts/sanitize.sh asan) on the
// unpatched scanners; the nested Kotlin strings abort() any build.
#include <string>

#include <gtest/gtest.h>

#include "indexer/extractor.h"

namespace cs {
namespace {

bool hasChunk(const std::vector<Chunk>& chunks, const std::string& qualified_name) {
  for (const auto& c : chunks) {
    if (c.qualified_name == qualified_name) return true;
  }
  return false;
}

// tree-sitter-swift 0.7.1 allocated its scanner state (the raw string's '#'
// count) with calloc(0, ...): ASan reported a heap-buffer-overflow in
// eat_raw_str_part, and reset/deserialize wrote past the block.
TEST(GrammarPatches, SwiftRawStringsAndTheCodeAroundThemParse) {
  Extractor extractor;
  const std::string source =
      "func before() -> Int { return 1 }\n"
      "let pattern = #\"a \"quoted\" \\d+ string\"#\n"
      "let multi = ##\"\"\"\n  two # signs \"# still inside\n  \"\"\"##\n"
      "let interpolated = #\"value: \\#(before())\"#\n"
      "func after(x: Int) -> Int { return x * 2 }\n";
  auto chunks = extractor.extract("/w/raw.swift", source, "swift");
  ASSERT_TRUE(chunks.ok()) << chunks.error().message;
  EXPECT_TRUE(hasChunk(*chunks, "before"));
  EXPECT_TRUE(hasChunk(*chunks, "after"));
}

// 0.7.1 tested an operator's suppressing symbols with the int `1 << n` for n
// up to 32 (UBSan: left shift of 1 by 31 places), so `!` after `try` was
// checked against the wrong bits.
TEST(GrammarPatches, SwiftBangAndTryBangParse) {
  Extractor extractor;
  const std::string source =
      "func load(path: String) -> Data {\n    let data = try! Data(contentsOf: URL(fileURLWithPath: path))\n"
      "    return data\n}\n"
      "func negate(flag: Bool) -> Bool { return !flag }\n"
      "func unwrap(value: Int?) -> Int { return value! }\n";
  auto chunks = extractor.extract("/w/bang.swift", source, "swift");
  ASSERT_TRUE(chunks.ok()) << chunks.error().message;
  EXPECT_TRUE(hasChunk(*chunks, "load"));
  EXPECT_TRUE(hasChunk(*chunks, "negate"));
  EXPECT_TRUE(hasChunk(*chunks, "unwrap"));
}

// tree-sitter-kotlin 0.3.8 serialised an empty delimiter stack with
// memcpy(buffer, NULL, 0) (UBSan: null pointer passed as argument 2): the
// stack's buffer is NULL until a first string opens, so any external token
// (an automatic semicolon, a block comment) before one reached it.
TEST(GrammarPatches, KotlinBeforeAnyStringSerialisesAnEmptyStack) {
  Extractor extractor;
  const std::string source =
      "/* no string literal anywhere */\nfun twice(x: Int): Int {\n    val y = x * 2\n    return y\n}\n"
      "class Box(val size: Int) {\n    fun doubled() = size * 2\n}\n";
  auto chunks = extractor.extract("/w/twice.kt", source, "kotlin");
  ASSERT_TRUE(chunks.ok()) << chunks.error().message;
  EXPECT_TRUE(hasChunk(*chunks, "twice"));
  EXPECT_TRUE(hasChunk(*chunks, "Box.doubled"));
}

// 0.3.8 called abort() when a 1025th string opened while 1024 were open (its
// delimiter stack must fit the 1024-byte serialization buffer): one Kotlin
// file of nested string templates killed the daemon that indexed it.
TEST(GrammarPatches, KotlinStringTemplatesNestedPastTheStackLimitAreAParseError) {
  Extractor extractor;
  std::string source = "fun before() = 1\n\nfun nested() {\n    val x = ";
  const int depth = 1100;
  for (int i = 0; i < depth; ++i) source += "\"${\n";
  source += "1";
  for (int i = 0; i < depth; ++i) source += "}\"\n";
  source += "}\n";
  auto chunks = extractor.extract("/w/nested.kt", source, "kotlin");
  ASSERT_TRUE(chunks.ok()) << chunks.error().message;
  EXPECT_TRUE(hasChunk(*chunks, "before"));
}

}  // namespace
}  // namespace cs
