// TextEdit: one replacement in a text, in UTF-8 byte offsets, as an editor's
// change arrives (server/document_store.h converts LSP positions in the
// negotiated encoding to these). A list of them is applied in order, each to
// the text the previous one produced. The extractor turns them into
// tree-sitter edits (indexer/tree_edits.h).
// Pure value type and functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

struct TextEdit {
  uint32_t start_byte = 0;    // first byte replaced
  uint32_t old_end_byte = 0;  // one past the last byte replaced (== start_byte for an insertion)
  std::string new_text;       // what replaces [start_byte, old_end_byte)
};

// Applies `edits` in order to `text`; false (text unspecified) when an edit
// lies outside the text it applies to.
bool applyEdits(std::string& text, const std::vector<TextEdit>& edits);

// The one edit that turns `before` into `after`: everything between their
// common prefix and common suffix (empty new_text and range when equal).
TextEdit differingSpan(std::string_view before, std::string_view after);

}  // namespace cs
