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
LexicalIndex::LexicalIndex(LexicalIndex&&) noexcept = default;
LexicalIndex& LexicalIndex::operator=(LexicalIndex&&) noexcept = default;

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

uint32_t LexicalIndex::newDocument(uint32_t slot, float length, uint32_t terms) {
  if (slot >= slot_doc_.size()) slot_doc_.resize(slot + 1, kNone);
  if (slot_doc_[slot] != kNone) remove(slot);
  const uint32_t doc = static_cast<uint32_t>(doc_slot_.size());
  doc_slot_.push_back(slot);
  length = std::max(length, 1.0f);
  doc_length_.push_back(length);
  doc_first_.push_back(static_cast<uint32_t>(term_arena_.size()));
  doc_terms_.push_back(terms);
  slot_doc_[slot] = doc;
  total_length_ += length;
  ++live_documents_;
  return doc;
}

void LexicalIndex::add(uint32_t slot, const Chunk& chunk) {
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
  for (const auto& term : terms) length += term.second;
  const uint32_t doc = newDocument(slot, length, static_cast<uint32_t>(terms.size()));
  for (const auto& [id, tf] : terms) {
    terms_[id].postings.push_back(Posting{doc, static_cast<uint16_t>(std::min(tf, 65535.0f))});
    term_arena_.push_back(id);
  }
  total_postings_ += terms.size();
}

// The document leaves at once for searches (length 0, no slot) and for each
// of its terms' document frequencies; its postings go at the next purge.
void LexicalIndex::remove(uint32_t slot) {
  if (slot >= slot_doc_.size() || slot_doc_[slot] == kNone) return;
  const uint32_t doc = slot_doc_[slot];
  const uint32_t first = doc_first_[doc];
  for (uint32_t i = first; i < first + doc_terms_[doc]; ++i) ++terms_[term_arena_[i]].dead;
  dead_postings_ += doc_terms_[doc];
  arena_garbage_ += doc_terms_[doc];
  total_length_ -= doc_length_[doc];
  doc_length_[doc] = 0;
  doc_slot_[doc] = kNone;
  slot_doc_[slot] = kNone;
  --live_documents_;
}

size_t LexicalIndex::compact(size_t from, size_t count) {
  const size_t to = std::min(terms_.size(), from + count);
  for (size_t id = from; id < to; ++id) {
    TermList& term = terms_[id];
    if (term.dead > 0) {
      const size_t before = term.postings.size();
      term.postings.erase(std::remove_if(term.postings.begin(), term.postings.end(),
                                         [&](const Posting& p) { return doc_length_[p.doc] == 0; }),
                          term.postings.end());
      const size_t purged = before - term.postings.size();
      dead_postings_ -= purged;
      total_postings_ -= purged;
      term.dead = 0;
    }
    term.postings.shrink_to_fit();
  }
  if (to < terms_.size()) return to;
  if (arena_garbage_ * 2 > term_arena_.size()) compactTermArena();
  return kCompacted;
}

void LexicalIndex::purgeStep(size_t count) {
  const size_t next = compact(purge_next_, count);
  purge_next_ = next == kCompacted ? 0 : next;
}

// The term ids of live documents only, in document order.
void LexicalIndex::compactTermArena() {
  std::vector<uint32_t> arena;
  arena.reserve(term_arena_.size() - arena_garbage_);
  for (uint32_t doc = 0; doc < doc_slot_.size(); ++doc) {
    const uint32_t first = doc_first_[doc];
    doc_first_[doc] = static_cast<uint32_t>(arena.size());
    if (doc_slot_[doc] == kNone) {
      doc_terms_[doc] = 0;
      continue;
    }
    arena.insert(arena.end(), term_arena_.begin() + first, term_arena_.begin() + first + doc_terms_[doc]);
  }
  term_arena_ = std::move(arena);
  arena_garbage_ = 0;
}

float LexicalIndex::documentLength(uint32_t slot) const {
  return slot < slot_doc_.size() && slot_doc_[slot] != kNone ? doc_length_[slot_doc_[slot]] : 0;
}

uint32_t LexicalIndex::documentTerms(uint32_t slot) const {
  return slot < slot_doc_.size() && slot_doc_[slot] != kNone ? doc_terms_[slot_doc_[slot]] : 0;
}

void LexicalIndex::forEachTerm(
    const std::function<void(const std::string& stem, const Posting* postings, size_t count)>& visit) const {
  std::vector<Posting> by_slot;
  for (const auto& [stem, id] : term_ids_) {
    by_slot.clear();
    for (const Posting& p : terms_[id].postings)
      if (doc_slot_[p.doc] != kNone) by_slot.push_back(Posting{doc_slot_[p.doc], p.tf});
    if (!by_slot.empty()) visit(stem, by_slot.data(), by_slot.size());
  }
}

void LexicalIndex::restoreDocument(uint32_t slot, float length, uint32_t terms) {
  const uint32_t doc = newDocument(slot, length, terms);
  term_arena_.resize(term_arena_.size() + terms, kNone);
  if (restore_fill_.size() <= doc) restore_fill_.resize(doc + 1, 0);
  restore_fill_[doc] = 0;
}

void LexicalIndex::restoreTerm(const std::string& stem, const Posting* postings, size_t count) {
  const uint32_t id = termIdFor(stem);
  std::vector<Posting>& list = terms_[id].postings;
  list.reserve(list.size() + count);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t doc = slot_doc_[postings[i].doc];
    list.push_back(Posting{doc, postings[i].tf});
    if (restore_fill_[doc] < doc_terms_[doc]) term_arena_[doc_first_[doc] + restore_fill_[doc]++] = id;
  }
  total_postings_ += count;
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
  // Scores accumulate in an array by document, not a hash map: a common
  // word's list has a posting in a large share of all chunks (half a million
  // in the kernel tree), and a map insertion per posting was most of a
  // query's time. Every term adds a positive amount, so a zero means "not
  // touched yet"; a removed document (length 0) is passed over.
  std::vector<float> scores(doc_length_.size(), 0.0f);
  std::vector<uint32_t> touched;
  for (const auto& [term, query_tf] : query_terms) {
    auto it = term_ids_.find(term);
    if (it == term_ids_.end()) continue;
    const TermList& entry = terms_[it->second];
    const size_t live = entry.postings.size() - entry.dead;
    if (live == 0) continue;
    const double df = static_cast<double>(live);
    const float idf = static_cast<float>(std::log(1.0 + (n - df + 0.5) / (df + 0.5)));
    for (const Posting& p : entry.postings) {
      const float length = doc_length_[p.doc];
      if (length == 0) continue;
      const float norm = options_.k1 * (1 - options_.b + options_.b * static_cast<float>(length / avg_length));
      float& score = scores[p.doc];
      if (score == 0) touched.push_back(p.doc);
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
  for (uint32_t doc : touched) {
    const float score = scores[doc];
    if (hits.size() == limit && score < hits.front().score) continue;  // before reading its slot: most never enter
    const LexicalHit hit{doc_slot_[doc], score};
    if (hits.size() == limit && !better(hit, hits.front())) continue;
    if (allowed && !allowed(hit.slot)) continue;
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
