// IndexStore: SQLite persistence of an index (files with their stamps, chunks,
// embedding vectors in fp16, chunk texts in a column of their own) so a
// restart re-reads only what changed, and the index can leave chunk texts on
// disk and read the few it shows (chunkTexts). The file carries a magic
// value, a format version and the model id; see INDEX_FORMAT.md.
//
// Thread-safety: all methods are serialised by an internal mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "indexer/index.h"
#include "support/result.h"

struct sqlite3;

namespace cs {

struct StoredFile {
  std::string path;
  FileStamp stamp;
  std::vector<IndexedChunk> chunks;
};

// A chunk's row in the store: the file's chunk at `ord`, with this content hash.
struct StoredChunkKey {
  std::string path;
  uint32_t ord = 0;
  uint64_t content_hash = 0;
};

class IndexStore {
 public:
  // 2: chunk JSON may carry "part"; extraction changed (windows, C++ macros, type kind).
  // 3: vectors in fp16; the chunk's text in its own column, out of the JSON.
  static constexpr int kFormatVersion = 3;

  // Opens or creates the store. A store with another magic or format version is
  // wiped and recreated; one with another model id (or dimension) keeps its
  // chunks and loses its vectors.
  static Result<std::unique_ptr<IndexStore>> open(const std::string& path, const std::string& model_id, int dim);
  ~IndexStore();

  Result<std::vector<StoredFile>> loadAll();
  // The stored files (path and stamp, no chunks), sorted by path: cheap, so a
  // loader can report progress and read the chunks in batches.
  Result<std::vector<StoredFile>> storedFiles();
  // The chunks of stored files [first, last] (paths, inclusive, in path
  // order) appended to their entries of `files` (as storedFiles gave them,
  // matched by path). The mutex is held for this batch only, so writers are
  // never kept waiting for a whole load.
  // Without `texts` the chunks come without their texts (a loader that has
  // the lexical index saved needs none; SQLite then skips the text pages).
  Status loadChunks(const std::string& first, const std::string& last, std::vector<StoredFile>& files,
                    bool texts = true);
  // The text of each key's chunk: the row at (path, ord) if it still has that
  // content hash, else the file's first row with it; nullopt when the file no
  // longer has such a chunk.
  std::vector<std::optional<std::string>> chunkTexts(const std::vector<StoredChunkKey>& keys);
  Status replaceFile(const std::string& path, const FileStamp& stamp, const std::vector<IndexedChunk>& chunks);
  Status removeFile(const std::string& path);

  // The store's identity (random, made with the store) and write generation
  // (counted up by every replaceFile and removeFile), when every write since
  // this store was opened came through it: then an in-memory copy that has
  // applied them all (the lexical snapshot, saved_lexical.h) matches the
  // store exactly. nullopt when another process has written to the file.
  struct Version {
    uint64_t id = 0;
    uint64_t generation = 0;
  };
  std::optional<Version> soleWriterVersion();

 private:
  IndexStore() = default;
  Status exec(const char* sql);
  Status initialise(const std::string& model_id, int dim);
  std::optional<uint64_t> readGenerationLocked();
  Status bumpGenerationLocked();  // inside a write's transaction

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  int dim_ = 0;
  uint64_t id_ = 0;
  uint64_t own_generation_ = 0;  // after this store's last write
  bool foreign_writes_ = false;  // a write by someone else was seen
};

}  // namespace cs
