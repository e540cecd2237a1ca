#include "indexer/workspace_paths.h"

#include <climits>
#include <cstdlib>
#include <filesystem>

namespace cs {
namespace {

std::optional<std::string> realPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (!::realpath(path.c_str(), buffer)) return std::nullopt;
  return std::string(buffer);
}

// realpath for a path that may not exist: its parent must.
std::optional<std::string> resolve(const std::string& path) {
  if (auto real = realPath(path)) return real;
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  std::string name = path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") return std::nullopt;
  auto parent = realPath(slash == 0 ? "/" : path.substr(0, slash));
  if (!parent) return std::nullopt;
  return (*parent == "/" ? "" : *parent) + "/" + name;
}

bool belowARoot(const std::string& path, const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    if (isPathStrictlyUnder(path, root)) return true;
  }
  return false;
}

}  // namespace

bool isPathUnder(std::string_view path, std::string_view root) {
  while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
  if (root == "/") return !path.empty() && path.front() == '/';
  if (path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

bool isPathStrictlyUnder(std::string_view path, std::string_view root) {
  while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
  return path != root && isPathUnder(path, root);
}

std::optional<std::string> resolveUnderRoots(const std::string& path, const std::vector<std::string>& roots) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  auto real = resolve(path);
  if (!real || !belowARoot(*real, roots)) return std::nullopt;
  return real;
}

std::optional<std::string> resolveEntryUnderRoots(const std::string& path, const std::vector<std::string>& roots) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string normal = std::filesystem::path(path).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  const size_t slash = normal.rfind('/');
  const std::string name = normal.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") return std::nullopt;
  std::string entry;
  if (auto parent = realPath(slash == 0 ? "/" : normal.substr(0, slash))) {
    entry = (*parent == "/" ? "" : *parent) + "/" + name;
  } else {
    entry = normal;  // the parent is gone too: only a removal can follow
  }
  if (!belowARoot(entry, roots)) return std::nullopt;
  return entry;
}

}  // namespace cs
