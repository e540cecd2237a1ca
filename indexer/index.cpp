#include "indexer/index.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <future>
#include <system_error>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "indexer/device_vector_index.h"
#include "indexer/index_store.h"
#include "indexer/lexical_index.h"
#include "indexer/path_filter.h"
#include "indexer/ranking.h"
#include "indexer/saved_graph.h"
#include "indexer/saved_lexical.h"
#include "indexer/store_read_ahead.h"
#include "indexer/vector_index.h"
#include "indexer/vector_store.h"
#include "indexer/workspace_paths.h"

namespace cs {

// Where the index keeps a chunk's text: in the entry, or only in the store
// (written there first), whence results read it (Impl::fillTexts).
enum class TextsAre { kInMemory, kStored };

// At most this many definitions of one name join a symbol query's candidates.
constexpr size_t kMaxDefinitionCandidates = 200;

struct Index::Impl {
  IndexOptions options;
  std::unique_ptr<IndexStore> store;

  mutable std::shared_mutex mutex;
  // Writers pass through it on their way to the exclusive lock, and the graph
  // builder before each batch it adds under the shared lock: glibc's rwlock
  // prefers readers, so a builder taking batch after batch kept edits waiting
  // for seconds. A writer holding it stops the builder at its next batch.
  std::mutex writer_turnstile;

  std::unique_lock<std::shared_mutex> lockForWrite() {
    std::lock_guard turn(writer_turnstile);
    return std::unique_lock<std::shared_mutex>(mutex);
  }
  std::shared_lock<std::shared_mutex> lockForGraphBatch() {
    std::lock_guard turn(writer_turnstile);
    return std::shared_lock<std::shared_mutex>(mutex);
  }
  // The deferred load (IndexOptions::defer_load). Under `mutex`.
  bool store_loaded = false;
  LoadProgress load_progress;
  std::unordered_set<std::string> changed_while_loading;  // replaced or removed: their stored copy is stale
  // A load from the saved lexical index (saved_lexical.h) puts each chunk at
  // the slot the saved postings name: by path, the saved slot of each ord.
  // Those slots are held back (not free, not live) until the load fills
  // them; lexical searches meanwhile skip slots that are not live.
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  struct ReservedChunk {
    uint32_t slot = kNoSlot;
    uint64_t content_hash = 0;
    uint64_t text_hash = 0;
  };
  std::unordered_map<std::string, std::vector<ReservedChunk>> reserved;  // under `mutex`
  std::vector<uint8_t> reserved_open;      // by slot: held back and not filled yet
  // While the saved lexical index is restored on a helper thread (into an
  // index of its own, swapped in when the load ends), the slots whose lexical
  // documents writers change meanwhile: they are redone on the restored one.
  bool restoring_lexical = false;          // under `mutex`
  std::vector<uint32_t> lexical_touched;   // under `mutex`
  bool lexical_restored = false;           // under `mutex`: the load restored the saved lexical index
  // The store version the saved lexical file matches (restored from or saved at).
  std::optional<IndexStore::Version> lexical_saved_version;
  struct Entry {
    ChunkId id = 0;
    IndexedChunk indexed;  // vector kept in the vector index, not here; text too when text_in_store
    uint64_t text_hash = 0;  // of the chunk's text, kept when the text itself is left in the store
    bool live = false;
    bool text_in_store = false;  // indexed.chunk.text is empty: the store has it (textKey)
    RerankFeatures rerank;  // stems computed once, here, instead of in every search; also the test-path flag the filter reads
  };
  std::vector<Entry> entries;              // by slot
  std::vector<uint32_t> free_slots;
  // A chunk's id names its slot in the low 32 bits (and a sequence number,
  // unique per add, above), so no map from ids to slots is needed.
  static ChunkId makeId(uint64_t sequence, uint32_t slot) { return sequence << 32 | slot; }
  static uint32_t slotOf(ChunkId id) { return static_cast<uint32_t>(id); }
  struct FileRecord {
    FileStamp stamp;
    std::vector<uint32_t> slots;
    std::string stem_key;  // identifierKey of the file name's stem (files_by_stem_key)
    uint32_t file_slot = 0;           // its document in file_lexical
    uint64_t file_id = 0;             // RerankFeatures::file_id of its chunks
    uint32_t representative = 0;      // the chunk that stands for the file: its largest type, else its remainder
    bool has_representative = false;
    uint64_t document_hash = 0;       // of its document in file_lexical, to rebuild it only when it changes
  };
  std::unordered_map<std::string, FileRecord> files;
  std::unordered_map<uint64_t, uint32_t> slot_by_hash;  // a live slot with a vector, per content hash
  // Definitions by identifierKey of their name, and files by that of their stem:
  // a symbol query looks its answers up here instead of hoping a retriever found them.
  std::unordered_map<std::string, std::vector<uint32_t>> definitions_by_key;
  std::unordered_map<std::string, std::vector<std::string>> files_by_stem_key;
  ChunkId next_id = 1;
  size_t live_chunks = 0;

  LexicalIndex lexical;
  // One document per file (its name, path, definition names and type docs): the
  // file-level retriever for concept queries, whose answer is often a whole file.
  LexicalIndex file_lexical;
  std::vector<const std::string*> path_of_file_slot;  // keys of `files`; nullptr = free
  std::vector<uint32_t> free_file_slots;
  WordStemmer writer_stemmer;  // used under the exclusive lock only (addFileLocked)
  std::unique_ptr<VectorStore> vectors;        // every chunk's vector, once; both indexes read it
  std::unique_ptr<VectorIndex> exact;          // the reference
  std::unique_ptr<HnswVectorIndex> approximate;  // HNSW, once the index is large
  std::unique_ptr<DeviceVectorIndex> device;     // IndexOptions::vector_device; replaces both when healthy
  std::vector<uint32_t> device_pending;          // under `mutex`: slots set since the last flushDeviceLocked
  bool graph_loaded = false;               // under `mutex`: `approximate` came from the saved graph
  uint64_t graph_changes = 0;              // under `mutex`: writes to `approximate` since it was saved
  // The background graph build (buildGraph). Slots set or removed while it
  // runs are recorded and reconciled before the graph goes live.
  std::thread graph_builder;
  bool graph_building = false;             // under `mutex`
  std::vector<uint32_t> graph_dirty;       // under `mutex`
  int bulk_writes = 0;                     // under `mutex`: open beginBulkWrites() calls
  std::atomic<bool> stopping{false};

  ~Impl() {
    stopping = true;
    if (graph_builder.joinable()) graph_builder.join();
    if (approximate && graph_changes > 0) saveGraphLocked();  // no other user is left
    saveLexicalIfStale();
  }

  // Saves the lexical index beside the store when the saved one no longer
  // matches the store (saved_lexical.h), so the next start restores it.
  // Only from a complete load with every write applied (no writer left: the
  // destructor), and only when this process is the store's sole writer.
  void saveLexicalIfStale() {
    if (!store || options.store_path.empty() || !store_loaded) return;
    const std::optional<IndexStore::Version> version = store->soleWriterVersion();
    const std::string path = savedLexicalPath(options.store_path);
    if (!version) {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);  // stale whatever it holds
      return;
    }
    if (lexical_saved_version && lexical_saved_version->id == version->id &&
        lexical_saved_version->generation == version->generation)
      return;
    std::vector<SavedLexicalSlot> slots(entries.size());
    for (const auto& [file_path, record] : files) {
      for (uint32_t ord = 0; ord < record.slots.size(); ++ord) {
        const uint32_t slot = record.slots[ord];
        const Entry& e = entries[slot];
        if (!e.live || !e.text_in_store) continue;  // a text the store lacks: left out, re-read next time
        slots[slot] = SavedLexicalSlot{true, StoredChunkKey{file_path, ord, e.indexed.content_hash}, e.text_hash};
      }
    }
    if (Status written = writeSavedLexical(path, *version, slots, lexical); !written.ok()) {
      std::fprintf(stderr, "codesearch: saving the lexical index failed (%s)\n", written.error().message.c_str());
      return;
    }
    lexical_saved_version = version;
  }

  // The stored vector of a live chunk whose embedding text hashes to
  // `content_hash`, or empty: vectors are reused for unchanged texts.
  std::vector<float> vectorForContentLocked(uint64_t content_hash) const {
    if (!vectors) return {};
    auto it = slot_by_hash.find(content_hash);
    return it == slot_by_hash.end() ? std::vector<float>{} : vectors->row(it->second);
  }

  std::string relativePath(const std::string& path) const { return std::string(relativeView(path)); }
  // The same, as a view into `path` (filters call it per candidate).
  std::string_view relativeView(std::string_view path) const {
    const std::string& root = options.workspace_root;
    if (!root.empty() && isPathStrictlyUnder(path, root)) return path.substr(root.size() + 1);
    return path;
  }

  // Where the store keeps the text of `slot` (an entry with text_in_store):
  // its file's row at the entry's position there.
  StoredChunkKey textKeyLocked(uint32_t slot) const {
    const Entry& e = entries[slot];
    StoredChunkKey key{e.indexed.chunk.path, 0, e.indexed.content_hash};
    if (auto file = files.find(key.path); file != files.end()) {
      const auto& slots = file->second.slots;
      key.ord = static_cast<uint32_t>(std::find(slots.begin(), slots.end(), slot) - slots.begin());
    }
    return key;
  }

  // The texts a result needs, collected under the lock and read from the
  // store after it (the store has a lock of its own; disk reads never hold
  // up writers).
  struct PendingTexts {
    std::vector<StoredChunkKey> keys;
    std::vector<Chunk*> targets;
    void addLocked(const Impl& impl, uint32_t slot, Chunk* target) {
      if (!impl.entries[slot].text_in_store) return;
      keys.push_back(impl.textKeyLocked(slot));
      targets.push_back(target);
    }
  };
  // The innermost chunk of `path` containing `line` (Index::chunkAt), its text not yet filled in.
  std::optional<std::pair<ChunkId, IndexedChunk>> chunkAtLocked(const std::string& path, uint32_t line) const;

  void fillTexts(const PendingTexts& pending) const {
    if (pending.keys.empty() || !store) return;
    std::vector<std::optional<std::string>> texts = store->chunkTexts(pending.keys);
    for (size_t i = 0; i < texts.size(); ++i)
      if (texts[i]) pending.targets[i]->text = std::move(*texts[i]);
  }

  // After a load or a bulk of writes: the lexical postings trimmed to their
  // size (a few thousand lists per exclusive hold, so writers and searches
  // wait milliseconds), and the heap's free pages (chunk texts read for the
  // lexical index and dropped) given back to the system.
  void compactMemory() {
    for (size_t next = 0; next != LexicalIndex::kCompacted;) {
      auto lock = lockForWrite();
      next = lexical.compact(next, 4096);
    }
    {
      auto lock = lockForWrite();
      for (size_t next = 0; next != LexicalIndex::kCompacted;) next = file_lexical.compact(next, SIZE_MAX / 2);
    }
#ifdef __GLIBC__
    malloc_trim(0);
#endif
  }

  // Takes `slot` (a live chunk) out of every structure.
  void removeSlotLocked(uint32_t slot) {
    Entry& e = entries[slot];
    if (!e.live) return;
    eraseFrom(definitions_by_key, e.rerank.name_identifier, slot);
    lexical.remove(slot);
    if (restoring_lexical) lexical_touched.push_back(slot);
    if (approximate) {
      approximate->removing(slot);
      ++graph_changes;
    }
    if (graph_building) graph_dirty.push_back(slot);
    if (device) device->removing(slot);
    if (vectors) vectors->remove(slot);
    auto h = slot_by_hash.find(e.indexed.content_hash);
    if (h != slot_by_hash.end() && h->second == slot) slot_by_hash.erase(h);
    e = Entry{};
    free_slots.push_back(slot);
    --live_chunks;
  }

  void removeFileLocked(const std::string& path) {
    auto it = files.find(path);
    if (it == files.end()) return;
    for (uint32_t slot : it->second.slots) removeSlotLocked(slot);
    file_lexical.remove(it->second.file_slot);
    path_of_file_slot[it->second.file_slot] = nullptr;
    free_file_slots.push_back(it->second.file_slot);
    if (auto stem = files_by_stem_key.find(it->second.stem_key); stem != files_by_stem_key.end()) {
      auto& paths = stem->second;
      paths.erase(std::remove(paths.begin(), paths.end(), path), paths.end());
      if (paths.empty()) files_by_stem_key.erase(stem);
    }
    files.erase(it);
  }

  template <typename Key, typename Value>
  static void eraseFrom(std::unordered_map<Key, std::vector<Value>>& map, const Key& key, const Value& value) {
    auto it = map.find(key);
    if (it == map.end()) return;
    auto& values = it->second;
    values.erase(std::remove(values.begin(), values.end(), value), values.end());
    if (values.empty()) map.erase(it);
  }

  // What the chunks of one file share: its path as seen from the workspace and the features that come from it.
  struct FileContext {
    std::string relative_path;
    bool test_path = false;
    std::shared_ptr<const std::vector<std::string>> path_stems;
    FileFeatures file;
  };

  FileContext fileContext(const std::string& path) {
    FileContext context;
    context.relative_path = relativePath(path);
    context.test_path = isTestPath(context.relative_path);
    context.path_stems = pathStems(context.relative_path, writer_stemmer);
    context.file = fileFeatures(context.relative_path, writer_stemmer);
    return context;
  }

  // Puts one chunk in a free slot of every structure; returns the slot.
  // `reservation`: the chunk's slot and its postings are restored already.
  uint32_t addChunkLocked(IndexedChunk ic, const FileContext& context, TextsAre texts,
                          const ReservedChunk* reservation = nullptr) {
    uint32_t slot;
    if (reservation) {
      slot = reservation->slot;
      reserved_open[slot] = 0;
    } else if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
    } else {
      slot = static_cast<uint32_t>(entries.size());
      entries.emplace_back();
    }
    Entry& e = entries[slot];
    e.id = makeId(next_id++, slot);
    e.live = true;
    e.rerank = rerankFeatures(ic.chunk, context.path_stems, context.test_path, writer_stemmer);
    applyFileFeatures(context.file, e.rerank);
    if (e.rerank.definition_rank > 0 && !e.rerank.name_identifier.empty())
      definitions_by_key[e.rerank.name_identifier].push_back(slot);
    if (!reservation) {
      lexical.add(slot, ic.chunk);
      if (restoring_lexical) lexical_touched.push_back(slot);
    }
    if (vectors && static_cast<int>(ic.vector.size()) == options.dim) {
      vectors->set(slot, ic.vector.data());
      if (approximate) {
        approximate->added(slot);
        ++graph_changes;
      }
      if (graph_building) graph_dirty.push_back(slot);
      if (device) device_pending.push_back(slot);
      slot_by_hash[ic.content_hash] = slot;
    }
    ic.vector.clear();
    ic.vector.shrink_to_fit();
    e.text_hash = reservation ? reservation->text_hash : std::hash<std::string>{}(ic.chunk.text);
    if (texts == TextsAre::kStored) {
      std::string().swap(ic.chunk.text);  // the lexical index has its words; results read it from the store
      e.text_in_store = true;
    }
    e.indexed = std::move(ic);
    ++live_chunks;
    return slot;
  }

  // `without_texts`: the chunks come from a load that restored the lexical
  // index and read no texts (their reserved slots have the postings).
  void addFileLocked(const std::string& path, const FileStamp& stamp, std::vector<IndexedChunk> chunks,
                     TextsAre texts, bool without_texts = false) {
    FileRecord record;
    record.stamp = stamp;
    const FileContext context = fileContext(path);
    record.stem_key = context.file.file_stem_key;
    if (!record.stem_key.empty()) files_by_stem_key[record.stem_key].push_back(path);
    const std::vector<ReservedChunk>* reservations = nullptr;
    if (auto it = reserved.find(path); it != reserved.end()) reservations = &it->second;
    for (size_t ord = 0; ord < chunks.size(); ++ord) {
      IndexedChunk& ic = chunks[ord];
      const ReservedChunk* reservation = nullptr;
      if (reservations && ord < reservations->size() && (*reservations)[ord].slot != kNoSlot &&
          (*reservations)[ord].content_hash == ic.content_hash && reserved_open[(*reservations)[ord].slot])
        reservation = &(*reservations)[ord];
      if (!reservation && without_texts) readMissingTextLocked(path, static_cast<uint32_t>(ord), ic);
      record.slots.push_back(addChunkLocked(std::move(ic), context, texts, reservation));
    }
    if (reservations) reserved.erase(path);
    addFileDocumentLocked(path, context.relative_path, context.file.file_id, record);
    auto stored = files.insert_or_assign(path, std::move(record)).first;
    path_of_file_slot[stored->second.file_slot] = &stored->first;
    maybeStartApproximateLocked();
  }

  // Whether `indexed` (a live entry) is `ic` but for where it lies: same text,
  // names, doc and vector, so its postings, vector and features stay right.
  bool sameChunkElsewhere(uint32_t slot, const IndexedChunk& ic) const {
    const Chunk& a = entries[slot].indexed.chunk;
    const Chunk& b = ic.chunk;
    const bool has_vector = vectors && vectors->contains(slot);
    const bool brings_vector = vectors && static_cast<int>(ic.vector.size()) == options.dim;
    if (has_vector != brings_vector) return false;
    if (brings_vector && !vectors->sameRow(slot, ic.vector.data()))
      return false;  // a caller's own vector for the same text (a test, a re-embedding) replaces the old one
    return entries[slot].indexed.content_hash == ic.content_hash &&
           a.part == b.part && a.kind == b.kind && a.language == b.language && a.name == b.name &&
           a.qualified_name == b.qualified_name && a.signature == b.signature && a.doc == b.doc &&
           entries[slot].text_hash == std::hash<std::string>{}(b.text) &&
           a.path == b.path;
  }

  // Replaces the chunks of a known file. A chunk equal to one the file has
  // but for its position (sameChunkElsewhere: the common case when an edit
  // changed one function) keeps its slot, id, postings and vector and only
  // moves; removing postings is what costs in a large index. The others leave
  // or join; the file's document is rebuilt only when it changes.
  void replaceFileLocked(FileRecord& record, const std::string& path, const FileStamp& stamp,
                         std::vector<IndexedChunk> chunks, TextsAre texts) {
    std::unordered_multimap<uint64_t, uint32_t> old_slots;  // by content hash
    for (uint32_t slot : record.slots) old_slots.emplace(entries[slot].indexed.content_hash, slot);
    std::vector<uint32_t> slots(chunks.size(), UINT32_MAX);
    for (size_t i = 0; i < chunks.size(); ++i) {
      auto [first, last] = old_slots.equal_range(chunks[i].content_hash);
      for (auto it = first; it != last; ++it) {
        if (!sameChunkElsewhere(it->second, chunks[i])) continue;
        slots[i] = it->second;
        Entry& kept = entries[it->second];
        if (kept.text_in_store && texts == TextsAre::kInMemory) {  // the store failed to take the new version
          kept.indexed.chunk.text = std::move(chunks[i].chunk.text);
          kept.text_in_store = false;
        }
        if (!kept.text_in_store && texts == TextsAre::kStored) {
          std::string().swap(kept.indexed.chunk.text);
          kept.text_in_store = true;
        }
        Chunk& moved = kept.indexed.chunk;
        moved.start_byte = chunks[i].chunk.start_byte;
        moved.end_byte = chunks[i].chunk.end_byte;
        moved.start = chunks[i].chunk.start;
        moved.end = chunks[i].chunk.end;
        old_slots.erase(it);
        break;
      }
    }
    for (const auto& [hash, slot] : old_slots) removeSlotLocked(slot);
    std::optional<FileContext> context;
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (slots[i] != UINT32_MAX) continue;
      if (!context) context = fileContext(path);
      slots[i] = addChunkLocked(std::move(chunks[i]), *context, texts);
    }
    record.stamp = stamp;
    record.slots = std::move(slots);
    updateFileDocumentLocked(path, record);
    maybeStartApproximateLocked();
  }

  // The file's document for file_lexical (its name, path, definition names and
  // type docs), choosing the chunk that stands for it in results on the way.
  Chunk fileDocumentLocked(const std::string& path, const std::string& relative_path, FileRecord& record) {
    Chunk document;
    document.path = path;
    const size_t slash = relative_path.rfind('/');
    document.name = relative_path.substr(slash == std::string::npos ? 0 : slash + 1);
    document.name = document.name.substr(0, document.name.find('.'));
    document.qualified_name = relative_path;
    size_t best_lines = 0;
    record.has_representative = false;
    for (uint32_t slot : record.slots) {
      const Chunk& c = entries[slot].indexed.chunk;
      if (document.text.size() < 8 * 1024) {
        document.text += c.name;
        document.text += ' ';
      }
      const bool type_like = entries[slot].rerank.definition_rank == 3;
      if (type_like && document.doc.size() < 2 * 1024) {
        document.doc += c.doc.substr(0, 512);
        document.doc += '\n';
      }
      const size_t lines = c.end.line - c.start.line + 1;
      const bool better = type_like ? (!record.has_representative || lines > best_lines ||
                                       entries[record.representative].rerank.definition_rank != 3)
                                    : (!record.has_representative && entries[slot].rerank.module);
      if (better) {
        record.representative = slot;
        record.has_representative = true;
        best_lines = type_like ? lines : 0;
      }
    }
    if (!record.has_representative && !record.slots.empty()) {
      record.representative = record.slots.front();
      record.has_representative = true;
    }
    return document;
  }

  static uint64_t documentHash(const Chunk& document) {
    const std::hash<std::string> hash;
    return hash(document.name) ^ (hash(document.qualified_name) * 31) ^ (hash(document.text) * 961) ^
           (hash(document.doc) * 29791);
  }

  void addFileDocumentLocked(const std::string& path, const std::string& relative_path, uint64_t file_id,
                             FileRecord& record) {
    if (!free_file_slots.empty()) {
      record.file_slot = free_file_slots.back();
      free_file_slots.pop_back();
    } else {
      record.file_slot = static_cast<uint32_t>(path_of_file_slot.size());
      path_of_file_slot.push_back(nullptr);
    }
    record.file_id = file_id;
    const Chunk document = fileDocumentLocked(path, relative_path, record);
    record.document_hash = documentHash(document);
    file_lexical.add(record.file_slot, document);
  }

  void updateFileDocumentLocked(const std::string& path, FileRecord& record) {
    const Chunk document = fileDocumentLocked(path, relativePath(path), record);
    const uint64_t hash = documentHash(document);
    if (hash == record.document_hash) return;
    record.document_hash = hash;
    file_lexical.add(record.file_slot, document);  // replaces the slot's old document
  }

  // File-level evidence: the best files for `query` by file_lexical, normalised
  // to [0, 1] by the best; each file's representative joins the candidates.
  template <typename Fused>
  std::unordered_map<uint64_t, double> fileEvidence(const std::string& query, size_t files_wanted,
                                                    const std::function<bool(uint32_t)>& allowed,
                                                    std::vector<Fused>& fused,
                                                    std::unordered_map<uint32_t, size_t>& position) const {
    std::unordered_map<uint64_t, double> evidence;
    if (query.empty() || files_wanted == 0) return evidence;
    std::vector<LexicalHit> hits = file_lexical.search(query, files_wanted, {});
    if (hits.empty() || hits.front().score <= 0) return evidence;
    const double best = hits.front().score;
    for (const LexicalHit& hit : hits) {
      const std::string* path = hit.slot < path_of_file_slot.size() ? path_of_file_slot[hit.slot] : nullptr;
      if (!path) continue;
      const FileRecord& record = files.at(*path);
      if (!record.has_representative || !allowed(record.representative)) continue;
      evidence[record.file_id] = hit.score / best;
      if (!position.count(record.representative)) {
        position[record.representative] = fused.size();
        Fused f;
        f.slot = record.representative;
        fused.push_back(f);
      }
    }
    return evidence;
  }

  // The warm start's lexical restore (Index::loadStored): the saved file
  // when it matches the store; its slots held back (false: the index is not
  // empty any more); and, once the load is done, the restored index swapped in.
  std::optional<SavedLexical> openSavedLexical();
  bool reserveSavedSlots(const SavedLexical& saved);
  void finishLexicalRestoreLocked(std::optional<LexicalIndex> restored);

  // Removed chunks' postings stay in the lists until purged: once they are a
  // tenth of all, each write purges a slice of the lists on its way out
  // (a few thousand lists: well under a millisecond).
  void purgeSliceLocked() {
    if (lexical.wantsPurge()) lexical.purgeStep(2048);
    if (file_lexical.wantsPurge()) file_lexical.purgeStep(2048);
  }

  // A chunk loaded without its text (the lexical index was restored) that
  // the restored postings do not cover after all: its text from the store.
  void readMissingTextLocked(const std::string& path, uint32_t ord, IndexedChunk& ic) {
    auto texts = store->chunkTexts({StoredChunkKey{path, ord, ic.content_hash}});
    if (!texts.empty() && texts.front()) ic.chunk.text = std::move(*texts.front());
  }

  // After the load: the held-back slots it did not fill (files changed or
  // gone meanwhile) lose their restored postings and become free.
  void releaseReservationsLocked() {
    for (uint32_t slot = 0; slot < reserved_open.size(); ++slot) {
      if (!reserved_open[slot]) continue;
      lexical.remove(slot);
      free_slots.push_back(slot);
    }
    reserved_open.clear();
    reserved_open.shrink_to_fit();
    reserved.clear();
  }

  // Adds the lexical documents of `slots` (live chunks) from their texts in the store.
  void addLexicalFromStoreLocked(const std::vector<uint32_t>& slots) {
    std::vector<StoredChunkKey> keys;
    std::vector<uint32_t> wanted;
    for (uint32_t slot : slots) {
      if (!entries[slot].live) continue;
      wanted.push_back(slot);
      keys.push_back(textKeyLocked(slot));
    }
    std::vector<std::optional<std::string>> texts = store ? store->chunkTexts(keys) : decltype(texts)(keys.size());
    for (size_t i = 0; i < wanted.size(); ++i) {
      Chunk chunk = entries[wanted[i]].indexed.chunk;
      if (texts[i]) chunk.text = std::move(*texts[i]);
      lexical.add(wanted[i], chunk);
    }
  }

  // The rows set since the last flush go to the device matrix in one copy.
  void flushDeviceLocked() {
    if (!device || device_pending.empty()) return;
    device->addedMany(device_pending, 1);
    device_pending.clear();
  }

  bool deviceSearches() const { return device && !device->failed(); }

  void maybeStartApproximateLocked() {
    if (approximate || graph_building || !vectors || vectors->size() < options.hnsw_threshold) return;
    if (deviceSearches()) return;          // the device searches every row exactly
    if (store && !store_loaded) return;  // built once the deferred load is done
    if (bulk_writes > 0) return;          // built once the bulk ends (endBulkWrites)
    if (!options.build_graph_in_background) {
      HnswVectorIndexOptions hnsw;
      hnsw.max_elements = std::max<size_t>(entries.size() * 2, 1024);
      approximate = makeHnswVectorIndex(*vectors, hnsw);
      ++graph_changes;
      std::vector<uint32_t> present;
      for (uint32_t slot = 0; slot < vectors->rows(); ++slot)
        if (vectors->contains(slot)) present.push_back(slot);
      approximate->addedMany(present, 1);
      return;
    }
    graph_building = true;
    if (graph_builder.joinable()) graph_builder.join();  // never: one build per index
    graph_builder = std::thread([this] { buildGraph(); });
  }

  // The background build: the saved graph when there is a usable one (its
  // elements renamed to this index's slots), else an empty graph; then
  // batches of the present slots it lacks, added in parallel under the read
  // lock (writers wait a batch at most, searches never); then, under the
  // write lock, the slots written meanwhile reconciled and the graph swapped
  // in, and saved when it differs from the saved one. Exceptions (bad_alloc)
  // leave exact search in charge.
  void buildGraph() {
    constexpr uint32_t kBatch = 256;  // a writer waits one batch at most (~20-60 ms on 2 cores)
    try {
      HnswVectorIndexOptions hnsw;
      uint32_t rows = 0;
      {
        std::shared_lock lock(mutex);
        rows = vectors->rows();
      }
      // Room for an eighth more before the graph grows (hnswlib allocates
      // every element's links and a mutex up front: twice the rows cost 160
      // bytes a chunk for nothing at a kernel-sized index).
      hnsw.max_elements = static_cast<size_t>(rows) + rows / 8 + 1024;
      std::unique_ptr<HnswVectorIndex> graph = loadSavedGraph(hnsw);
      const bool loaded = graph != nullptr;
      if (!graph) graph = makeHnswVectorIndex(*vectors, hnsw);
      bool changed = !loaded;
      for (uint32_t begin = 0; begin < rows && !stopping; begin += kBatch) {
        auto lock = lockForGraphBatch();
        std::vector<uint32_t> missing;
        for (uint32_t slot = begin; slot < std::min(rows, begin + kBatch); ++slot)
          if (vectors->contains(slot) && !graph->holds(slot)) missing.push_back(slot);
        if (missing.empty()) continue;
        changed = true;
        graph->addedMany(missing, std::max(1, options.graph_build_threads));
      }
      {
        std::unique_lock lock(mutex);
        graph_building = false;
        if (stopping) return;
        std::sort(graph_dirty.begin(), graph_dirty.end());
        graph_dirty.erase(std::unique(graph_dirty.begin(), graph_dirty.end()), graph_dirty.end());
        for (uint32_t slot : graph_dirty) {
          if (vectors->contains(slot)) graph->added(slot);
          else graph->removing(slot);
        }
        changed |= !graph_dirty.empty();
        graph_dirty.clear();
        approximate = std::move(graph);
        graph_loaded = loaded;
        graph_changes = changed ? 1 : 0;
      }
      if (changed) {
        std::shared_lock lock(mutex);
        saveGraphLocked();
      }
    } catch (const std::exception& e) {
      std::unique_lock lock(mutex);
      graph_building = false;
      graph_dirty.clear();
      std::fprintf(stderr, "codesearch: building the approximate-search graph failed (%s); exact search stays\n", e.what());
    }
  }

  // The saved graph (saved_graph.h), its elements renamed to this index's
  // slots by their chunks' keys, or nullptr: no store, no files, another
  // model or shape, files that do not match, or a graph mostly of chunks
  // that are gone (then a fresh build is better). Reads the files unlocked;
  // renames under the read lock.
  std::unique_ptr<HnswVectorIndex> loadSavedGraph(const HnswVectorIndexOptions& hnsw) {
    if (!store || options.store_path.empty()) return nullptr;
    const SavedGraphPaths paths = savedGraphPaths(options.store_path);
    auto keys = readSavedGraphKeys(paths.keys);
    if (!keys.ok()) return nullptr;
    if (keys->model_id != options.model_id || keys->dim != options.dim || keys->m != hnsw.m) return nullptr;
    std::error_code error;
    if (std::filesystem::file_size(paths.graph, error) != keys->graph_bytes || error) return nullptr;
    auto checksum = fileChecksum(paths.graph);
    if (!checksum.ok() || *checksum != keys->graph_checksum) return nullptr;
    auto graph = loadHnswVectorIndex(*vectors, hnsw, paths.graph);
    if (!graph.ok()) {
      std::fprintf(stderr, "codesearch: %s; building the graph anew\n", graph.error().message.c_str());
      return nullptr;
    }
    std::vector<const StoredChunkKey*> by_saved_slot;
    for (const auto& e : keys->elements) {
      if (e.slot >= by_saved_slot.size()) by_saved_slot.resize(static_cast<size_t>(e.slot) + 1, nullptr);
      by_saved_slot[e.slot] = &e.chunk;
    }
    std::unique_ptr<HnswVectorIndex> relabelled = std::move(graph).value();
    std::shared_lock lock(mutex);
    const size_t kept = relabelled->relabel([&](uint32_t saved) -> std::optional<uint32_t> {
      const StoredChunkKey* key = saved < by_saved_slot.size() ? by_saved_slot[saved] : nullptr;
      if (!key) return std::nullopt;
      auto file = files.find(key->path);
      if (file == files.end() || key->ord >= file->second.slots.size()) return std::nullopt;
      const uint32_t slot = file->second.slots[key->ord];
      if (!entries[slot].live || entries[slot].indexed.content_hash != key->content_hash || !vectors->contains(slot))
        return std::nullopt;
      return slot;
    });
    if (kept * 5 < keys->elements.size() * 4) return nullptr;  // under 80% still there
    return relabelled;
  }

  // Saves `approximate` and the keys of its slots beside the store. Under
  // (at least) the read lock; failures are reported, never fatal.
  void saveGraphLocked() {
    if (!store || options.store_path.empty() || !approximate) return;
    const SavedGraphPaths paths = savedGraphPaths(options.store_path);
    SavedGraphKeys keys;
    keys.model_id = options.model_id;
    keys.dim = options.dim;
    keys.m = HnswVectorIndexOptions{}.m;
    for (const auto& [path, record] : files) {
      for (uint32_t ord = 0; ord < record.slots.size(); ++ord) {
        const uint32_t slot = record.slots[ord];
        if (approximate->holds(slot))
          keys.elements.push_back({slot, StoredChunkKey{path, ord, entries[slot].indexed.content_hash}});
      }
    }
    auto bytes = approximate->save(paths.graph);
    auto checksum = bytes.ok() ? fileChecksum(paths.graph) : Result<uint64_t>(bytes.error());
    Status written = checksum.ok() ? Status{} : Status(checksum.error());
    if (written.ok()) {
      keys.graph_bytes = *bytes;
      keys.graph_checksum = *checksum;
      written = writeSavedGraphKeys(paths.keys, keys);
    }
    if (!written.ok()) {
      std::fprintf(stderr, "codesearch: saving the approximate-search graph failed (%s)\n", written.error().message.c_str());
      return;
    }
    graph_changes = 0;
  }

  // A symbol query's definitions (and the chunks of files named after it) join
  // the candidates even when neither retriever found them; they enter with no
  // retriever score and rise by the definition stage alone.
  template <typename Fused>
  void addDefinitionCandidates(const RerankContext& context, const std::function<bool(uint32_t)>& allowed,
                               std::vector<Fused>& fused, std::unordered_map<uint32_t, size_t>& position) const {
    const QueryShape& shape = context.shape;
    std::vector<std::string> keys;
    if (shape.symbol) keys.push_back(shape.symbol_key);
    for (const auto& s : shape.embedded_symbols) keys.push_back(identifierKey(s));
    auto add = [&](uint32_t slot) {
      if (position.count(slot) || !allowed(slot)) return;
      position[slot] = fused.size();
      Fused f;
      f.slot = slot;
      fused.push_back(f);
    };
    for (const auto& key : keys) {
      if (auto it = definitions_by_key.find(key); it != definitions_by_key.end()) {
        for (size_t i = 0; i < it->second.size() && i < kMaxDefinitionCandidates; ++i) add(it->second[i]);
      }
    }
    if (!shape.symbol) return;
    if (auto it = files_by_stem_key.find(shape.symbol_key); it != files_by_stem_key.end()) {
      for (const auto& path : it->second) {
        if (auto file = files.find(path); file != files.end()) {
          for (uint32_t slot : file->second.slots) add(slot);
        }
      }
    }
  }

  bool passesFilters(uint32_t slot, const SearchFilters& filters, const std::unordered_set<ChunkId>& excluded) const {
    const Entry& e = entries[slot];
    if (!e.live) return false;
    if (!excluded.empty() && excluded.count(e.id)) return false;
    const Chunk& c = e.indexed.chunk;
    if (!filters.languages.empty() &&
        std::find(filters.languages.begin(), filters.languages.end(), c.language) == filters.languages.end()) {
      // "typescript" also selects TSX files.
      if (!(c.language == "tsx" && std::find(filters.languages.begin(), filters.languages.end(), "typescript") !=
                                       filters.languages.end()))
        return false;
    }
    if (!filters.kinds.empty() && std::find(filters.kinds.begin(), filters.kinds.end(), c.kind) == filters.kinds.end())
      return false;
    if (filters.exclude_tests && (e.rerank.test_path || c.name.rfind("test", 0) == 0 || c.name.rfind("Test", 0) == 0))
      return false;
    if (!filters.path_globs.empty()) {
      bool any = false;
      for (const auto& glob : filters.path_globs) {
        if (!glob.empty() && glob[0] == '/' ? globMatches(glob, c.path) : globMatches(glob, relativeView(c.path))) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    for (const auto& glob : filters.exclude_path_globs) {
      if (!glob.empty() && glob[0] == '/' ? globMatches(glob, c.path) : globMatches(glob, relativeView(c.path))) return false;
    }
    return true;
  }
};

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::open(const IndexOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (options.dim > 0) {
    impl->vectors = std::make_unique<VectorStore>(options.dim);
    impl->exact = makeExactVectorIndex(*impl->vectors);
    if (!options.vector_device.empty()) {
      auto device = makeDeviceVectorIndex(*impl->vectors, DeviceVectorIndexOptions{options.vector_device});
      if (!device.ok()) return device.error();
      impl->device = std::move(device.value());
    }
  }
  if (!options.store_path.empty()) {
    auto store = IndexStore::open(options.store_path, options.model_id, options.dim);
    if (!store.ok()) return store.error();
    impl->store = std::move(store.value());
  }
  auto index = std::unique_ptr<Index>(new Index(std::move(impl)));
  if (!options.defer_load) {
    if (Status loaded = index->loadStored(); !loaded.ok()) return loaded.error();
  }
  return index;
}

// Files per batch: large enough that SQLite reads sequentially, small enough
// that a batch holds the write lock for a few milliseconds.
constexpr size_t kLoadBatchFiles = 256;

// The saved lexical index when it matches the store exactly (its version),
// read and checked; nullopt otherwise (then the texts are read).
std::optional<SavedLexical> Index::Impl::openSavedLexical() {
  if (options.store_path.empty()) return std::nullopt;
  const std::optional<IndexStore::Version> version = store->soleWriterVersion();
  if (!version) return std::nullopt;
  const std::string path = savedLexicalPath(options.store_path);
  if (!std::filesystem::exists(path)) return std::nullopt;
  auto saved = SavedLexical::read(path);
  if (!saved.ok()) {
    std::fprintf(stderr, "codesearch: %s; reading the chunk texts instead\n", saved.error().message.c_str());
    return std::nullopt;
  }
  if (saved->version().id != version->id || saved->version().generation != version->generation) return std::nullopt;
  return std::move(saved).value();
}

// Holds back the slots the saved postings name, for the load to fill
// (Impl::reserved), while nothing is in memory yet.
bool Index::Impl::reserveSavedSlots(const SavedLexical& saved) {
  std::unique_lock lock(mutex);
  if (!entries.empty() || lexical.documents() > 0) return false;  // a writer came first: slots are taken
  const auto& slots = saved.slots();
  entries.resize(slots.size());
  reserved_open.assign(slots.size(), 0);
  for (uint32_t slot = 0; slot < slots.size(); ++slot) {
    if (!slots[slot].used) {
      free_slots.push_back(slot);
      continue;
    }
    auto& by_ord = reserved[slots[slot].chunk.path];
    const uint32_t ord = slots[slot].chunk.ord;
    if (by_ord.size() <= ord) by_ord.resize(ord + 1);  // an ord between: slot kNoSlot, never matched
    by_ord[ord] = ReservedChunk{slot, slots[slot].chunk.content_hash, slots[slot].text_hash};
    reserved_open[slot] = 1;
  }
  restoring_lexical = true;
  lexical_saved_version = saved.version();
  slot_by_hash.reserve(slots.size());  // grown once, not rehashed all through the load
  return true;
}

// The restored index replaces the live one, which held only what writers
// added during the load: those slots, and the ones they removed, are redone
// on it; then the held-back slots the load did not fill are released.
// Without a restored index (the restore failed), every loaded chunk's
// document is added from its text instead.
void Index::Impl::finishLexicalRestoreLocked(std::optional<LexicalIndex> restored) {
  restoring_lexical = false;
  std::vector<uint32_t> redo;
  if (restored) {
    std::swap(lexical, *restored);
    std::sort(lexical_touched.begin(), lexical_touched.end());
    lexical_touched.erase(std::unique(lexical_touched.begin(), lexical_touched.end()), lexical_touched.end());
    for (uint32_t slot : lexical_touched) lexical.remove(slot);
    redo = std::move(lexical_touched);
    lexical_restored = true;
  } else {
    for (uint32_t slot = 0; slot < entries.size(); ++slot)
      if (entries[slot].live && lexical.documentLength(slot) == 0) redo.push_back(slot);
    lexical_saved_version.reset();
  }
  lexical_touched.clear();
  addLexicalFromStoreLocked(redo);
  releaseReservationsLocked();
}

Status Index::loadStored(const std::function<bool(const LoadProgress&)>& progress) {
  {
    std::unique_lock lock(impl_->mutex);
    if (!impl_->store || impl_->store_loaded) return {};
  }
  auto files = impl_->store->storedFiles();
  if (!files.ok()) return files.error();
  const size_t total = files->size();
  {
    std::unique_lock lock(impl_->mutex);
    impl_->load_progress = LoadProgress{0, total, false};
  }
  // With the lexical index restored, no chunk text is read; else the texts
  // are read once, for the lexical index, and then stay on disk.
  using Clock = std::chrono::steady_clock;
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const auto started = Clock::now();
  std::optional<SavedLexical> saved = impl_->openSavedLexical();
  const bool restored = saved && impl_->reserveSavedSlots(*saved);
  // The postings are rebuilt on a helper thread while the chunks load.
  std::optional<LexicalIndex> restored_lexical;
  std::thread restorer;
  Clock::duration restoring{};
  if (restored) {
    restorer = std::thread([&] {
      const auto start = Clock::now();
      try {
        LexicalIndex lexical;
        saved->restoreInto(lexical);
        restored_lexical.emplace(std::move(lexical));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "codesearch: restoring the lexical index failed (%s); reading the chunk texts\n", e.what());
      }
      saved.reset();
      restoring = Clock::now() - start;
    });
  }
  // Joined on every way out; a load that stops early leaves the restored index unused.
  struct JoinOnExit {
    std::thread& thread;
    ~JoinOnExit() {
      if (thread.joinable()) thread.join();
    }
  } join_restorer{restorer};
  const auto restore_done = Clock::now();
  Clock::duration waiting{}, applying{};
  bool stopped = false;
  StoreReadAhead reader(*impl_->store, std::move(files).value(), kLoadBatchFiles, /*texts=*/!restored);
  for (;;) {
    const auto wait_start = Clock::now();
    auto next = reader.next();
    if (!next.ok()) return next.error();
    if (!next->has_value()) break;
    StoreReadAhead::Batch& batch = **next;
    const auto apply_start = Clock::now();
    waiting += apply_start - wait_start;
    LoadProgress now;
    {
      auto lock = impl_->lockForWrite();
      for (StoredFile& file : batch.files) {
        if (impl_->changed_while_loading.count(file.path) || impl_->files.count(file.path)) continue;
        impl_->addFileLocked(file.path, file.stamp, std::move(file.chunks), TextsAre::kStored, restored);
      }
      impl_->flushDeviceLocked();
      impl_->load_progress.files_loaded = batch.end;
      now = impl_->load_progress;
    }
    applying += Clock::now() - apply_start;
    if (progress && batch.end < total && !progress(now)) {
      stopped = true;
      break;
    }
  }
  if (restorer.joinable()) restorer.join();
  if (stopped) {  // what is loaded keeps its postings; a later call reads the rest with their texts
    if (restored) {
      auto lock = impl_->lockForWrite();
      impl_->finishLexicalRestoreLocked(std::move(restored_lexical));
    }
    return {};
  }
  LoadProgress finished;
  {
    auto lock = impl_->lockForWrite();
    if (restored) impl_->finishLexicalRestoreLocked(std::move(restored_lexical));
    impl_->store_loaded = true;
    impl_->changed_while_loading.clear();
    impl_->load_progress = LoadProgress{total, total, true};
    impl_->maybeStartApproximateLocked();
    finished = impl_->load_progress;
  }
  const auto compact_start = Clock::now();
  impl_->compactMemory();
  std::fprintf(stderr,
               "codesearch: loaded %zu files from the store in %.1f s (lexical index %s %.1f s, beside the load; indexing %.1f s, "
               "waiting for the store %.1f s; compacting %.1f s)\n",
               total, seconds(Clock::now() - started), restored ? "restored in" : "not saved:",
               seconds(restore_done - started + restoring),
               seconds(applying), seconds(waiting), seconds(Clock::now() - compact_start));
  if (progress) progress(finished);
  return {};
}

LoadProgress Index::loadProgress() const {
  std::shared_lock lock(impl_->mutex);
  if (!impl_->store || impl_->store_loaded) return LoadProgress{impl_->load_progress.files_total, impl_->load_progress.files_total, true};
  return impl_->load_progress;
}

Status Index::replaceFile(const std::string& path, const FileStamp& stamp, std::vector<IndexedChunk> chunks) {
  // Known vectors for unchanged texts, so callers may omit them.
  {
    std::shared_lock lock(impl_->mutex);
    for (IndexedChunk& ic : chunks) {
      if (!ic.vector.empty()) continue;
      ic.vector = impl_->vectorForContentLocked(ic.content_hash);
    }
  }
  Status stored;
  if (impl_->store) stored = impl_->store->replaceFile(path, stamp, chunks);  // disk first, outside the lock
  const TextsAre texts = impl_->store && stored.ok() ? TextsAre::kStored : TextsAre::kInMemory;
  auto lock = impl_->lockForWrite();
  if (impl_->store && !impl_->store_loaded) impl_->changed_while_loading.insert(path);
  if (auto it = impl_->files.find(path); it != impl_->files.end()) {
    impl_->replaceFileLocked(it->second, path, stamp, std::move(chunks), texts);
  } else {
    impl_->addFileLocked(path, stamp, std::move(chunks), texts);
  }
  impl_->flushDeviceLocked();
  impl_->purgeSliceLocked();
  return stored.ok() ? Status{} : stored.error().withContext("persisting " + path + " (kept in memory)");
}

Status Index::removeFile(const std::string& path) {
  Status stored;
  if (impl_->store) stored = impl_->store->removeFile(path);
  auto lock = impl_->lockForWrite();
  if (impl_->store && !impl_->store_loaded) impl_->changed_while_loading.insert(path);
  impl_->removeFileLocked(path);
  impl_->purgeSliceLocked();
  return stored;
}

void Index::beginBulkWrites() {
  std::unique_lock lock(impl_->mutex);
  ++impl_->bulk_writes;
}

void Index::endBulkWrites() {
  bool ended = false;
  {
    std::unique_lock lock(impl_->mutex);
    if (impl_->bulk_writes > 0) ended = --impl_->bulk_writes == 0;
    impl_->maybeStartApproximateLocked();
  }
  if (ended) impl_->compactMemory();
}

std::optional<std::vector<float>> Index::cachedVector(uint64_t content_hash) const {
  std::shared_lock lock(impl_->mutex);
  std::vector<float> v = impl_->vectorForContentLocked(content_hash);
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<FileStamp> Index::fileStamp(const std::string& path) const {
  std::shared_lock lock(impl_->mutex);
  auto it = impl_->files.find(path);
  if (it == impl_->files.end()) return std::nullopt;
  return it->second.stamp;
}

std::vector<std::string> Index::files() const {
  std::shared_lock lock(impl_->mutex);
  std::vector<std::string> out;
  out.reserve(impl_->files.size());
  for (const auto& [path, record] : impl_->files) out.push_back(path);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Chunk> Index::chunksOf(const std::string& path) const {
  std::vector<Chunk> out;
  Impl::PendingTexts texts;
  {
    std::shared_lock lock(impl_->mutex);
    auto it = impl_->files.find(path);
    if (it == impl_->files.end()) return out;
    out.reserve(it->second.slots.size());
    for (uint32_t slot : it->second.slots) {
      out.push_back(impl_->entries[slot].indexed.chunk);
      texts.addLocked(*impl_, slot, &out.back());
    }
  }
  impl_->fillTexts(texts);
  return out;
}

std::optional<std::pair<ChunkId, IndexedChunk>> Index::chunkAt(const std::string& path, uint32_t line) const {
  std::shared_lock lock(impl_->mutex);
  auto found = impl_->chunkAtLocked(path, line);
  if (!found) return found;
  Impl::PendingTexts texts;
  texts.addLocked(*impl_, Impl::slotOf(found->first), &found->second.chunk);
  lock.unlock();
  impl_->fillTexts(texts);
  return found;
}

std::optional<std::pair<ChunkId, IndexedChunk>> Index::Impl::chunkAtLocked(const std::string& path,
                                                                          uint32_t line) const {
  auto it = files.find(path);
  if (it == files.end()) return std::nullopt;
  const Entry* best = nullptr;
  const Entry* module = nullptr;
  for (uint32_t slot : it->second.slots) {
    const Entry& e = entries[slot];
    const Chunk& c = e.indexed.chunk;
    if (c.kind == "module") {
      module = &e;
      continue;
    }
    if (c.part > 0) continue;  // windows: the definition they belong to is the answer
    if (line < c.start.line || line > c.end.line) continue;
    auto span = [](const Chunk& k) { return std::make_pair(k.end.line - k.start.line, k.end_byte - k.start_byte); };
    if (!best || span(c) < span(best->indexed.chunk)) best = &e;
  }
  if (!best) best = module;
  if (!best) return std::nullopt;
  IndexedChunk copy = best->indexed;
  const uint32_t slot = slotOf(best->id);
  if (vectors) copy.vector = vectors->row(slot);
  return std::make_pair(best->id, std::move(copy));
}

IndexStats Index::stats() const {
  std::shared_lock lock(impl_->mutex);
  IndexStats stats;
  stats.files = impl_->files.size();
  stats.chunks = impl_->live_chunks;
  stats.chunks_with_vectors = impl_->vectors ? impl_->vectors->size() : 0;
  stats.approximate_search = impl_->approximate != nullptr;
  stats.graph_loaded = impl_->approximate != nullptr && impl_->graph_loaded;
  stats.bulk_writes = impl_->bulk_writes > 0;
  stats.lexical_restored = impl_->lexical_restored;
  if (impl_->deviceSearches()) {
    stats.vector_device = impl_->device->device();
    stats.vector_device_bytes = impl_->device->deviceBytes();
  }
  return stats;
}

// Each retriever returns this many candidates (or `limit`, if larger) before
// fusion. A fixed pool keeps the min-max normalisation, and so the ranking, the
// same whatever the caller's limit: the evaluation (limit 100) then measures
// what an editor (limit 20) gets. Dev NL NDCG@10: pool 100 0.571, 300 0.578,
// 500 0.577, 1000 0.574 (cs-nbow-6d877dc0fbf8).
constexpr size_t kCandidatePool = 300;

// From this many chunks on, the two retrievers run in parallel (below it a
// thread costs more than it saves).
constexpr size_t kParallelRetrievalChunks = 20000;

namespace {

// Code queries ("find similar"): normalised scores, dense 1 : lexical 0.5.
// The dense signal is the stronger one there (validation code-to-code MRR:
// score 1 : 0.5 0.860, score 1 : 1 0.853, RRF 1 : 1 0.830, dense only 0.833).
constexpr FusionOptions kCodeQueryFusion{FusionMethod::kScore, 60, 1.0, 0.5};

}  // namespace

// The stages of Index::search, over one consistent view (the caller holds the shared lock).
struct Index::SearchPass {
  const Impl& impl;
  const SearchRequest& request;
  size_t limit = 0;
  std::unordered_set<ChunkId> excluded;
  bool filtering = false;
  std::function<bool(uint32_t)> allowed;
  WordStemmer stemmer;  // the query's words only: candidates' stems were computed when they were added
  RerankContext context;
  std::vector<FusedCandidate> fused;
  std::unordered_map<uint32_t, size_t> position;  // slot -> index in `fused`

  SearchPass(const Impl& impl, const SearchRequest& request) : impl(impl), request(request) {
    limit = static_cast<size_t>(std::max(request.limit, 1));
    excluded.insert(request.exclude_ids.begin(), request.exclude_ids.end());
    const SearchFilters& filters = request.filters;
    filtering = !filters.languages.empty() || !filters.kinds.empty() || !filters.path_globs.empty() ||
                !filters.exclude_path_globs.empty() || filters.exclude_tests || !excluded.empty();
    allowed = [this](uint32_t slot) {
      return filtering ? this->impl.passesFilters(slot, this->request.filters, excluded)
                       : this->impl.entries[slot].live;
    };
    context = makeRerankContext(request.query, request.code_query, stemmer);
  }

  Status validate() const {
    const bool want_dense = request.mode != SearchMode::kLexical;
    if (want_dense && !request.query_vector.empty() &&
        (!impl.vectors || static_cast<int>(request.query_vector.size()) != impl.options.dim)) {
      return makeError("query vector has dimension " + std::to_string(request.query_vector.size()) +
                       " but the index holds " + std::to_string(impl.options.dim));
    }
    if (request.mode == SearchMode::kSemantic && request.query_vector.empty()) {
      return makeError("semantic search needs a query vector (no model loaded)");
    }
    return {};
  }

  // Both retrievers, filters applied inside each before its cut. Without
  // filters they get none: neither holds a removed chunk, and a filter makes
  // the graph over-fetch eightfold. When both run, the lexical one runs on a
  // helper thread beside the dense one (each is about a third of a query at
  // a kernel-sized index); the caller's shared lock covers both, since this
  // waits for the helper before it returns.
  RetrievedLists retrieve() const {
    const size_t pool = std::max<size_t>(limit, kCandidatePool);
    const std::function<bool(uint32_t)> no_filter;
    const auto& filter = filtering ? allowed : no_filter;
    const bool dense = request.mode != SearchMode::kLexical && !request.query_vector.empty();
    const bool lexical = request.mode != SearchMode::kSemantic && !request.query.empty();
    auto searchLexical = [&] { return impl.lexical.search(request.query, pool, filter); };
    RetrievedLists lists;
    std::future<std::vector<LexicalHit>> lexical_hits;
    if (lexical && dense && impl.live_chunks >= kParallelRetrievalChunks) {
      try {
        lexical_hits = std::async(std::launch::async, searchLexical);
      } catch (const std::system_error&) {
        // no thread to be had: the lexical search runs here, after the dense one
      }
    }
    if (dense) {
      const VectorIndex* index = impl.deviceSearches()                  ? impl.device.get()
                                 : impl.approximate && !filtering ? impl.approximate.get()
                                                                  : impl.exact.get();
      lists.dense = index->search(request.query_vector.data(), pool, filter);
    }
    if (lexical_hits.valid()) lists.lexical = lexical_hits.get();
    else if (lexical) lists.lexical = searchLexical();
    return lists;
  }

  FusionOptions fusionOptions() const {
    FusionOptions fusion = request.code_query ? kCodeQueryFusion : impl.options.fusion;
    if (context.shape.symbol && impl.options.shaping.symbol_fusion) fusion = *impl.options.shaping.symbol_fusion;
    else if (!request.code_query && impl.options.shaping.text_fusion) fusion = *impl.options.shaping.text_fusion;
    if (request.fusion) fusion = *request.fusion;
    return fusion;
  }

  // The fused lists plus the candidates no retriever found: a symbol query's
  // definitions and the representative chunks of the files a sentence is about.
  std::unordered_map<uint64_t, double> gatherCandidates(const RetrievedLists& lists) {
    fused = fuseRetrievedLists(lists, request.mode, fusionOptions());
    for (size_t i = 0; i < fused.size(); ++i) position[fused[i].slot] = i;
    impl.addDefinitionCandidates(context, allowed, fused, position);
    const ShapingOptions& shaping = impl.options.shaping;
    if (request.code_query || context.shape.symbol || shaping.file_evidence_boost <= 0) return {};  // a name has its own index
    return impl.fileEvidence(request.query, shaping.file_evidence_files, allowed, fused, position);
  }

  // Rerank multipliers, then (text queries) the result-shaping stages of ranking.h.
  std::vector<ShapedCandidate> shape(const std::unordered_map<uint64_t, double>& file_evidence) const {
    std::vector<ShapedCandidate> shaped;
    shaped.reserve(fused.size());
    for (const FusedCandidate& f : fused) {
      const Impl::Entry& e = impl.entries[f.slot];
      const double multiplier = rerankMultiplier(context, e.rerank);
      shaped.push_back({f.slot, f.score >= 0 ? f.score * multiplier : f.score / multiplier, &e.indexed.chunk, &e.rerank});
    }
    if (request.code_query) return shaped;
    const ShapingOptions& shaping = impl.options.shaping;
    boostDefinitions(shaped, context, shaping);
    boostFileEvidence(shaped, file_evidence, shaping);
    boostFileNames(shaped, context, shaping);
    boostFileCoherence(shaped, shaping);
    applyPathPriors(shaped, context, shaping);
    return shaped;
  }

  // Best first; duplicate code collapses to its best-ranked copy; then the
  // top `limit` (file-diverse for text queries).
  std::vector<ShapedCandidate> cut(std::vector<ShapedCandidate> shaped) const {
    std::sort(shaped.begin(), shaped.end(), [](const ShapedCandidate& a, const ShapedCandidate& b) {
      return a.score != b.score ? a.score > b.score : a.slot < b.slot;
    });
    std::unordered_set<uint64_t> seen_hashes;
    shaped.erase(std::remove_if(shaped.begin(), shaped.end(),
                                [&](const ShapedCandidate& c) {
                                  return !seen_hashes.insert(impl.entries[c.slot].indexed.content_hash).second;
                                }),
                 shaped.end());
    if (!request.code_query) return diverseTopK(std::move(shaped), limit, impl.options.shaping);
    if (shaped.size() > limit) shaped.resize(limit);
    return shaped;
  }

  // The results, their texts still in `texts` where the store keeps them.
  std::vector<SearchHit> toHits(const std::vector<ShapedCandidate>& shaped, Impl::PendingTexts& texts) const {
    std::vector<SearchHit> hits;
    hits.reserve(shaped.size());
    for (const ShapedCandidate& c : shaped) {
      const Impl::Entry& e = impl.entries[c.slot];
      const FusedCandidate& f = fused[position.at(c.slot)];
      SearchHit hit;
      hit.id = e.id;
      hit.chunk = e.indexed.chunk;
      hit.score = c.score;
      hit.dense = f.dense;
      hit.lexical = f.lexical;
      hits.push_back(std::move(hit));
      texts.addLocked(impl, c.slot, &hits.back().chunk);
    }
    return hits;
  }
};

// Stages: check the request, retrieve (dense and lexical, filters inside),
// fuse and add the candidates no retriever found, multiply by the rerank
// signals and shape (definitions, file evidence, file names, file coherence,
// path priors), then a file-diverse top-k without duplicate code.
Result<std::vector<SearchHit>> Index::search(const SearchRequest& request) const {
  std::shared_lock lock(impl_->mutex);
  SearchPass pass(*impl_, request);
  if (Status valid = pass.validate(); !valid.ok()) return valid.error();
  auto cancelled = [&] { return request.cancelled && request.cancelled->load(std::memory_order_relaxed); };
  auto stop = [] { return makeError("search cancelled", ECANCELED); };
  if (cancelled()) return stop();
  const RetrievedLists lists = pass.retrieve();
  if (cancelled()) return stop();
  const auto file_evidence = pass.gatherCandidates(lists);
  if (cancelled()) return stop();
  Impl::PendingTexts texts;
  std::vector<SearchHit> hits = pass.toHits(pass.cut(pass.shape(file_evidence)), texts);
  lock.unlock();
  impl_->fillTexts(texts);
  return hits;
}

}  // namespace cs
