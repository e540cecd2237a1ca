// ParseTree: sole ownership of a tree-sitter tree (ts_tree_delete on
// destruction), so no path through the extractor frees a tree by hand.
// A tree may be moved to another thread; it is never used by two at once
// (tree-sitter: "copy a tree to use it on another thread").
#pragma once

#include <tree_sitter/api.h>

#include <memory>

namespace cs {

struct TreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};

using ParseTree = std::unique_ptr<TSTree, TreeDeleter>;

}  // namespace cs
