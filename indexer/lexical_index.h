// LexicalIndex: BM25 over identifier-split, lower-cased, stemmed words of each
// chunk (name, qualified name, signature, doc, code, path), with per-field weights.
// Documents are addressed by a dense slot number owned by the caller (Index).
//
// Thread-safety: not synchronised; the owning Index serialises writers against
// readers. Concurrent const calls are safe.
#pragma once

#include <cstdint>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "indexer/chunk.h"
#include "indexer/word_stemmer.h"

namespace cs {

struct LexicalHit {
  uint32_t slot = 0;
  float score = 0;
};

class LexicalIndex {
 public:
  struct Options {
    float k1 = 1.2f;
    float b = 0.75f;
    bool stem = true;  // Snowball English stems (indexer/word_stemmer.h) on both sides
  };
  LexicalIndex();
  explicit LexicalIndex(Options options);
  ~LexicalIndex();
  LexicalIndex(LexicalIndex&&) noexcept;
  LexicalIndex& operator=(LexicalIndex&&) noexcept;

  void add(uint32_t slot, const Chunk& chunk);  // replaces the slot's document, if any
  // Lazy: the document's postings stay in their lists, skipped by searches
  // and counted out of each term's document frequency, until purged.
  void remove(uint32_t slot);

  // Top `limit` slots by BM25 for `query`; `allowed` (may be empty) filters
  // slots before the cut.
  std::vector<LexicalHit> search(const std::string& query, size_t limit,
                                 const std::function<bool(uint32_t)>& allowed) const;

  size_t documents() const { return live_documents_; }

  // Purges the removed documents' postings from the lists of up to `count`
  // terms from term id `from` and trims those lists to their size (they grow
  // by doubling); returns the id to go on from, or kCompacted when every
  // list is done (the term-id table of removed documents is then rewritten
  // when it is mostly garbage).
  static constexpr size_t kCompacted = SIZE_MAX;
  size_t compact(size_t from, size_t count);
  // Whether removed postings are over a tenth of all: time for purgeStep.
  bool wantsPurge() const { return dead_postings_ * 10 > total_postings_ && dead_postings_ > 0; }
  // One slice of a purge that goes round the terms, `count` lists at a time.
  void purgeStep(size_t count);

  // The weighted bag of words a chunk is indexed under (exposed for tests);
  // stemmed when `stemmer` is given.
  static std::unordered_map<std::string, float> termsOf(const Chunk& chunk, WordStemmer* stemmer = nullptr);

  // 6 bytes: a term frequency is a sum of whole field weights (3, 2, 1), so
  // it is held exactly as an integer (saturating; a chunk is bounded). `doc`
  // is the index's own document number (below); outside, postings name slots.
  struct __attribute__((packed)) Posting {
    uint32_t doc;
    uint16_t tf;
  };

  // Saving and restoring the postings as they stand (saved_lexical.h), with
  // no text read and no word split; postings there name slots.
  size_t slots() const { return slot_doc_.size(); }
  float documentLength(uint32_t slot) const;
  uint32_t documentTerms(uint32_t slot) const;
  // Every term with live postings, with them (slots for `doc`, in no particular order).
  void forEachTerm(const std::function<void(const std::string& stem, const Posting* postings, size_t count)>& visit) const;
  // A saved document at `slot` (which must have none), before its terms:
  // its length and how many terms it has.
  void restoreDocument(uint32_t slot, float length, uint32_t terms);
  // A saved term's postings (naming slots restoreDocument prepared).
  void restoreTerm(const std::string& stem, const Posting* postings, size_t count);
  void endRestore() { std::vector<uint32_t>().swap(restore_fill_); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // A term's postings, addressed by a dense term id. Ids are never reused:
  // word_ids_ remembers them (an emptied list stays, empty). `dead` counts
  // the postings of removed documents still in the list.
  struct TermList {
    std::vector<Posting> postings;
    uint32_t dead = 0;
  };
  uint32_t termIdFor(const std::string& term);    // of a stem, made on first sight
  uint32_t wordTermId(const std::string& word);   // of a word as split, through its stem
  uint32_t newDocument(uint32_t slot, float length, uint32_t terms);  // its term ids are appended by the caller
  void compactTermArena();
  Options options_;
  std::unique_ptr<WordStemmer> stemmer_;  // the writer's (add); searches make their own
  std::unordered_map<std::string, uint32_t> term_ids_;
  std::vector<TermList> terms_;      // by term id
  std::unordered_map<std::string, uint32_t> word_ids_;  // the writer's: word -> its stem's term id
  std::vector<std::string> scratch_words_;               // the writer's buffers, kept between adds
  std::vector<std::pair<uint32_t, float>> scratch_terms_;
  // Documents are numbered in the order they were added, never reused (a
  // removed one's postings may still be in lists): per document its slot
  // (kNone once removed), BM25 length (0 once removed) and its term ids, a
  // range of term_arena_ (for removal: which lists to count it out of).
  std::vector<uint32_t> slot_doc_;   // by slot: its document, or kNone
  std::vector<uint32_t> doc_slot_;
  std::vector<float> doc_length_;
  std::vector<uint32_t> doc_first_;
  std::vector<uint32_t> doc_terms_;
  std::vector<uint32_t> term_arena_;
  std::vector<uint32_t> restore_fill_;  // by document, while restoring: term ids written so far
  size_t arena_garbage_ = 0;           // arena entries of removed documents
  size_t total_postings_ = 0;          // in lists, live or dead
  size_t dead_postings_ = 0;
  size_t purge_next_ = 0;
  double total_length_ = 0;
  size_t live_documents_ = 0;
};

}  // namespace cs
