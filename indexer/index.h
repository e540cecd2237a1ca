// Index: the in-memory search index of a workspace (chunk metadata, dense
// vectors, lexical postings) with optional write-through persistence in SQLite,
// and the hybrid ranking that answers queries.
//
// Thread-safety: all methods may be called from any thread. Reads (search,
// lookups, stats) take a shared lock and run concurrently; writes
// (replaceFile, removeFile) take an exclusive lock for the time of an in-memory
// swap only.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "indexer/chunk.h"
#include "indexer/ranking.h"
#include "support/result.h"

namespace cs {

using ChunkId = uint64_t;

struct SearchFilters {
  std::vector<std::string> languages;   // empty = all
  std::vector<std::string> path_globs;  // gitignore-style globs matched against the workspace-relative
                                        // and the absolute path; empty = all
  std::vector<std::string> kinds;       // empty = all
  bool exclude_tests = false;           // drop chunks from test files / test functions
  std::vector<std::string> exclude_path_globs;  // same glob rules as path_globs; a chunk matching any is
                                                // dropped (last, so positional initialisers stay valid)
};

struct SearchRequest {
  std::string query;                 // natural language or code; drives the lexical signal
  std::vector<float> query_vector;   // dense query vector (dim of the index); empty = no dense signal
  int limit = 20;
  SearchMode mode = SearchMode::kHybrid;
  SearchFilters filters;
  std::vector<ChunkId> exclude_ids;  // e.g. the chunk a "similar" request started from
  bool code_query = false;           // query is code ("find similar"): no test/name boosts
  std::optional<FusionOptions> fusion;  // overrides IndexOptions::fusion (evaluation sweeps)
  // Set by the caller when the answer is no longer wanted (an LSP
  // $/cancelRequest): checked between the search's stages; a cancelled search
  // fails with code ECANCELED. Null: never cancelled.
  const std::atomic<bool>* cancelled = nullptr;
};

struct SearchHit {
  ChunkId id = 0;
  Chunk chunk;
  double score = 0;                  // final fused + reranked score (higher is better)
  std::optional<double> dense;       // cosine similarity, when the dense signal ran
  std::optional<double> lexical;     // BM25 score, when the lexical signal matched
};

struct IndexedChunk {
  Chunk chunk;
  uint64_t content_hash = 0;   // embeddingHash(chunk)
  std::vector<float> vector;   // L2-normalised embedding, or empty when no model is loaded
};

// Size/mtime of a file as last indexed, so unchanged files are skipped on restart.
struct FileStamp {
  int64_t mtime_ns = 0;
  int64_t size = 0;
};

struct IndexStats {
  size_t files = 0;
  size_t chunks = 0;
  size_t chunks_with_vectors = 0;
  bool approximate_search = false;  // the HNSW graph is built and answers unfiltered dense searches
  bool graph_loaded = false;        // ... and was loaded from the saved graph, not built anew
  bool bulk_writes = false;         // inside beginBulkWrites/endBulkWrites: the graph waits for the end
  bool lexical_restored = false;    // the load restored the saved lexical index instead of reading texts
  std::string vector_device;        // "cpu" or "cuda": dense search runs on the device matrix; empty: on the host
  size_t vector_device_bytes = 0;   // of that matrix
};

struct IndexOptions {
  std::string store_path;      // SQLite file for persistence; empty = memory only
  std::string model_id;        // identity of the encoder the vectors come from; a stored
                               // index with another model id keeps its chunks but drops vectors
  int dim = 0;                 // vector dimension (0 when no model)
  std::string workspace_root;  // for workspace-relative path globs and path signals
  size_t hnsw_threshold = 50000;  // above this many vectors, unfiltered dense search uses HNSW
  // The HNSW graph is built on a thread of its own, in parallel, holding the
  // read lock a batch at a time; exact search answers until it is ready.
  // false: built inside the write that crosses the threshold (tests).
  bool build_graph_in_background = true;
  int graph_build_threads = 2;
  FusionOptions fusion;           // how hybrid mode weighs the dense and lexical rankings
  ShapingOptions shaping;         // definitions, file evidence, path priors, file diversity (ranking.h)
  // false: open() loads the store before it returns. true: open() only opens
  // it, and loadStored() (on any thread) brings its files in afterwards while
  // the index already answers from what is loaded.
  bool defer_load = false;
  // "cuda" (or "cpu"): every vector is also kept in a matrix resident on that
  // libtorch device, updated in place as chunks change, and dense searches
  // run there (device_vector_index.h); no HNSW graph is built. Empty (the
  // default): the host's int8 exact search and HNSW graph. A device that
  // fails later (out of memory) hands dense search back to the host.
  std::string vector_device;
};

// How far loadStored() has come.
struct LoadProgress {
  size_t files_loaded = 0;
  size_t files_total = 0;
  bool done = false;
};

class Index {
 public:
  // Opens (and loads, when store_path is set and valid) an index. A store with a
  // different format version is discarded and rebuilt, never misread.
  static Result<std::unique_ptr<Index>> open(const IndexOptions& options);
  ~Index();

  // With defer_load: reads the stored files into memory in batches, each
  // applied under the write lock on its own, so searches and edits proceed in
  // between and see the files loaded so far. A file replaced or removed while
  // the load runs keeps that newer state: its stored copy is not applied.
  // `progress` is called after each batch; when it returns false the load
  // stops there (what is loaded stays; a later call starts over, skipping
  // nothing it already has). Returns at once when there is no store or it was
  // loaded already; call it from one thread at a time.
  Status loadStored(const std::function<bool(const LoadProgress&)>& progress = {});
  LoadProgress loadProgress() const;

  // Replaces every chunk of `path` with `chunks` (all of a file's chunks at once).
  // Chunks whose vector is empty but whose content_hash is known get the known vector.
  Status replaceFile(const std::string& path, const FileStamp& stamp, std::vector<IndexedChunk> chunks);
  Status removeFile(const std::string& path);

  // A bulk of writes is coming (a workspace scan of thousands of files): until
  // the matching end, the approximate-search graph is not started, so writers
  // do not insert their chunks into it one at a time under the write lock
  // (which serialised cold indexing on that lock); dense searches meanwhile
  // are exact. The end starts the graph's background build if the index is
  // large enough. Pairs nest; an already live graph keeps taking inserts.
  void beginBulkWrites();
  void endBulkWrites();

  // A previously computed vector for this embedding hash, so unchanged chunks are never re-embedded.
  std::optional<std::vector<float>> cachedVector(uint64_t content_hash) const;
  std::optional<FileStamp> fileStamp(const std::string& path) const;
  std::vector<std::string> files() const;
  // Every chunk of `path`, in the order the file gave them (empty for an unknown path).
  std::vector<Chunk> chunksOf(const std::string& path) const;

  // The innermost chunk of `path` containing 0-based `line` (non-module chunks preferred).
  std::optional<std::pair<ChunkId, IndexedChunk>> chunkAt(const std::string& path, uint32_t line) const;

  Result<std::vector<SearchHit>> search(const SearchRequest& request) const;
  IndexStats stats() const;

 private:
  struct Impl;
  struct SearchPass;  // the stages of search(), index.cpp
  explicit Index(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cs
