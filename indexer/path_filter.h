// Path predicates used by search filters and ranking: glob matching (with
// `**`) and test-code detection. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cs {

// gitignore-style glob: a pattern without '/' matches the file name or any
// directory name on the path; otherwise it matches the path from its start.
// '*' matches within one path component, '**' across components, '?' one
// character, [abc] a set. `path` is workspace-relative (no leading '/').
bool globMatches(std::string_view pattern, std::string_view path);

// Test code by its path: tests/, test/, spec/, __tests__/ directories and
// *_test.*, test_*.{py,c,cc,cpp,lua,dart}, *.test.*, *.spec.*, *Test.java, *Tests.cs files;
// for Kotlin, Scala, Swift and Haskell also *Spec / *Suite files, Swift's Tests/
// and Kotlin's *Test/ source sets (commonTest/, jvmTest/).
bool isTestPath(std::string_view path);

}  // namespace cs
