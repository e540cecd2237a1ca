#include "server/shared_search_service.h"

#include <vector>

namespace cs {

SharedSearchService::~SharedSearchService() {
  watcher_.reset();
  if (service_) service_->setProgressListener(nullptr);
}

Result<SearchService*> SharedSearchService::acquire(const SearchServiceOptions& options) {
  std::lock_guard lock(mutex_);
  if (service_) return service_.get();
  Result<std::unique_ptr<SearchService>> service = makeError("");
  try {  // libtorch, sqlite and hnswlib may throw while the model and the index load
    service = factory_(options);
  } catch (const std::exception& e) {
    service = makeError(std::string("starting the search service: ") + e.what());
  }
  if (!service.ok()) return service.error();
  service_ = std::move(service.value());
  service_->setProgressListener([this](const IndexProgress& p) { broadcast(p); });
  return service_.get();
}

void SharedSearchService::startScanOnce() {
  std::lock_guard lock(mutex_);
  if (!service_ || scanned_) return;
  scanned_ = true;
  service_->startWorkspaceScan();
}

void SharedSearchService::watchDisk(asio::io_context& io) {
  std::lock_guard lock(mutex_);
  if (!service_ || watcher_) return;
  watcher_ = DiskWatcher::start(io, *service_);
  if (scanned_) service_->startWorkspaceScan();
}

int SharedSearchService::addProgressListener(ProgressListener listener) {
  std::lock_guard lock(listeners_mutex_);
  int id = next_listener_++;
  listeners_[id] = std::make_shared<ProgressListener>(std::move(listener));
  return id;
}

void SharedSearchService::removeProgressListener(int id) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(id);
}

void SharedSearchService::broadcast(const IndexProgress& progress) {
  std::vector<std::shared_ptr<ProgressListener>> listeners;
  {
    std::lock_guard lock(listeners_mutex_);
    for (const auto& [id, listener] : listeners_) listeners.push_back(listener);
  }
  for (const auto& listener : listeners) (*listener)(progress);
}

}  // namespace cs
