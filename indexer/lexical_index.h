// LexicalIndex: BM25 over identifier-split, lower-cased, stemmed words of each
// chunk (name, qualified name, signature, doc, code, path), with per-field weights.
// Documents are addressed by a dense slot number owned by the caller (Index).
//
// Thread-safety: not synchronised; the owning Index serialises writers against
// readers. Concurrent const calls are safe.
#pragma once

#include <cstdint>
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

  void add(uint32_t slot, const Chunk& chunk);
  void remove(uint32_t slot);

  // Top `limit` slots by BM25 for `query`; `allowed` (may be empty) filters
  // slots before the cut.
  std::vector<LexicalHit> search(const std::string& query, size_t limit,
                                 const std::function<bool(uint32_t)>& allowed) const;

  size_t documents() const { return live_documents_; }

  // Trims the posting lists of up to `count` terms from term id `from` to
  // their size (they grow by doubling); returns the id to go on from, or
  // kCompacted when every list is done.
  static constexpr size_t kCompacted = SIZE_MAX;
  size_t compact(size_t from, size_t count);

  // The weighted bag of words a chunk is indexed under (exposed for tests);
  // stemmed when `stemmer` is given.
  static std::unordered_map<std::string, float> termsOf(const Chunk& chunk, WordStemmer* stemmer = nullptr);

 private:
  // 6 bytes: a term frequency is a sum of whole field weights (3, 2, 1), so
  // it is held exactly as an integer (saturating; a chunk is bounded).
  struct __attribute__((packed)) Posting {
    uint32_t slot;
    uint16_t tf;
  };
  // A term's postings, addressed by a dense term id. Ids are never reused:
  // word_ids_ remembers them (an emptied list stays, empty).
  struct TermList {
    std::vector<Posting> postings;
  };
  // One of a document's terms: its id and where its posting is in the list
  // (8 bytes; a document has a few dozen).
  struct TermRef {
    uint32_t term;
    uint32_t index;
  };
  uint32_t termIdFor(const std::string& term);    // of a stem, made on first sight
  uint32_t wordTermId(const std::string& word);   // of a word as split, through its stem
  Options options_;
  std::unique_ptr<WordStemmer> stemmer_;  // the writer's (add); searches make their own
  std::unordered_map<std::string, uint32_t> term_ids_;
  std::vector<TermList> terms_;      // by term id
  std::unordered_map<std::string, uint32_t> word_ids_;  // the writer's: word -> its stem's term id
  std::vector<std::string> scratch_words_;               // the writer's buffers, kept between adds
  std::vector<std::pair<uint32_t, float>> scratch_terms_;
  std::vector<float> doc_length_;              // by slot; 0 = empty slot
  std::vector<std::vector<TermRef>> doc_terms_;  // by slot, for removal
  double total_length_ = 0;
  size_t live_documents_ = 0;
};

}  // namespace cs
