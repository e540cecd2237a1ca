#include "server/search_service.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "indexer/bounded_file.h"
#include "indexer/chunk_embedding.h"
#include "indexer/embedding_text.h"
#include "indexer/extractor.h"
#include "indexer/workspace_paths.h"
#include "indexer/workspace_walker.h"
#include "support/hash.h"

namespace cs {
namespace fs = std::filesystem;

namespace {

std::string storePathFor(const SearchServiceOptions& options) {
  if (options.cache_dir.empty()) return {};
  std::string key;
  for (const auto& root : options.roots) key += root + '\n';
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(key)));
  fs::path dir = fs::path(options.cache_dir) / hex;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return {};
  return (dir / "index.sqlite").string();
}

}  // namespace

std::string defaultModelPath() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path candidate : {exe.parent_path().parent_path() / "share/codesearch/codesearch-model.bin",
                               exe.parent_path() / "codesearch-model.bin"}) {
      if (fs::exists(candidate, ec)) return candidate.string();
    }
  }
  return CODESEARCH_DEFAULT_MODEL;
}

std::string defaultCacheDir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/codesearch";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/codesearch";
  return "/tmp/codesearch-cache";
}

SearchService::SearchService(SearchServiceOptions options) : options_(std::move(options)) {}

SearchService::~SearchService() {
  {
    std::lock_guard lock(scan_mutex_);
    scan_stopping_ = true;  // a walk in progress finishes first
  }
  scan_cv_.notify_all();
  if (scan_thread_.joinable()) scan_thread_.join();
  scheduler_.reset();  // joins workers before the index and encoder go away
  if (walk_cache_dir_is_temporary_) {
    std::error_code ec;
    fs::remove_all(walk_cache_dir_, ec);
  }
}

const char* watchModeName(WatchMode mode) {
  switch (mode) {
    case WatchMode::kOff: return "off";
    case WatchMode::kClient: return "client";
    case WatchMode::kInotify: return "inotify";
    case WatchMode::kPolling: return "polling";
  }
  return "off";
}

Result<std::unique_ptr<SearchService>> SearchService::create(const SearchServiceOptions& options) {
  std::unique_ptr<SearchService> service(new SearchService(options));
  for (auto& root : service->options_.roots) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(fs::absolute(root), ec);
    if (ec || !fs::is_directory(canonical)) return makeError("workspace root is not a directory: " + root);
    root = canonical.string();
  }
  if (service->options_.model_path.empty()) {
    service->model_error_ = "no model configured";
  } else {
    auto encoder = CodeEncoder::load(service->options_.model_path, service->options_.encoder);
    if (encoder.ok()) {
      service->encoder_ = std::move(encoder.value());
    } else {
      service->model_error_ = encoder.error().message;
    }
  }
  service->walk_cache_dir_ = service->options_.cache_dir;
  if (service->walk_cache_dir_.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "codesearch-ignore-rules-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) {
      service->walk_cache_dir_ = tmpl;
      service->walk_cache_dir_is_temporary_ = true;
    }
  }
  IndexOptions index_options;
  index_options.store_path = storePathFor(service->options_);
  index_options.shaping = service->options_.shaping;
  if (service->encoder_) {
    index_options.model_id = vectorSpaceId(service->encoder_->modelId(), service->options_.embedding);
    index_options.dim = service->encoder_->dim();
    // The encoder went to the GPU (--device cuda, or auto with one there): the
    // embedding matrix lives there too and dense search runs on it.
    if (service->encoder_->device() == "cuda") index_options.vector_device = "cuda";
  }
  if (!service->options_.roots.empty()) index_options.workspace_root = service->options_.roots.front();
  // The stored index loads on the scan thread (scanWorkspace), so create() and
  // with it the editor's initialize return at once; queries meanwhile answer
  // from what is loaded and say so.
  index_options.defer_load = true;
  auto index = Index::open(index_options);
  if (!index.ok()) return index.error().withContext("opening the index");
  service->index_ = std::move(index.value());

  IndexSchedulerOptions scheduler_options;
  scheduler_options.threads = service->options_.index_threads;
  scheduler_options.file_options.max_file_bytes = service->options_.max_file_bytes;
  scheduler_options.file_options.embedding = service->options_.embedding;
  scheduler_options.file_options.parsed_files = std::make_shared<ParsedFileCache>();  // open buffers' trees
  service->scheduler_ = std::make_unique<IndexScheduler>(*service->index_, service->encoder_.get(), scheduler_options);
  if (service->options_.index_threads > 0) {
    SearchService* raw = service.get();
    service->scan_thread_ = std::thread([raw] { raw->scanThreadLoop(); });
  }
  return service;
}

void SearchService::setProgressListener(std::function<void(const IndexProgress&)> listener) {
  scheduler_->setProgressListener(std::move(listener));
}

std::vector<std::string> SearchService::roots() const {
  std::lock_guard lock(roots_mutex_);
  return options_.roots;
}

std::optional<std::string> SearchService::workspacePath(const std::string& path) const {
  return resolveUnderRoots(path, roots());
}

void SearchService::changeRoots(const std::vector<std::string>& added, const std::vector<std::string>& removed) {
  auto canonical = [](const std::string& root) {
    std::error_code ec;
    fs::path path = fs::weakly_canonical(fs::absolute(root), ec);
    std::string out = ec ? fs::path(root).lexically_normal().string() : path.string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
  };
  {
    std::lock_guard lock(roots_mutex_);
    auto& roots = options_.roots;
    for (const auto& root : removed) {
      const std::string gone = canonical(root);
      roots.erase(std::remove(roots.begin(), roots.end(), gone), roots.end());
    }
    for (const auto& root : added) {
      const std::string path = canonical(root);
      std::error_code ec;
      if (!fs::is_directory(path, ec)) continue;
      if (std::find(roots.begin(), roots.end(), path) == roots.end()) roots.push_back(path);
    }
  }
  startWorkspaceScan();
}

Result<std::string> SearchService::readWorkspaceFile(const std::string& path) const {
  auto real = workspacePath(path);
  if (!real) return makeError(path + ": outside the workspace");
  return readBoundedFile(*real, options_.max_file_bytes);
}

void SearchService::waitUntilIdle() {
  {
    std::unique_lock lock(scan_mutex_);
    scan_cv_.wait(lock, [&] { return !scan_busy_; });
  }
  scheduler_->waitIdle();
}

void SearchService::openDocument(const std::string& path, std::string text) {
  auto real = workspacePath(path);
  if (!real) return;
  {
    std::lock_guard lock(hooks_mutex_);
    open_documents_.insert(*real);
  }
  changeDocument(*real, std::move(text));
}

void SearchService::changeDocument(const std::string& path, std::string text, std::vector<TextEdit> edits) {
  auto real = workspacePath(path);
  if (!real) return;
  scheduler_->submit(FileInput{*real, std::move(text), std::move(edits)}, /*urgent=*/true);
}

void SearchService::closeDocument(const std::string& path) {
  if (auto real = workspacePath(path)) {
    std::lock_guard lock(hooks_mutex_);
    if (auto it = open_documents_.find(*real); it != open_documents_.end()) open_documents_.erase(it);
  }
  fileChanged(path);
}

bool SearchService::isOpenDocument(const std::string& path) const {
  std::lock_guard lock(hooks_mutex_);
  return open_documents_.count(path) > 0;
}

void SearchService::setDirectoryListener(std::function<void(const std::string& dir)> listener) {
  std::lock_guard lock(hooks_mutex_);
  directory_listener_ = std::move(listener);
}

void SearchService::setWatchState(WatchState state) {
  std::lock_guard lock(hooks_mutex_);
  watch_state_ = std::move(state);
}

std::vector<std::string> SearchService::indexedFiles() const { return index_->files(); }

std::vector<Chunk> SearchService::chunksOf(const std::string& path) const { return index_->chunksOf(path); }

void SearchService::fileChanged(const std::string& path) {
  auto real = workspacePath(path);
  if (!real || !languageForPath(*real)) return;
  scheduler_->submit(FileInput{*real, std::nullopt}, /*urgent=*/true);
}

void SearchService::fileDeleted(const std::string& path) {
  // What is gone cannot be resolved when its directory went too; removal only
  // touches indexed files (all inside the workspace), so the lexically
  // normalised path is enough then.
  auto real = workspacePath(path);
  if (!real) {
    std::string normal = fs::path(path).lexically_normal().string();
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    bool inside = false;
    for (const auto& root : roots()) inside |= isPathStrictlyUnder(normal, root);
    if (!inside) return;
    real = normal;
  }
  // A deleted directory arrives as one event: drop every file under it too.
  for (const std::string& indexed : index_->files()) {
    if (isPathUnder(indexed, *real)) scheduler_->submitRemoval(indexed, /*urgent=*/true);
  }
}

Result<QueryAnswer> SearchService::searchWithVector(SearchRequest request) const {
  QueryAnswer answer;
  answer.mode_used = request.mode;
  if (request.query_vector.empty() && request.mode != SearchMode::kLexical) {
    if (request.mode == SearchMode::kSemantic) {
      return makeError("semantic search needs a model, and none is loaded (" + model_error_ + ")");
    }
    answer.mode_used = SearchMode::kLexical;
    answer.warning = "no model loaded (" + model_error_ + "): lexical results only";
    request.mode = SearchMode::kLexical;
  }
  auto hits = index_->search(request);
  if (!hits.ok()) return hits.error();
  answer.hits = std::move(hits.value());
  if (LoadProgress load = index_->loadProgress(); !load.done) {
    const std::string loading =
        load.files_total == 0 ? std::string("the stored index is still loading: results cover what is loaded")
                              : "the stored index is still loading (" + std::to_string(load.files_loaded) + " of " +
                                    std::to_string(load.files_total) + " files): results cover what is loaded";
    answer.warning = answer.warning ? *answer.warning + "; " + loading : loading;
  }
  return answer;
}

Result<QueryAnswer> SearchService::query(const QueryOptions& options) const {
  if (options.text.find_first_not_of(" \t\r\n") == std::string::npos) return makeError("empty query");
  SearchRequest request;
  request.query = options.text;
  request.limit = std::clamp(options.limit, 1, 1000);
  request.mode = options.mode;
  request.filters = options.filters;
  request.cancelled = options.cancelled;
  if (encoder_ && options.mode != SearchMode::kLexical && !options.text.empty()) {
    request.query_vector = encoder_->encodeQuery({options.text});
  }
  return searchWithVector(std::move(request));
}

Result<QueryAnswer> SearchService::similarAt(const std::string& path, uint32_t line, int limit,
                                             const SearchFilters& filters, const std::atomic<bool>* cancelled) const {
  auto found = index_->chunkAt(path, line);
  if (!found) return makeError("no indexed code at " + path + ":" + std::to_string(line + 1));
  const auto& [id, indexed] = *found;
  SearchRequest request;
  request.query = indexed.chunk.name + " " + codeWithoutDoc(indexed.chunk);
  request.limit = std::clamp(limit, 1, 1000);
  request.mode = SearchMode::kHybrid;
  request.filters = filters;
  request.exclude_ids = {id};
  request.code_query = true;
  request.cancelled = cancelled;
  if (!indexed.vector.empty()) {
    request.query_vector = indexed.vector;
  } else if (encoder_) {
    request.query_vector = embedChunks(*encoder_, {&indexed.chunk}, options_.embedding);  // as the index embeds it
  }
  return searchWithVector(std::move(request));
}

Result<QueryAnswer> SearchService::similarToText(const std::string& path, const std::string& text,
                                                 uint32_t first_line, uint32_t last_line, int limit,
                                                 const SearchFilters& filters,
                                                 const std::atomic<bool>* cancelled) const {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return makeError("the selection is empty");
  SearchRequest request;
  request.query = text;
  request.limit = std::clamp(limit, 1, 1000);
  request.mode = SearchMode::kHybrid;
  request.filters = filters;
  request.code_query = true;
  request.cancelled = cancelled;
  // The selection's own chunk is not an interesting answer.
  if (auto own = index_->chunkAt(path, (first_line + last_line) / 2)) {
    const Chunk& chunk = own->second.chunk;
    uint32_t overlap_first = std::max(first_line, chunk.start.line);
    uint32_t overlap_last = std::min(last_line, chunk.end.line);
    if (overlap_last >= overlap_first && (overlap_last - overlap_first + 1) * 2 >= (last_line - first_line + 1)) {
      request.exclude_ids.push_back(own->first);
    }
  }
  if (encoder_) {
    Chunk selection;
    selection.path = path;
    selection.text = text;
    request.query_vector = embedChunks(*encoder_, {&selection}, options_.embedding);
  }
  return searchWithVector(std::move(request));
}

ServiceStatus SearchService::status() const {
  ServiceStatus status;
  status.stats = index_->stats();
  status.pending = scheduler_->pending();
  status.load = index_->loadProgress();
  status.indexing = scanBusy() || status.pending > 0 || !status.load.done;
  {
    // Distinct paths: the latest scan's skips plus the scheduler's (a path in both counts once).
    std::set<std::string> skipped;
    {
      std::lock_guard lock(walk_skipped_mutex_);
      skipped = walk_skipped_;
    }
    for (std::string& path : scheduler_->skippedPaths()) skipped.insert(std::move(path));
    status.skipped_files = skipped.size();
  }
  if (encoder_) {
    status.model = ModelDescription{encoder_->modelId(), encoder_->dim(), encoder_->device()};
  } else {
    status.model_error = model_error_;
  }
  std::lock_guard lock(hooks_mutex_);
  status.watch = watch_state_;
  return status;
}

}  // namespace cs
