#include "server/memory_transport.h"

#include <asio/post.hpp>

namespace cs {

void MemoryTransport::start(TransportCallbacks callbacks) { callbacks_ = std::move(callbacks); }

void MemoryTransport::send(std::string body) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    unread_.push_back(body);
    all_.push_back(std::move(body));
  }
  cv_.notify_all();
}

void MemoryTransport::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_all();
}

void MemoryTransport::clientSendBatch(const std::vector<std::string>& bodies) {
  std::string bytes;
  for (const auto& body : bodies) bytes += protocol::encodeFrame(body);
  clientSendRaw(bytes);
}

void MemoryTransport::clientSendRaw(const std::string& bytes) {
  asio::post(io_, [this, bytes] {
    decoder_.feed(bytes);
    while (auto frame = decoder_.next()) {
      if (frame->ok()) {
        if (callbacks_.on_message) callbacks_.on_message(std::move(frame->value()));
      } else if (callbacks_.on_frame_error) {
        callbacks_.on_frame_error(frame->error());
      }
    }
  });
}

void MemoryTransport::clientClose() {
  asio::post(io_, [this] {
    if (callbacks_.on_closed) callbacks_.on_closed();
  });
}

std::optional<std::string> MemoryTransport::takeMessage(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, timeout, [&] { return !unread_.empty(); })) return std::nullopt;
  std::string body = std::move(unread_.front());
  unread_.pop_front();
  return body;
}

std::vector<std::string> MemoryTransport::sent() const {
  std::lock_guard lock(mutex_);
  return all_;
}

std::optional<std::string> MemoryTransport::waitFor(const std::function<bool(const std::string&)>& match,
                                                    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> found;
  cv_.wait_for(lock, timeout, [&] {
    for (const auto& body : all_) {
      if (match(body)) {
        found = body;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool MemoryTransport::closedByServer() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace cs
