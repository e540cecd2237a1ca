#include "model/identifier_split.h"

namespace cs {
namespace {

enum class CharClass { kOther, kLower, kUpper, kDigit };

CharClass classify(unsigned char c) {
  if (c >= 'a' && c <= 'z') return CharClass::kLower;
  if (c >= 'A' && c <= 'Z') return CharClass::kUpper;
  if (c >= '0' && c <= '9') return CharClass::kDigit;
  if (c >= 0x80) return CharClass::kLower;
  return CharClass::kOther;
}

char toLower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c); }

}  // namespace

void appendIdentifierWords(std::string_view text, std::vector<std::string>& out) {
  std::string word;
  auto flush = [&] {
    if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  };
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const CharClass cls = classify(c);
    if (cls == CharClass::kOther) {
      flush();
      continue;
    }
    if (!word.empty()) {
      const CharClass prev = classify(static_cast<unsigned char>(text[i - 1]));
      bool boundary = false;
      if (cls == CharClass::kDigit) {
        boundary = prev != CharClass::kDigit;
      } else if (prev == CharClass::kDigit) {
        boundary = true;
      } else if (cls == CharClass::kUpper && prev == CharClass::kLower) {
        boundary = true;  // fooBar
      } else if (cls == CharClass::kUpper && prev == CharClass::kUpper && i + 1 < n &&
                 classify(static_cast<unsigned char>(text[i + 1])) == CharClass::kLower &&
                 static_cast<unsigned char>(text[i + 1]) < 0x80) {
        boundary = true;  // HTTPServer: the 'S' starts a new word
      }
      if (boundary) flush();
    }
    word.push_back(toLower(c));
  }
  flush();
}

std::vector<std::string> splitIdentifierWords(std::string_view text) {
  std::vector<std::string> out;
  appendIdentifierWords(text, out);
  return out;
}

}  // namespace cs
