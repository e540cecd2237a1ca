// CodeSearchNet-style description from a doc comment: the first paragraph,
// with parameter/return tags, examples and markup dropped.
// Pure function; thread-safe.
#pragma once

#include <string>

namespace cs {

// "" when nothing usable remains.
std::string docSummary(const std::string& doc);

}  // namespace cs
