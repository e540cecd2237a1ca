// SearchService: the daemon's engine as a plain C++ API (what clangd calls
// ClangdServer). It owns the encoder, the index and the indexing scheduler, and
// answers queries. The LSP binding translates JSON to calls on it; the CLI and
// tests drive it directly.
//
// Thread-safety: every public method may be called from any thread. Queries run
// on the caller's thread against a consistent snapshot of the index while
// indexing continues on the scheduler's workers. Walks (the workspace scan and
// the re-evaluation of paths changed on disk) run one at a time on the
// service's scan thread.
#pragma once

#include <atomic>
#include <condition_variable>
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
#include "indexer/workspace_walker.h"
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

// Who keeps the index current with changes made on disk outside the editor
// (codeSearch/status `watcher`, MCP index_status `watcher`).
enum class WatchMode {
  kOff,      // nobody: changes on disk are seen at the next scan (the CLI without --watch)
  kClient,   // the LSP client reports them (workspace/didChangeWatchedFiles)
  kInotify,  // the daemon watches the roots itself (server/disk_watcher.h)
  kPolling,  // the daemon rescans periodically (inotify unavailable or at its watch limit)
};
const char* watchModeName(WatchMode mode);  // "off", "client", "inotify", "polling"

struct WatchState {
  WatchMode mode = WatchMode::kOff;
  std::string warning;  // why watching is degraded (queue overflow, watch limit); empty = fine
};

struct ServiceStatus {
  bool indexing = false;  // a scan or queued work is in progress
  IndexStats stats;
  size_t pending = 0;
  size_t skipped_files = 0;
  std::optional<ModelDescription> model;
  std::string model_error;  // why there is no model, when there is none
  WatchState watch;
  LoadProgress load;        // the stored index coming into memory after a restart (done: all of it)
};

struct QueryOptions {
  std::string text;
  int limit = 20;
  SearchMode mode = SearchMode::kHybrid;
  SearchFilters filters;
  const std::atomic<bool>* cancelled = nullptr;  // SearchRequest::cancelled: checked between stages
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
  // Paths a file watcher saw change on disk: files or directories, created,
  // modified, deleted, or moved in or out. One call is one pass (coalesce a
  // burst into one call). On the scan thread each path is re-evaluated against
  // the disk as the workspace scan would see it: a source file is (re)indexed,
  // a directory's files are walked (moved in: indexed), and indexed files at or
  // below a path that no longer lists them (deleted, moved out, now ignored, a
  // symbolic link) leave the index. The entry path rule applies
  // (resolveEntryUnderRoots: symbolic links are never followed), and so do the
  // ignore rules; a changed .gitignore or .codesearchignore makes the pass a
  // full scan. An open document's buffer wins over the disk.
  void applyDiskChanges(std::vector<std::string> paths);
  // Called on the scan thread with every directory a walk is about to list
  // (WalkOptions::on_directory): the file watcher adds its watches there. A
  // walk already running keeps the listener it started with. Null removes it.
  void setDirectoryListener(std::function<void(const std::string& dir)> listener);
  // Who watches the disk for this service; reported by status().
  void setWatchState(WatchState state);

  Result<QueryAnswer> query(const QueryOptions& options) const;
  // Code similar to the innermost function/class containing `line` of `path`
  // (that chunk itself excluded).
  Result<QueryAnswer> similarAt(const std::string& path, uint32_t line, int limit,
                                const SearchFilters& filters, const std::atomic<bool>* cancelled = nullptr) const;
  // Code similar to a selected piece of text of `path` covering lines [first_line, last_line].
  Result<QueryAnswer> similarToText(const std::string& path, const std::string& text, uint32_t first_line,
                                    uint32_t last_line, int limit, const SearchFilters& filters,
                                    const std::atomic<bool>* cancelled = nullptr) const;

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

  // What the index holds (tests and benchmarks compare it with a clean rebuild).
  std::vector<std::string> indexedFiles() const;
  std::vector<Chunk> chunksOf(const std::string& path) const;

 private:
  explicit SearchService(SearchServiceOptions options);
  // Queues scan-thread work (a full walk, paths changed on disk) and wakes the
  // scan thread; with index_threads == 0 runs it at once on the caller's thread.
  void requestScanWork(bool full_walk, std::vector<std::string> paths);
  void scanThreadLoop();
  void runScanWork();  // until nothing is requested
  void loadStoredIndex();  // the deferred load of the stored index (scan thread)
  void walkOnce();
  void applyDiskPaths(std::vector<std::string> paths);
  WalkOptions walkOptions() const;
  bool isOpenDocument(const std::string& path) const;
  bool scanBusy() const;
  Result<QueryAnswer> searchWithVector(SearchRequest request) const;

  SearchServiceOptions options_;       // options_.roots is guarded by roots_mutex_ after create()
  mutable std::mutex roots_mutex_;
  std::unique_ptr<CodeEncoder> encoder_;
  std::string model_error_;
  std::unique_ptr<Index> index_;
  std::unique_ptr<IndexScheduler> scheduler_;
  // Where walkers keep their private ignore-rule repositories: the cache dir,
  // or a temporary one of this service's (removed with it) when there is none,
  // so a pass does not create a repository each time.
  std::string walk_cache_dir_;
  bool walk_cache_dir_is_temporary_ = false;
  mutable std::mutex walk_skipped_mutex_;
  std::set<std::string> walk_skipped_;  // paths the latest walks skipped (each once)

  // Scan-thread work: requested under scan_mutex_, done on scan_thread_.
  mutable std::mutex scan_mutex_;
  std::condition_variable scan_cv_;     // work requested, work done, stopping
  bool full_walk_requested_ = false;
  std::vector<std::string> disk_paths_;  // changed on disk, not yet applied
  bool scan_busy_ = false;               // work requested or running
  bool scan_stopping_ = false;
  std::thread scan_thread_;              // only when index_threads > 0

  mutable std::mutex hooks_mutex_;       // guards the three members below
  std::function<void(const std::string&)> directory_listener_;
  WatchState watch_state_;
  std::multiset<std::string> open_documents_;  // real paths; a document open in two sessions counts twice
};

// Default location of the shipped model: next to the executable's share dir, or the source tree.
std::string defaultModelPath();
// $XDG_CACHE_HOME/codesearch or ~/.cache/codesearch.
std::string defaultCacheDir();

}  // namespace cs
