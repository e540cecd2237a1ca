// Identifier-aware word splitting shared by the model's tokenizer and the
// lexical index: "parseHTTPResponse2xx_code" -> parse http response 2 xx code.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cs {

// Splits free text or code into lower-cased words: runs of letters/digits are
// cut at '_', at camelCase humps (fooBar, HTTPServer -> http server) and at
// letter/digit boundaries. Everything else (punctuation, whitespace) separates
// words and is dropped. Bytes >= 0x80 (UTF-8 multibyte sequences) count as
// lower-case letters so non-ASCII identifiers survive intact.
std::vector<std::string> splitIdentifierWords(std::string_view text);

// Same, appending to `out` (avoids allocations in hot loops).
void appendIdentifierWords(std::string_view text, std::vector<std::string>& out);

}  // namespace cs
