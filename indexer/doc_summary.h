// CodeSearchNet-style description from a doc comment: the first paragraph,
// with parameter/return tags, examples and markup dropped.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cs {

// "" when nothing usable remains. `language` (a chunk's language) adds the tags
// and markup of that language's doc conventions where they differ: Swift's
// "- Parameter x:" lists, Elixir's "iex>" examples and "## Sections", Haddock's
// 'identifier' / "Module" / @code@ markup, KDoc [links] and Scaladoc [[links]].
std::string docSummary(const std::string& doc, std::string_view language = {});

}  // namespace cs
