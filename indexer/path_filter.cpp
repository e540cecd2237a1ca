#include "indexer/path_filter.h"

#include <vector>

namespace cs {
namespace {

// A glob match memoised on (pattern position, path position): each state is
// decided once, so "**?**?**...Z" costs O(|pattern| * |path|^2) instead of
// backtracking exponentially. Recursion depth is bounded by the pattern length.
class GlobMatcher {
 public:
  GlobMatcher(std::string_view pattern, std::string_view path)
      : pattern_(pattern), path_(path), memo_((pattern.size() + 1) * (path.size() + 1), kUnknown) {}
  bool matches() { return match(0, 0); }

 private:
  static constexpr signed char kUnknown = -1;

  bool match(size_t pi, size_t si) {
    signed char& known = memo_[pi * (path_.size() + 1) + si];
    if (known == kUnknown) known = compute(pattern_.substr(pi), path_.substr(si)) ? 1 : 0;
    return known == 1;
  }
  // Position of a suffix view inside the pattern / the path.
  size_t at(std::string_view p) const { return pattern_.size() - p.size(); }
  size_t on(std::string_view s) const { return path_.size() - s.size(); }

  bool compute(std::string_view p, std::string_view s) {
    while (!p.empty()) {
      if (p.substr(0, 2) == "**") {
        p.remove_prefix(2);
        if (!p.empty() && p.front() == '/') {
          // "**/" matches zero or more whole directories.
          std::string_view rest = p.substr(1);
          if (match(at(rest), on(s))) return true;
          for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '/' && match(at(rest), on(s) + i + 1)) return true;
          }
          return false;
        }
        for (size_t i = 0; i <= s.size(); ++i) {
          if (match(at(p), on(s) + i)) return true;
        }
        return false;
      }
      char c = p.front();
      if (c == '*') {
        p.remove_prefix(1);
        for (size_t i = 0; i <= s.size(); ++i) {
          if (match(at(p), on(s) + i)) return true;
          if (i < s.size() && s[i] == '/') break;
        }
        return false;
      }
      if (s.empty()) return false;
      if (c == '?') {
        if (s.front() == '/') return false;
      } else if (c == '[') {
        size_t close = p.find(']', 1);
        if (close == std::string_view::npos) {
          if (s.front() != '[') return false;
        } else {
          std::string_view set = p.substr(1, close - 1);
          bool negate = !set.empty() && (set.front() == '!' || set.front() == '^');
          if (negate) set.remove_prefix(1);
          bool found = false;
          for (size_t i = 0; i < set.size(); ++i) {
            if (i + 2 < set.size() && set[i + 1] == '-') {
              found |= s.front() >= set[i] && s.front() <= set[i + 2];
              i += 2;
            } else {
              found |= s.front() == set[i];
            }
          }
          if (found == negate) return false;
          p.remove_prefix(close + 1);
          s.remove_prefix(1);
          continue;
        }
      } else if (c != s.front()) {
        return false;
      }
      p.remove_prefix(1);
      s.remove_prefix(1);
    }
    return s.empty();
  }

  std::string_view pattern_;
  std::string_view path_;
  std::vector<signed char> memo_;
};

bool matchHere(std::string_view p, std::string_view s) { return GlobMatcher(p, s).matches(); }

}  // namespace

bool globMatches(std::string_view pattern, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  bool anchored = pattern.find('/') != std::string_view::npos && pattern.find('/') != pattern.size() - 1;
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  if (!pattern.empty() && pattern.back() == '/') {
    // "dir/": everything below a directory with that name.
    std::string with_stars(pattern);
    with_stars += "**";
    return globMatches(anchored ? with_stars : "**/" + with_stars, path);
  }
  if (anchored) return matchHere(pattern, path);
  // No slash: any component (file or directory name) may match, as in .gitignore.
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view component = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (matchHere(pattern, component)) return true;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

bool isTestPath(std::string_view path) {
  for (std::string_view dir : {"/test/", "/tests/", "/spec/", "/specs/", "/__tests__/", "/testing/", "/testdata/"}) {
    if (path.find(dir) != std::string_view::npos) return true;
  }
  for (std::string_view prefix : {"test/", "tests/", "spec/", "__tests__/"}) {
    if (path.substr(0, prefix.size()) == prefix) return true;
  }
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.find('.');
  std::string_view stem = name.substr(0, dot);
  if (stem.size() > 5 && stem.substr(stem.size() - 5) == "_test") return true;
  // test_foo.* is pytest's, and C's, C++'s and Lua's unit-test convention; elsewhere
  // (bats' test_functions.bash) it names library code.
  const std::string_view extension = dot == std::string_view::npos ? std::string_view{} : name.substr(name.rfind('.'));
  const bool test_prefix_language = extension == ".py" || extension == ".c" || extension == ".cc" ||
                                    extension == ".cpp" || extension == ".lua" || extension == ".dart";
  if (test_prefix_language && stem.size() > 5 && stem.substr(0, 5) == "test_") return true;
  if (stem.size() > 4 && (stem.substr(stem.size() - 4) == "Test" || stem.substr(stem.size() - 5) == "Tests")) return true;
  if (name.find(".test.") != std::string_view::npos || name.find(".spec.") != std::string_view::npos) return true;
  if (stem.size() > 5 && stem.substr(stem.size() - 5) == "_spec") return true;
  // Conventions of single languages, by extension (the others never get here with one of these).
  std::string_view ext = dot == std::string_view::npos ? std::string_view{} : name.substr(name.rfind('.'));
  if (ext == ".kt" || ext == ".kts" || ext == ".scala" || ext == ".swift" || ext == ".hs") {
    auto endsWith = [](std::string_view s, std::string_view suffix) {
      return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
    };
    if (endsWith(stem, "Spec") || endsWith(stem, "Suite")) return true;  // ScalaTest, specs2, Kotest, hspec
    if (ext == ".swift" && (path.substr(0, 6) == "Tests/" || path.find("/Tests/") != std::string_view::npos))
      return true;  // SwiftPM test targets
    if (ext == ".kt" || ext == ".kts") {
      // Gradle/Kotlin Multiplatform test source sets: src/commonTest/, src/jvmTest/, src/androidTest/.
      for (size_t start = 0, slash; (slash = path.find('/', start)) != std::string_view::npos; start = slash + 1) {
        std::string_view dir = path.substr(start, slash - start);
        if (dir.size() > 4 && endsWith(dir, "Test")) return true;
      }
    }
  }
  return false;
}

}  // namespace cs
