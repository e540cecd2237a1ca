// The workspace path rule: which paths belong to the workspace. One rule for
// the scan, watched-file events, open documents and codeSearch/similar: a path
// belongs when its real path (realpath: symbolic links resolved, no "." or "..")
// lies strictly below one of the (canonical) roots, compared component by
// component, never as a string prefix. Reading such a file then goes through
// readBoundedFile (regular files only, size-capped).
// Thread-safety: free functions without shared state; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

// Whether normalised absolute `path` is `root` itself or lies below it,
// component-wise: "/a/b/c" is under "/a/b", "/a/bc" is not.
bool isPathUnder(std::string_view path, std::string_view root);
// Likewise, but `root` itself is not below itself: what a workspace file is.
bool isPathStrictlyUnder(std::string_view path, std::string_view root);

// The real path of absolute `path` when it lies strictly below one of `roots`
// (canonical absolute directories); nullopt otherwise. A path that does not
// exist (a deleted file, a new buffer) resolves through its parent directory,
// and its last component must then be a plain name.
std::optional<std::string> resolveUnderRoots(const std::string& path, const std::vector<std::string>& roots);

// The same rule for a directory entry as a file watcher reports it: the parent
// directory is resolved to its real path, the last component is kept as it is
// (a symbolic link stays the link, never its target), and the result must lie
// strictly below a root. When even the parent is gone (a deleted tree), the
// lexically normalised path counts if it lies below a root: what is gone can
// only leave the index. nullopt for anything else.
std::optional<std::string> resolveEntryUnderRoots(const std::string& path, const std::vector<std::string>& roots);

}  // namespace cs
