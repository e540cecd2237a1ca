// SavedLexical: the lexical index (its postings and document lengths) kept
// beside the store, so that a warm start restores it instead of reading every
// chunk's text and splitting it into words again (most of a kernel-sized
// load). One file, `<store>.lexical` (INDEX_FORMAT.md), written whole under a
// temporary name and renamed, with a checksum over everything in it.
//
// It names its documents by the slots of the index that wrote it, and says
// what each slot held: its chunk's row in the store (path, ord, content hash)
// and the hash of its text. It is only used when it matches the store
// exactly: the store's identity and write generation (IndexStore::Version)
// are the ones it was saved at; any later write, by this process or another,
// makes it stale, and a stale or damaged file is ignored (the texts are read
// instead).
//
// Thread-safety: free functions; the LexicalIndex passed in must not change
// while they run (the caller holds the index's lock).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "indexer/index_store.h"
#include "indexer/lexical_index.h"
#include "support/result.h"

namespace cs {

struct SavedLexicalSlot {
  bool used = false;     // the slot held a chunk
  StoredChunkKey chunk;  // its row in the store
  uint64_t text_hash = 0;
};

std::string savedLexicalPath(const std::string& store_path);

// `slots[s]` says what slot `s` of `lexical` holds.
Status writeSavedLexical(const std::string& path, const IndexStore::Version& version,
                         const std::vector<SavedLexicalSlot>& slots, const LexicalIndex& lexical);

// A saved file read into memory and checked (checksum, shape), not applied yet.
class SavedLexical {
 public:
  static Result<SavedLexical> read(const std::string& path);
  const IndexStore::Version& version() const { return version_; }
  const std::vector<SavedLexicalSlot>& slots() const { return slots_; }
  // Adds every saved document to `lexical` at its saved slot (those slots
  // must hold no document there). The file was checked on read, so this
  // cannot fail half-way.
  void restoreInto(LexicalIndex& lexical) const;

 private:
  std::string bytes_;
  size_t terms_at_ = 0;  // where the term section starts
  IndexStore::Version version_;
  std::vector<SavedLexicalSlot> slots_;
  std::vector<float> lengths_;
  std::vector<uint32_t> term_counts_;
};

}  // namespace cs
