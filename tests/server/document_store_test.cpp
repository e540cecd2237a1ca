#include "server/document_store.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "../indexer/random_edits.h"
#include "indexer/extractor.h"

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
  EXPECT_EQ(text->text, "def f():\n    return 2\ndef g():\n    pass\n");
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
  EXPECT_EQ(text->text, "const s = 'ok';\n");
}

TEST(DocumentStore, ChangesReportTheBytesTheyReplaced) {
  DocumentStore store;  // UTF-16 positions
  store.open("/w/b.ts", "const s = '😀';\nlet é = 1;\n", 1);
  // The emoji is UTF-16 columns 11..13 and bytes 11..15; once it is "ok", 'é' is
  // column 4 of line 1 and bytes 20..22.
  auto change = store.change("/w/b.ts", 2, {edit(0, 11, 0, 13, "ok"), edit(1, 4, 1, 5, "ë\n")});
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->edits.size(), 2u);
  EXPECT_EQ(change->edits[0].start_byte, 11u);
  EXPECT_EQ(change->edits[0].old_end_byte, 15u);
  EXPECT_EQ(change->edits[0].new_text, "ok");
  EXPECT_EQ(change->edits[1].start_byte, 20u);  // in the text the first edit made
  EXPECT_EQ(change->edits[1].old_end_byte, 22u);
  std::string replayed = "const s = '😀';\nlet é = 1;\n";
  ASSERT_TRUE(applyEdits(replayed, change->edits));
  EXPECT_EQ(replayed, change->text);

  protocol::TextDocumentContentChangeEvent full;
  full.text = "whole\n";
  change = store.change("/w/b.ts", 3, {edit(0, 0, 0, 1, "x"), full});
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->edits.empty());  // a full replacement: nothing says what changed
  EXPECT_EQ(change->text, "whole\n");
}

// The LSP position of byte `offset` of `text`: line, and the column in UTF-16
// units or bytes. Written apart from position_encoding.cpp, as the reference.
protocol::Position positionOf(const std::string& text, size_t offset, PositionEncoding encoding) {
  protocol::Position p;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      line_start = i + 1;
    }
  }
  for (size_t i = line_start; i < offset; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (encoding == PositionEncoding::kUtf8) ++p.character;
    else if ((c & 0xC0) != 0x80) p.character += c >= 0xF0 ? 2 : 1;  // a lead byte: one code point
  }
  return p;
}

std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(CS_SOURCE_DIR) + "/tests/fixtures/extract/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An editor's random didChange events (UTF-16 or UTF-8 positions, multi-byte
// text, several changes per event) through the store, and the store's byte
// edits into an incremental extraction: the edits always fit (the position
// conversion is exact) and every version's chunks equal a full re-parse's
// (except where tree-sitter's error recovery shapes an edited tree otherwise,
// which happens only in versions with syntax errors).
TEST(DocumentStore, RandomEditorChangesParseIncrementallyLikeAFullReparse) {
  for (const char* name : {"sample.py", "sample.ts", "sample.go", "sample.rs", "sample.cpp", "sample.kt"}) {
    for (PositionEncoding encoding : {PositionEncoding::kUtf16, PositionEncoding::kUtf8}) {
      const std::string path = std::string("/w/") + name;
      std::string text = readFixture(name);
      const std::string language = *languageForSource(path, text);
      DocumentStore store(encoding);
      store.open(path, text, 1);
      Extractor incremental, full;
      ParsedFile parsed;
      ASSERT_TRUE(incremental.extract(path, text, language, parsed, {}).ok());
      test::RandomEditor random(static_cast<unsigned>(text.size()) + (encoding == PositionEncoding::kUtf8));
      size_t differing = 0;
      for (int version = 2; version < 80; ++version) {
        std::vector<protocol::TextDocumentContentChangeEvent> changes;
        std::vector<TextEdit> expected;
        for (size_t n = 1 + random.pick(3); n > 0; --n) {
          const TextEdit e = random.next(text);
          changes.push_back(edit(positionOf(text, e.start_byte, encoding).line,
                                 positionOf(text, e.start_byte, encoding).character,
                                 positionOf(text, e.old_end_byte, encoding).line,
                                 positionOf(text, e.old_end_byte, encoding).character, e.new_text));
          expected.push_back(e);
          applyEdits(text, {e});
        }
        auto change = store.change(path, version, changes);
        ASSERT_TRUE(change.ok());
        ASSERT_EQ(change->text, text) << name;
        ASSERT_EQ(change->edits.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
          EXPECT_EQ(change->edits[i].start_byte, expected[i].start_byte);
          EXPECT_EQ(change->edits[i].old_end_byte, expected[i].old_end_byte);
        }
        IncrementalStats stats;
        auto chunks = incremental.extract(path, change->text, language, parsed, change->edits, &stats);
        auto reference = full.extract(path, change->text, language);
        ASSERT_TRUE(chunks.ok() && reference.ok());
        EXPECT_TRUE(stats.editor_edits) << name << " version " << version;
        if (test::describeChunks(*chunks) != test::describeChunks(*reference)) {
          ++differing;
          EXPECT_TRUE(stats.syntax_errors) << name << " version " << version << ":\n" << text;
        }
      }
      EXPECT_LE(differing, 3u) << name;
    }
  }
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
