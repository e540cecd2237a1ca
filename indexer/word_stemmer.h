// WordStemmer: English Snowball stemming (libstemmer) of the lower-cased words
// the lexical index is built from, so "parsing", "parsed" and "parses" meet
// "parse" and "users" meets "user". Words with digits or non-ASCII letters are
// left as they are. Remembers the stems it has computed.
//
// Thread-safety: none; one instance per thread (the lexical index keeps one for
// its writer and makes one per search).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

struct sb_stemmer;

namespace cs {

class WordStemmer {
 public:
  WordStemmer();
  ~WordStemmer();
  WordStemmer(WordStemmer&&) noexcept;
  WordStemmer& operator=(WordStemmer&&) noexcept;
  WordStemmer(const WordStemmer&) = delete;
  WordStemmer& operator=(const WordStemmer&) = delete;

  // The stem of a lower-case word; the word itself when it is not stemmable.
  // The reference is valid until the next call.
  const std::string& stem(const std::string& word);

 private:
  struct Free {
    void operator()(sb_stemmer* s) const;
  };
  std::unique_ptr<sb_stemmer, Free> stemmer_;
  std::unordered_map<std::string, std::string> memo_;
};

}  // namespace cs
