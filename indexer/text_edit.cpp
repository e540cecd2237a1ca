#include "indexer/text_edit.h"

#include <algorithm>
#include <cstring>

namespace cs {

bool applyEdits(std::string& text, const std::vector<TextEdit>& edits) {
  for (const TextEdit& edit : edits) {
    if (edit.start_byte > edit.old_end_byte || edit.old_end_byte > text.size()) return false;
    text.replace(edit.start_byte, edit.old_end_byte - edit.start_byte, edit.new_text);
  }
  return true;
}

TextEdit differingSpan(std::string_view before, std::string_view after) {
  const size_t shorter = std::min(before.size(), after.size());
  constexpr size_t kBlock = 64;  // memcmp a block at a time: a keystroke in a large file diffs in microseconds
  size_t prefix = 0;
  while (prefix + kBlock <= shorter && std::memcmp(before.data() + prefix, after.data() + prefix, kBlock) == 0)
    prefix += kBlock;
  while (prefix < shorter && before[prefix] == after[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix + kBlock <= shorter - prefix &&
         std::memcmp(before.data() + before.size() - suffix - kBlock, after.data() + after.size() - suffix - kBlock,
                     kBlock) == 0)
    suffix += kBlock;
  while (suffix < shorter - prefix && before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) ++suffix;
  TextEdit edit;
  edit.start_byte = static_cast<uint32_t>(prefix);
  edit.old_end_byte = static_cast<uint32_t>(before.size() - suffix);
  edit.new_text = std::string(after.substr(prefix, after.size() - suffix - prefix));
  return edit;
}

}  // namespace cs
