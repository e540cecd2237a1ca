#include "indexer/word_stemmer.h"

#include <libstemmer.h>

namespace cs {

void WordStemmer::Free::operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }

WordStemmer::WordStemmer() : stemmer_(sb_stemmer_new("english", "UTF_8")) {}
WordStemmer::~WordStemmer() = default;
WordStemmer::WordStemmer(WordStemmer&&) noexcept = default;
WordStemmer& WordStemmer::operator=(WordStemmer&&) noexcept = default;

const std::string& WordStemmer::stem(const std::string& word) {
  auto it = memo_.find(word);
  if (it != memo_.end()) return it->second;
  bool letters = word.size() > 3 && stemmer_ != nullptr;  // short words: nothing useful to strip
  for (char c : word) letters = letters && c >= 'a' && c <= 'z';
  std::string stemmed = word;
  if (letters) {
    const sb_symbol* out = sb_stemmer_stem(stemmer_.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                                           static_cast<int>(word.size()));
    if (out != nullptr) stemmed.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(sb_stemmer_length(stemmer_.get())));
  }
  if (memo_.size() > 200000) memo_.clear();  // bounded: a long-lived index sees an open-ended vocabulary
  return memo_.emplace(word, std::move(stemmed)).first->second;
}

}  // namespace cs
