// Masking of C and C++ macros that tree-sitter cannot parse without a
// preprocessor: namespace-wrapping lines (FOO_BEGIN_NAMESPACE,
// NLOHMANN_JSON_NAMESPACE_BEGIN, QT_BEGIN_NAMESPACE), export and attribute
// macros before a name (class FOO_EXPORT widget, ASIO_DECL void f(),
// CURL_EXTERN CURLcode f()). Masked bytes become spaces, so every byte offset,
// line and column of the masked text is the original's: the extractor parses
// the masked copy and reads names and text from the original.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cs {

std::string maskConfusingMacros(std::string_view source);

}  // namespace cs
