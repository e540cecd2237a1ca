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

// tree-sitter-kotlin 0.3.8 serialised an empty delimiter stack with
// memcpy(buffer, NULL, 0) (UBSan: null pointer passed as argument 2), which
// every Kotlin file outside a string reaches.
TEST(GrammarPatches, KotlinOutsideAnyStringSerialisesAnEmptyStack) {
  Extractor extractor;
  const std::string source =
      "fun greet(name: String): String {\n    return \"hello, ${name}\"\n}\n"
      "class Box(val size: Int) {\n    fun doubled() = size * 2\n}\n";
  auto chunks = extractor.extract("/w/greet.kt", source, "kotlin");
  ASSERT_TRUE(chunks.ok()) << chunks.error().message;
  EXPECT_TRUE(hasChunk(*chunks, "greet"));
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
