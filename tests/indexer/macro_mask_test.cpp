#include "indexer/macro_mask.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(MacroMask, KeepsEveryByteOffset) {
  const std::string source = "FOO_BEGIN_NAMESPACE\nclass FOO_EXPORT widget {};\nFOO_END_NAMESPACE\n";
  const std::string masked = maskConfusingMacros(source);
  ASSERT_EQ(masked.size(), source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\n') EXPECT_EQ(masked[i], '\n') << i;
  }
  EXPECT_EQ(masked, std::string(19, ' ') + "\nclass " + std::string(10, ' ') + " widget {};\n" + std::string(17, ' ') + "\n");
}

TEST(MacroMask, NamespaceLinesExportMacrosAndMacroCalls) {
  EXPECT_EQ(maskConfusingMacros("NLOHMANN_JSON_NAMESPACE_BEGIN"), std::string(29, ' '));
  EXPECT_EQ(maskConfusingMacros("  BOOST_NS_BEGIN(detail) // x"), std::string(29, ' '));
  EXPECT_EQ(maskConfusingMacros("ASIO_DECL void run();"), "          void run();");
  EXPECT_EQ(maskConfusingMacros("CURL_EXTERN CURLcode curl_easy_perform(CURL *curl);"),
            "            CURLcode curl_easy_perform(CURL *curl);");
  EXPECT_EQ(maskConfusingMacros("struct MY_ALIGNED(16) block {"), "struct " + std::string(14, ' ') + " block {");
}

TEST(MacroMask, LeavesCodeDirectivesAndContinuationsAlone) {
  for (const char* code : {"int x = MAX_SIZE;", "return FOO_BAR(a) + 1;", "#define FOO_BEGIN namespace foo {",
                           "case VALUE_ONE:", "FILE *f = fopen(p, \"r\");", "if (IS_SET(x)) y();",
                           "x = y;", "int FOO_BAR;"}) {
    EXPECT_EQ(maskConfusingMacros(code), code) << code;
  }
  // The end of an expression is not a macro statement, with or without a semicolon.
  for (const char* code : {"result = failed ?\n  /* generic */\n  CURLE_BAD_FUNCTION_ARGUMENT;\n",
                           "flags = A |\n  FLAG_TWO\n  | C;\n"}) {
    EXPECT_EQ(maskConfusingMacros(code), code) << code;
  }
  const std::string multi_line_define = "#define WRAP(x) \\\n  FOO_BAR_BAZ \\\n  x\n";
  EXPECT_EQ(maskConfusingMacros(multi_line_define), multi_line_define);
}

}  // namespace
}  // namespace cs
