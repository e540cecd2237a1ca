#include "indexer/lexical_index.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "model/identifier_split.h"

namespace cs {
namespace {

// Calls `visit(word, weight)` for each word a chunk is indexed under, in order.
template <class Visit>
void forEachWeightedWord(const Chunk& chunk, std::vector<std::string>& words, Visit visit) {
  auto field = [&](std::string_view text, float weight) {
    words.clear();
    appendIdentifierWords(text, words);
    for (const std::string& w : words) visit(w, weight);
  };
  // Names and docs say what code is for; they count more than incidental body words.
  field(chunk.name, 3.0f);
  field(chunk.qualified_name, 1.0f);
  field(chunk.signature, 1.0f);
  field(chunk.doc, 2.0f);
  field(chunk.text, 1.0f);
  std::string_view path = chunk.path;
  size_t keep_from = 0;
  for (int parts = 0; parts < 3; ++parts) {  // file name and the two directories above it
    size_t slash = path.rfind('/', keep_from == 0 ? std::string_view::npos : keep_from - 1);
    if (slash == std::string_view::npos) break;
    keep_from = slash;
  }
  field(path.substr(keep_from), 1.0f);
}

}  // namespace

LexicalIndex::LexicalIndex() : LexicalIndex(Options{}) {}
LexicalIndex::LexicalIndex(Options options)
    : options_(options), stemmer_(options.stem ? std::make_unique<WordStemmer>() : nullptr) {}
LexicalIndex::~LexicalIndex() = default;

std::unordered_map<std::string, float> LexicalIndex::termsOf(const Chunk& chunk, WordStemmer* stemmer) {
  std::unordered_map<std::string, float> terms;
  std::vector<std::string> words;
  forEachWeightedWord(chunk, words, [&](const std::string& w, float weight) { terms[stemmer ? stemmer->stem(w) : w] += weight; });
  return terms;
}

uint32_t LexicalIndex::termIdFor(const std::string& term) {
  auto [it, inserted] = term_ids_.try_emplace(term, static_cast<uint32_t>(terms_.size()));
  if (inserted) terms_.emplace_back();
  return it->second;
}

uint32_t LexicalIndex::wordTermId(const std::string& word) {
  if (auto it = word_ids_.find(word); it != word_ids_.end()) return it->second;
  const uint32_t id = termIdFor(stemmer_ ? stemmer_->stem(word) : word);
  word_ids_.emplace(word, id);
  return id;
}

size_t LexicalIndex::compact(size_t from, size_t count) {
  const size_t to = std::min(terms_.size(), from + count);
  for (size_t id = from; id < to; ++id) terms_[id].postings.shrink_to_fit();
  return to == terms_.size() ? kCompacted : to;
}

void LexicalIndex::add(uint32_t slot, const Chunk& chunk) {
  if (slot >= doc_length_.size()) {
    doc_length_.resize(slot + 1, 0);
    doc_terms_.resize(slot + 1);
  }
  if (doc_length_[slot] > 0) remove(slot);
  // (term id, weight) per word, then summed per term: the same weights
  // termsOf gives (whole numbers, so the order of the sum does not matter),
  // one hash lookup per word.
  std::vector<std::pair<uint32_t, float>>& terms = scratch_terms_;
  terms.clear();
  forEachWeightedWord(chunk, scratch_words_, [&](const std::string& w, float weight) { terms.emplace_back(wordTermId(w), weight); });
  std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t distinct = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (distinct > 0 && terms[distinct - 1].first == terms[i].first) terms[distinct - 1].second += terms[i].second;
    else terms[distinct++] = terms[i];
  }
  terms.resize(distinct);
  float length = 0;  // whole numbers too: the same in any order
  doc_terms_[slot].reserve(terms.size());
  for (const auto& [id, tf] : terms) {
    std::vector<Posting>& list = terms_[id].postings;
    list.push_back(Posting{slot, static_cast<uint16_t>(std::min(tf, 65535.0f))});
    doc_terms_[slot].push_back(TermRef{id, static_cast<uint32_t>(list.size() - 1)});
    length += tf;
  }
  length = std::max(length, 1.0f);
  doc_length_[slot] = length;
  total_length_ += length;
  ++live_documents_;
}

// Each of the slot's postings is swapped with the last of its list: removal
// costs the slot's terms, not the lists' lengths (a common word's list holds
// nearly every chunk). The order of a list does not matter to search.
void LexicalIndex::remove(uint32_t slot) {
  if (slot >= doc_length_.size() || doc_length_[slot] == 0) return;
  for (const TermRef& ref : doc_terms_[slot]) {
    std::vector<Posting>& list = terms_[ref.term].postings;
    if (ref.index + 1 < list.size()) {
      const Posting moved = list.back();
      list[ref.index] = moved;
      for (TermRef& other : doc_terms_[moved.slot]) {
        if (other.term == ref.term) {
          other.index = ref.index;
          break;
        }
      }
    }
    list.pop_back();
    if (list.empty()) std::vector<Posting>().swap(list);  // the term keeps its id (word_ids_ has it)
  }
  doc_terms_[slot].clear();
  doc_terms_[slot].shrink_to_fit();
  total_length_ -= doc_length_[slot];
  doc_length_[slot] = 0;
  --live_documents_;
}

std::vector<LexicalHit> LexicalIndex::search(const std::string& query, size_t limit,
                                             const std::function<bool(uint32_t)>& allowed) const {
  std::vector<LexicalHit> hits;
  if (live_documents_ == 0 || limit == 0) return hits;
  std::vector<std::string> words = splitIdentifierWords(query);
  std::unordered_map<std::string, float> query_terms;
  std::unique_ptr<WordStemmer> stemmer = options_.stem ? std::make_unique<WordStemmer>() : nullptr;
  for (auto& w : words) query_terms[stemmer ? stemmer->stem(w) : w] += 1.0f;
  const double n = static_cast<double>(live_documents_);
  const double avg_length = total_length_ / n;
  // Scores accumulate in an array by slot, not a hash map: a common word's
  // list has a posting in a large share of all chunks (half a million in the
  // kernel tree), and a map insertion per posting was most of a query's time.
  // Every term adds a positive amount, so a zero means "not touched yet".
  std::vector<float> scores(doc_length_.size(), 0.0f);
  std::vector<uint32_t> touched;
  for (const auto& [term, query_tf] : query_terms) {
    auto it = term_ids_.find(term);
    if (it == term_ids_.end()) continue;
    const auto& list = terms_[it->second].postings;
    if (list.empty()) continue;
    const double df = static_cast<double>(list.size());
    const float idf = static_cast<float>(std::log(1.0 + (n - df + 0.5) / (df + 0.5)));
    for (const Posting& p : list) {
      const float norm = options_.k1 * (1 - options_.b + options_.b * static_cast<float>(doc_length_[p.slot] / avg_length));
      float& score = scores[p.slot];
      if (score == 0) touched.push_back(p.slot);
      const float tf = p.tf;
      score += query_tf * idf * tf * (options_.k1 + 1) / (tf + norm);
    }
  }
  // The top `limit` in a heap whose front is the worst kept: a slot that
  // cannot enter it is passed over before its filter runs (a common word
  // touches most chunks; the filter reads each one's metadata).
  auto better = [](const LexicalHit& a, const LexicalHit& b) {
    return a.score != b.score ? a.score > b.score : a.slot < b.slot;
  };
  hits.reserve(limit + 1);
  for (uint32_t slot : touched) {
    const LexicalHit hit{slot, scores[slot]};
    if (hits.size() == limit && !better(hit, hits.front())) continue;
    if (allowed && !allowed(slot)) continue;
    hits.push_back(hit);
    std::push_heap(hits.begin(), hits.end(), better);
    if (hits.size() > limit) {
      std::pop_heap(hits.begin(), hits.end(), better);
      hits.pop_back();
    }
  }
  std::sort(hits.begin(), hits.end(), better);
  return hits;
}

}  // namespace cs
