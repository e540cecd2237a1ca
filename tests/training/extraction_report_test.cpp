#include "training/extraction_report.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

Chunk chunk(const std::string& name, const std::string& kind, uint32_t first, uint32_t last) {
  Chunk c;
  c.language = "cpp";
  c.name = name;
  c.kind = kind;
  c.start.line = first;
  c.end.line = last;
  c.start_byte = first * 10;
  c.end_byte = last * 10 + 9;
  return c;
}

TEST(ExtractionReport, SuspiciousNames) {
  for (const char* name : {"decltype", "auto", "", "(*callback)", "foo(int", "a b"}) EXPECT_TRUE(isSuspiciousDefinitionName(name)) << name;
  for (const char* name : {"parse", "operator()", "operator[]", "basic_thing", "__init__"}) EXPECT_FALSE(isSuspiciousDefinitionName(name)) << name;
}

TEST(ExtractionReport, CoverageLargestNamesAndPartialOverlaps) {
  ExtractionReport report;
  addToExtractionReport(report, "a.cpp", 100,
                        {chunk("outer", "class", 0, 49), chunk("inner", "method", 10, 19),  // nested: fine
                         chunk("glued", "function", 40, 59),                              // overlaps outer's end
                         chunk("decltype", "function", 70, 71), chunk("a.cpp", "module", 0, 99)});
  const LanguageExtraction& cpp = report.languages.at("cpp");
  EXPECT_EQ(cpp.files, 1u);
  EXPECT_EQ(cpp.lines, 100u);
  EXPECT_EQ(cpp.lines_in_definitions, 62u);  // lines 0-59 and 70-71; the module chunk does not count
  EXPECT_EQ(cpp.chunks, 5u);
  EXPECT_EQ(cpp.chunks_by_kind.at("module"), 1u);
  ASSERT_FALSE(cpp.largest.empty());
  EXPECT_EQ(cpp.largest.front().name, "outer");
  EXPECT_EQ(cpp.suspicious_name_count, 1u);
  EXPECT_EQ(cpp.partial_overlap_count, 1u);
  ASSERT_EQ(cpp.partial_overlaps.size(), 1u);
  EXPECT_NE(cpp.partial_overlaps[0].find("glued"), std::string::npos);
  EXPECT_NE(report.toMarkdown().find("| cpp | 1 | 100 | 62.0% | 5 | 0 | 1 | 1 |"), std::string::npos);
}

}  // namespace
}  // namespace cs
