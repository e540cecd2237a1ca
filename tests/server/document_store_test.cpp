#include "server/document_store.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

protocol::TextDocumentContentChangeEvent edit(int l1, int c1, int l2, int c2, std::string text) {
  protocol::TextDocumentContentChangeEvent e;
  e.range = protocol::Range{{l1, c1}, {l2, c2}};
  e.text = std::move(text);
  return e;
}

TEST(DocumentStore, AppliesIncrementalEditsInOrder) {
  DocumentStore store;
  store.open("/w/a.py", "def f():\n    return 1\n", 1);
  auto text = store.change("/w/a.py", 2, {edit(1, 11, 1, 12, "2"), edit(2, 0, 2, 0, "def g():\n    pass\n")});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "def f():\n    return 2\ndef g():\n    pass\n");
  EXPECT_EQ(store.get("/w/a.py")->version, 2);
}

TEST(DocumentStore, FullReplacementAndUtf16Columns) {
  DocumentStore store;
  store.open("/w/b.ts", "x", 1);
  protocol::TextDocumentContentChangeEvent full;
  full.text = "const s = '😀';\n";
  ASSERT_TRUE(store.change("/w/b.ts", 2, {full}).ok());
  // Replace the emoji (UTF-16 columns 11..13) with "ok".
  auto text = store.change("/w/b.ts", 3, {edit(0, 11, 0, 13, "ok")});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "const s = 'ok';\n");
}

TEST(DocumentStore, ChangeToUnknownDocumentIsAnError) {
  DocumentStore store;
  EXPECT_FALSE(store.change("/nope", 1, {}).ok());
  store.open("/w/c.go", "package c", 1);
  store.close("/w/c.go");
  EXPECT_FALSE(store.get("/w/c.go").has_value());
}

}  // namespace
}  // namespace cs
