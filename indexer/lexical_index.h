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

  // The weighted bag of words a chunk is indexed under (exposed for tests);
  // stemmed when `stemmer` is given.
  static std::unordered_map<std::string, float> termsOf(const Chunk& chunk, WordStemmer* stemmer = nullptr);

 private:
  struct Posting {
    uint32_t slot;
    float tf;
  };
  using PostingMap = std::unordered_map<std::string, std::vector<Posting>>;
  // One of a document's terms: its posting list and where its posting is in it.
  struct TermRef {
    PostingMap::value_type* entry;
    uint32_t index;
  };
  Options options_;
  std::unique_ptr<WordStemmer> stemmer_;  // the writer's (add); searches make their own
  PostingMap postings_;
  std::vector<float> doc_length_;              // by slot; 0 = empty slot
  std::vector<std::vector<TermRef>> doc_terms_;  // by slot, for removal
  double total_length_ = 0;
  size_t live_documents_ = 0;
};

}  // namespace cs
