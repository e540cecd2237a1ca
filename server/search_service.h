// SearchService: the daemon's engine as a plain C++ API (what clangd calls
// ClangdServer). It owns the encoder, the index and the indexing scheduler, and
// answers queries. The LSP binding translates JSON to calls on it; the CLI and
// tests drive it directly.
//
// Thread-safety: every public method may be called from any thread. Queries run
// on the caller's thread against a consistent snapshot of the index while
// indexing continues on the scheduler's workers.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "indexer/chunk_embedding.h"
#include "indexer/index.h"
#include "model/code_encoder.h"
#include "server/index_scheduler.h"
#include "support/result.h"

namespace cs {

struct SearchServiceOptions {
  std::vector<std::string> roots;    // workspace roots (absolute)
  std::string model_path;            // model file; empty = run without a model (lexical only)
  EncoderOptions encoder;
  std::string cache_dir;             // persistent index lives under here; empty = memory only
  int index_threads = 1;             // indexing workers; 0 = synchronous (work runs in waitUntilIdle)
  size_t max_file_bytes = 1 << 20;   // larger files are skipped
  ChunkEmbeddingOptions embedding;   // how chunks become vectors (indexer/chunk_embedding.h)
  ShapingOptions shaping;            // result shaping after fusion (indexer/ranking.h)
};

struct ModelDescription {
  std::string id;
  int dim = 0;
  std::string device;
};

struct ServiceStatus {
  bool indexing = false;  // a scan or queued work is in progress
  IndexStats stats;
  size_t pending = 0;
  size_t skipped_files = 0;
  std::optional<ModelDescription> model;
  std::string model_error;  // why there is no model, when there is none
};

struct QueryOptions {
  std::string text;
  int limit = 20;
  SearchMode mode = SearchMode::kHybrid;
  SearchFilters filters;
};

struct QueryAnswer {
  std::vector<SearchHit> hits;
  SearchMode mode_used = SearchMode::kHybrid;
  std::optional<std::string> warning;
};

class SearchService {
 public:
  static Result<std::unique_ptr<SearchService>> create(const SearchServiceOptions& options);
  ~SearchService();

  // Walks the roots on a background thread and queues every new or changed file;
  // files that left the workspace leave the index. Called while a scan runs, it
  // makes that scan walk again once it is done (so no change of roots is missed).
  void startWorkspaceScan();
  // Workspace folders added or removed at run time (absolute paths): `added`
  // roots that are directories join, `removed` ones leave, then the workspace
  // is scanned again: files under a new root are indexed, files no longer
  // under any root leave the index. A root equal to or inside a remaining one
  // changes nothing but the list.
  void changeRoots(const std::vector<std::string>& added, const std::vector<std::string>& removed);
  void waitUntilIdle();

  // Editor buffers: the text given is what gets indexed until the document
  // closes. `edits` (byte offsets, DocumentStore) are how the previous text
  // became this one: with them the new version is parsed incrementally; without
  // (or when they do not fit) the two versions are diffed.
  void openDocument(const std::string& path, std::string text);
  void changeDocument(const std::string& path, std::string text, std::vector<TextEdit> edits = {});
  void closeDocument(const std::string& path);  // falls back to the file on disk
  void fileChanged(const std::string& path);    // created or modified on disk
  void fileDeleted(const std::string& path);

  Result<QueryAnswer> query(const QueryOptions& options) const;
  // Code similar to the innermost function/class containing `line` of `path`
  // (that chunk itself excluded).
  Result<QueryAnswer> similarAt(const std::string& path, uint32_t line, int limit,
                                const SearchFilters& filters) const;
  // Code similar to a selected piece of text of `path` covering lines [first_line, last_line].
  Result<QueryAnswer> similarToText(const std::string& path, const std::string& text, uint32_t first_line,
                                    uint32_t last_line, int limit, const SearchFilters& filters) const;

  ServiceStatus status() const;
  std::vector<std::string> roots() const;
  // The workspace path rule (indexer/workspace_paths.h): the real path of
  // `path` when it lies below a root, nullopt otherwise. Every document, watched
  // file and similar request goes through it; the document methods below also
  // apply it themselves and ignore paths outside the workspace.
  std::optional<std::string> workspacePath(const std::string& path) const;
  // A workspace file's text: workspacePath + readBoundedFile within max_file_bytes.
  Result<std::string> readWorkspaceFile(const std::string& path) const;

  void setProgressListener(std::function<void(const IndexProgress&)> listener);

 private:
  explicit SearchService(SearchServiceOptions options);
  void scanWorkspace();
  void walkOnce();
  Result<QueryAnswer> searchWithVector(SearchRequest request) const;

  SearchServiceOptions options_;       // options_.roots is guarded by roots_mutex_ after create()
  mutable std::mutex roots_mutex_;
  std::mutex scan_mutex_;               // guards scan_again_ and the scanning_ transitions
  bool scan_again_ = false;
  std::unique_ptr<CodeEncoder> encoder_;
  std::string model_error_;
  std::unique_ptr<Index> index_;
  std::unique_ptr<IndexScheduler> scheduler_;
  std::atomic<bool> scanning_{false};
  mutable std::mutex walk_skipped_mutex_;
  std::set<std::string> walk_skipped_;  // paths the latest scan skipped (each once)
  std::thread scan_thread_;
};

// Default location of the shipped model: next to the executable's share dir, or the source tree.
std::string defaultModelPath();
// $XDG_CACHE_HOME/codesearch or ~/.cache/codesearch.
std::string defaultCacheDir();

}  // namespace cs
