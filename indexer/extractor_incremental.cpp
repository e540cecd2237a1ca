// The incremental path of Extractor::extract. The previous version's tree is
// edited and reused by the parser; what differs (the edits' new text and
// tree-sitter's changed ranges, each widened by a byte so an edit at a node's
// edge counts as inside it) decides which of the previous definitions are
// carried over with moved offsets and where the query runs again.
//
// A definition is carried over when no edit reached a byte its match or its
// doc read (Definition::span_*, DefinitionDoc::reads_from), no changed range
// overlaps those bytes, and its node is in the new tree with the same bytes,
// type and parent (TreeCheck: tree-sitter's changed ranges compare leaves, so
// a node that grew over unchanged tokens, say a body over the next line when
// it is indented, shows up only there). The query then runs over the changed ranges, which finds every
// definition whose match overlaps them (an enclosing class too), and at the
// first byte of each dropped definition the changed ranges do not reach, so
// it is found again if it still exists; a dropped class is found again
// without its members, which are judged on their own. Qualified names, kinds
// from context and the module chunk are recomputed for all: they are cheap and
// depend on the whole file.
#include <time.h>

#include <cstdlib>

#include "indexer/extractor_stages.h"

namespace cs {
namespace {

using extraction::Definition;

constexpr uint32_t kMargin = 1;

double threadCpuMs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// Byte intervals [first, second); normalise() sorts and merges them.
class Intervals {
 public:
  void add(uint32_t start, uint32_t end) {
    list_.emplace_back(start > kMargin ? start - kMargin : 0, end + kMargin);
  }
  void normalise() {
    std::sort(list_.begin(), list_.end());
    std::vector<std::pair<uint32_t, uint32_t>> merged;
    for (const auto& interval : list_) {
      if (!merged.empty() && interval.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, interval.second);
      } else {
        merged.push_back(interval);
      }
    }
    list_ = std::move(merged);
  }
  // Whether [start, end) overlaps one of the (normalised) intervals.
  bool overlaps(uint32_t start, uint32_t end) const {
    auto it = std::upper_bound(list_.begin(), list_.end(), std::make_pair(start, UINT32_MAX));
    if (it != list_.begin() && std::prev(it)->second > start) return true;
    return it != list_.end() && it->first < end;
  }
  const std::vector<std::pair<uint32_t, uint32_t>>& list() const { return list_; }

 private:
  std::vector<std::pair<uint32_t, uint32_t>> list_;
};

// Where this version differs from the previous one, in its offsets: each
// edit's new text (moved by the edits after it) and the ranges whose syntax
// tree-sitter says changed.
Intervals differences(const std::vector<TSInputEdit>& edits, const TSTree* old_tree, const TSTree* new_tree) {
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (const TSInputEdit& edit : edits) {
    for (auto& span : spans) span = {movedOffset(span.first, edit, false), movedOffset(span.second, edit, true)};
    spans.emplace_back(edit.start_byte, edit.new_end_byte);
  }
  Intervals differ;
  for (const auto& [start, end] : spans) differ.add(start, end);
  uint32_t count = 0;
  TSRange* changed = ts_tree_get_changed_ranges(old_tree, new_tree, &count);
  for (uint32_t i = 0; i < count; ++i) differ.add(changed[i].start_byte, changed[i].end_byte);
  std::free(changed);  // tree-sitter: the caller frees the array
  differ.normalise();
  return differ;
}

// The first byte that `d`'s extraction read: its match, or its doc before it.
uint32_t readsFrom(const Definition& d) { return d.kind.empty() ? d.span_start : std::min(d.doc.reads_from, d.span_start); }

// Moves `d`'s offsets through `edits`; false when one reaches into a byte its
// extraction read. (Its parent's offsets move too: TreeCheck compares them
// with the new tree's, which covers an edit at the parent's edge.)
bool carryOver(Definition& d, const std::vector<TSInputEdit>& edits) {
  bool untouched = true;
  for (const TSInputEdit& e : edits) {
    if (readsFrom(d) <= e.old_end_byte && e.start_byte <= d.span_end) untouched = false;
    for (uint32_t* start : {&d.start, &d.node_start, &d.span_start, &d.body_start, &d.name_start, &d.doc.start,
                            &d.doc.reads_from, &d.parent.start})
      *start = movedOffset(*start, e, false);
    for (uint32_t* end : {&d.end, &d.node_end, &d.span_end, &d.parent.end}) *end = movedOffset(*end, e, true);
  }
  return untouched;
}

// The kept definitions (sorted by node start, then longest) whose node is in
// the new tree as it was: same bytes, type and parent. tree-sitter's changed
// ranges compare leaves, so a node that grew over unchanged tokens (or lost
// them, or got another parent) shows up only here.
class TreeCheck {
 public:
  explicit TreeCheck(const std::vector<Definition*>& defs) : defs_(defs), present_(defs.size(), false) {}

  void run(TSTree* tree) {
    TSTreeCursor cursor = ts_tree_cursor_new(ts_tree_root_node(tree));
    visit(cursor, ParentKey{}, 0, defs_.size());
    ts_tree_cursor_delete(&cursor);
  }
  bool present(size_t i) const { return present_[i]; }

 private:
  using ParentKey = extraction::ParentKey;

  // The cursor's node, with the definitions [first, last) that start inside it.
  void visit(TSTreeCursor& cursor, const ParentKey& parent, size_t first, size_t last) {
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    const uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
    const ParentKey key{start, end, ts_node_symbol(node)};
    for (size_t i = first; i < last && defs_[i]->node_start == start; ++i) {
      const Definition& d = *defs_[i];
      if (d.node_end == end && d.symbol == key.symbol && d.parent == parent) present_[i] = true;
    }
    if (!ts_tree_cursor_goto_first_child(&cursor)) return;
    size_t i = first;
    do {
      const TSNode child = ts_tree_cursor_current_node(&cursor);
      const uint32_t child_start = ts_node_start_byte(child), child_end = ts_node_end_byte(child);
      while (i < last && defs_[i]->node_start < child_start) ++i;
      size_t j = i;
      while (j < last && defs_[j]->node_start < child_end) ++j;
      if (j > i) visit(cursor, key, i, j);
      i = j;
    } while (i < last && ts_tree_cursor_goto_next_sibling(&cursor));
    ts_tree_cursor_goto_parent(&cursor);
  }

  const std::vector<Definition*>& defs_;
  std::vector<bool> present_;
};

}  // namespace

std::vector<Chunk> Extractor::Impl::extractIncrementally(const LanguageSpec& spec, std::string_view path,
                                                         std::string_view source, std::string masked,
                                                         ParsedFile::State& state, const std::vector<TextEdit>& edits,
                                                         IncrementalStats& stats) {
  const std::string_view parsed = masked.empty() ? source : std::string_view(masked);
  const TreeEdits tree_edits = treeEditsBetween(state.source, source, edits, state.masked, masked);
  stats.editor_edits = tree_edits.from_editor;
  for (const TSInputEdit& edit : tree_edits.edits) ts_tree_edit(state.tree.get(), &edit);
  const double cpu_before = threadCpuMs();
  ParseTree tree = parse(parsed, {}, state.tree.get());
  stats.parse_cpu_ms = threadCpuMs() - cpu_before;
  if (!tree) {
    stats.full_reason = "parse failed";
    std::vector<Chunk> chunks = extractFully(spec, path, source, std::move(masked), &state);
    stats.definitions_found = state.definitions.size();
    return chunks;
  }
  stats.tree_reused = true;
  stats.syntax_errors = ts_node_has_error(ts_tree_root_node(tree.get()));
  std::vector<ParseTree> trees = withMacroBodies(spec, parsed, std::move(tree));
  if (trees.size() > 1) stats.full_reason = "item macros";  // their trees are parsed with included ranges, afresh
  if (state.syntax_errors && !stats.syntax_errors) stats.full_reason = "syntax errors resolved";
  if (!stats.full_reason.empty()) {
    std::vector<Chunk> chunks = extractFully(spec, path, source, std::move(masked), &state, std::move(trees));
    stats.definitions_found = state.definitions.size();
    return chunks;
  }
  const Intervals differ = differences(tree_edits.edits, state.tree.get(), trees.front().get());
  Intervals query = differ;
  std::vector<Definition*> candidates;
  for (Definition& d : state.definitions) {
    if (carryOver(d, tree_edits.edits) && !differ.overlaps(readsFrom(d), d.span_end)) {
      candidates.push_back(&d);
    } else if (!differ.overlaps(d.node_start, d.node_end)) {
      query.add(d.node_start, d.node_start + 1);  // dropped for its doc or surroundings: look where it starts
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Definition* a, const Definition* b) {
    return a->node_start != b->node_start ? a->node_start < b->node_start : a->node_end > b->node_end;
  });
  TreeCheck check(candidates);
  check.run(trees.front().get());
  std::vector<Definition> kept;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (check.present(i)) {
      kept.push_back(std::move(*candidates[i]));
    } else {
      query.add(candidates[i]->node_start, candidates[i]->node_start + 1);
    }
  }
  query.normalise();
  std::vector<Definition> defs;
  const TSNode root = ts_tree_root_node(trees.front().get());
  for (const auto& range : query.list()) extraction::collectDefinitions(spec, cursor, root, source, defs, range);
  stats.incremental = true;
  stats.definitions_found = defs.size();
  stats.definitions_kept = kept.size();
  defs.insert(defs.end(), std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
  std::vector<Chunk> chunks = chunksOf(spec, path, source, std::move(defs), &state);
  state.source = std::string(source);
  state.masked = std::move(masked);
  state.tree = std::move(trees.front());
  state.syntax_errors = stats.syntax_errors;
  return chunks;
}

}  // namespace cs
