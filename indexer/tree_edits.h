// Tree edits: what ts_tree_edit needs to reuse a tree for the next version of
// its text (byte offsets and row/column points, columns in bytes), and how
// offsets of the old version move through those edits. Used by the
// extractor's incremental path (indexer/extractor_incremental.cpp).
// Pure functions; thread-safe.
#pragma once

#include <tree_sitter/api.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "indexer/text_edit.h"

namespace cs {

struct TreeEdits {
  std::vector<TSInputEdit> edits;  // in order: each applies to the text the one before produced
  bool from_editor = false;        // the editor's edits described the change (else one edit spans the difference)
};

// The edits that turn the text an old tree was parsed from into the next
// version's. `old_source`/`new_source` are the versions the editor's `edits`
// apply to; `old_masked`/`new_masked`, when not empty, are what was parsed
// instead (C and C++ with macros masked: same offsets, other bytes). The
// editor's edits are used when they turn `old_source` into `new_source`
// exactly, plus one edit for whatever else the masking changed; otherwise
// (none, stale, too many) one edit from the common prefix to the common
// suffix. Either way the edits describe the change exactly.
TreeEdits treeEditsBetween(std::string_view old_source, std::string_view new_source, const std::vector<TextEdit>& edits,
                           std::string_view old_masked = {}, std::string_view new_masked = {});

// Where a byte offset of the text before `edit` is after it. An offset inside
// the replaced bytes goes to the start of the new text (`is_end` false) or its
// end (`is_end` true).
uint32_t movedOffset(uint32_t offset, const TSInputEdit& edit, bool is_end);

}  // namespace cs
