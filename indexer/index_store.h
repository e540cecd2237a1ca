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
  Status loadChunks(const std::string& first, const std::string& last, std::vector<StoredFile>& files);
  // The text of each key's chunk: the row at (path, ord) if it still has that
  // content hash, else the file's first row with it; nullopt when the file no
  // longer has such a chunk.
  std::vector<std::optional<std::string>> chunkTexts(const std::vector<StoredChunkKey>& keys);
  Status replaceFile(const std::string& path, const FileStamp& stamp, const std::vector<IndexedChunk>& chunks);
  Status removeFile(const std::string& path);

 private:
  IndexStore() = default;
  Status exec(const char* sql);
  Status initialise(const std::string& model_id, int dim);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  int dim_ = 0;
};

}  // namespace cs
