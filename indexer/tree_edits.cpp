#include "indexer/tree_edits.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace cs {
namespace {

// Beyond this many editor edits per version the points are cheaper to get from one diff.
constexpr size_t kMaxEditorEdits = 256;

// The row and byte column of `offset` in `text`, counting from `from` (a point known for `from_offset`).
TSPoint pointAt(std::string_view text, uint32_t offset, TSPoint from, uint32_t from_offset) {
  TSPoint point = from;
  const char* p = text.data() + from_offset;
  const char* end = text.data() + offset;
  const char* line_start = nullptr;
  while (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
    ++point.row;
    p = static_cast<const char*>(nl) + 1;
    line_start = p;
  }
  point.column = line_start ? static_cast<uint32_t>(end - line_start) : from.column + (offset - from_offset);
  return point;
}

// The tree-sitter edit for replacing [edit.start_byte, edit.old_end_byte) of `text` with edit.new_text.
TSInputEdit inputEdit(std::string_view text, const TextEdit& edit) {
  TSInputEdit out{};
  out.start_byte = edit.start_byte;
  out.old_end_byte = edit.old_end_byte;
  out.new_end_byte = edit.start_byte + static_cast<uint32_t>(edit.new_text.size());
  out.start_point = pointAt(text, edit.start_byte, TSPoint{0, 0}, 0);
  out.old_end_point = pointAt(text, edit.old_end_byte, out.start_point, edit.start_byte);
  out.new_end_point = pointAt(edit.new_text, static_cast<uint32_t>(edit.new_text.size()), out.start_point, 0);
  return out;
}

// Applies `edits` to `text`, appending each one's tree edit; false when one does not fit the text.
bool replay(std::string& text, const std::vector<TextEdit>& edits, std::vector<TSInputEdit>& out) {
  for (const TextEdit& edit : edits) {
    if (edit.start_byte > edit.old_end_byte || edit.old_end_byte > text.size()) return false;
    out.push_back(inputEdit(text, edit));
    text.replace(edit.start_byte, edit.old_end_byte - edit.start_byte, edit.new_text);
  }
  return true;
}

}  // namespace

TreeEdits treeEditsBetween(std::string_view old_source, std::string_view new_source, const std::vector<TextEdit>& edits,
                           std::string_view old_masked, std::string_view new_masked) {
  const bool masked = !old_masked.empty() || !new_masked.empty();
  const std::string_view old_parsed = masked ? old_masked : old_source;
  const std::string_view new_parsed = masked ? new_masked : new_source;
  TreeEdits result;
  if (!edits.empty() && edits.size() <= kMaxEditorEdits) {
    std::string parsed(old_parsed);
    bool exact = replay(parsed, edits, result.edits);
    if (exact && masked) {  // the edits must hold for the source; masking may differ elsewhere too
      std::string source(old_source);
      exact = applyEdits(source, edits) && source == new_source;
    } else if (exact) {
      exact = parsed == new_source;
    }
    if (exact) {
      result.from_editor = true;
      if (masked && parsed != new_parsed) result.edits.push_back(inputEdit(parsed, differingSpan(parsed, new_parsed)));
      return result;
    }
    result.edits.clear();
  }
  const TextEdit span = differingSpan(old_parsed, new_parsed);
  if (span.start_byte != span.old_end_byte || !span.new_text.empty())
    result.edits.push_back(inputEdit(old_parsed, span));
  return result;
}

uint32_t movedOffset(uint32_t offset, const TSInputEdit& edit, bool is_end) {
  if (offset <= edit.start_byte) return offset;
  if (offset >= edit.old_end_byte) return offset - edit.old_end_byte + edit.new_end_byte;
  return is_end ? edit.new_end_byte : edit.start_byte;
}

}  // namespace cs
