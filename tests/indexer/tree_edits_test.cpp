#include "indexer/tree_edits.h"

#include <gtest/gtest.h>

#include "indexer/text_edit.h"

namespace cs {
namespace {

TEST(TreeEdits, EditorEditsBecomeTreeEditsWithByteColumnPoints) {
  const std::string before = "ab\ncé x\nend\n";  // é is two bytes: columns are bytes
  std::string after = before;
  const std::vector<TextEdit> edits = {{7, 7, "y\nzz"}, {0, 1, ""}};
  ASSERT_TRUE(applyEdits(after, edits));
  const TreeEdits tree = treeEditsBetween(before, after, edits);
  ASSERT_TRUE(tree.from_editor);
  ASSERT_EQ(tree.edits.size(), 2u);
  const TSInputEdit& insert = tree.edits[0];
  EXPECT_EQ(insert.start_byte, 7u);
  EXPECT_EQ(insert.old_end_byte, 7u);
  EXPECT_EQ(insert.new_end_byte, 11u);
  EXPECT_EQ(insert.start_point.row, 1u);
  EXPECT_EQ(insert.start_point.column, 4u);  // "cé " is 4 bytes
  EXPECT_EQ(insert.new_end_point.row, 2u);
  EXPECT_EQ(insert.new_end_point.column, 2u);
  const TSInputEdit& erase = tree.edits[1];  // applies to the text the insertion made
  EXPECT_EQ(erase.start_point.row, 0u);
  EXPECT_EQ(erase.old_end_point.column, 1u);
  EXPECT_EQ(erase.new_end_byte, 0u);
}

TEST(TreeEdits, EditsThatDoNotLeadToTheNewTextAreReplacedByTheDifference) {
  const std::string before = "one\ntwo\nthree\n", after = "one\ntwice\nthree\n";
  for (const std::vector<TextEdit>& edits :
       {std::vector<TextEdit>{}, std::vector<TextEdit>{{0, 0, "zero"}}, std::vector<TextEdit>{{0, 999, ""}}}) {
    const TreeEdits tree = treeEditsBetween(before, after, edits);
    EXPECT_FALSE(tree.from_editor);
    ASSERT_EQ(tree.edits.size(), 1u);
    EXPECT_EQ(tree.edits[0].start_byte, 6u);  // "one\ntw" is common
    EXPECT_EQ(tree.edits[0].old_end_byte, 7u);
    EXPECT_EQ(tree.edits[0].new_end_byte, 9u);
    EXPECT_EQ(tree.edits[0].start_point.row, 1u);
    EXPECT_EQ(tree.edits[0].start_point.column, 2u);
  }
  EXPECT_TRUE(treeEditsBetween(before, before, {}).edits.empty());
}

TEST(TreeEdits, MaskingThatChangesOutsideTheEditsGetsAnEditOfItsOwn) {
  // The source gains a character at 1; the masked texts also differ at 8.
  const std::string old_source = "ab cdef gh", new_source = "aXb cdef gh";
  const std::string old_masked = "ab cdef gh", new_masked = "aXb cdef   ";
  const TreeEdits tree = treeEditsBetween(old_source, new_source, {{1, 1, "X"}}, old_masked, new_masked);
  EXPECT_TRUE(tree.from_editor);
  ASSERT_EQ(tree.edits.size(), 2u);
  EXPECT_EQ(tree.edits[1].start_byte, 9u);
  EXPECT_EQ(tree.edits[1].old_end_byte, 11u);
  std::string replayed = old_masked;
  replayed.insert(1, "X");
  replayed.replace(9, 2, "  ");
  EXPECT_EQ(replayed, new_masked);
}

TEST(TreeEdits, OffsetsMoveWithTheEdit) {
  const TSInputEdit edit{10, 14, 12, {}, {}, {}};  // 4 bytes replaced by 2
  EXPECT_EQ(movedOffset(5, edit, false), 5u);
  EXPECT_EQ(movedOffset(10, edit, true), 10u);
  EXPECT_EQ(movedOffset(12, edit, false), 10u);  // inside: to the start of the new text
  EXPECT_EQ(movedOffset(12, edit, true), 12u);   // or its end
  EXPECT_EQ(movedOffset(14, edit, false), 12u);
  EXPECT_EQ(movedOffset(20, edit, true), 18u);
}

TEST(TextEdit, DifferingSpanFindsTheCommonPrefixAndSuffix) {
  const std::string long_prefix(300, 'p'), long_suffix(300, 's');
  const TextEdit span = differingSpan(long_prefix + "abc" + long_suffix, long_prefix + "aXYc" + long_suffix);
  EXPECT_EQ(span.start_byte, 301u);
  EXPECT_EQ(span.old_end_byte, 302u);
  EXPECT_EQ(span.new_text, "XY");
  const TextEdit repeated = differingSpan("aaaa", "aaaaaa");  // the suffix never overlaps the prefix
  EXPECT_EQ(repeated.start_byte, 4u);
  EXPECT_EQ(repeated.old_end_byte, 4u);
  EXPECT_EQ(repeated.new_text, "aa");
}

}  // namespace
}  // namespace cs
