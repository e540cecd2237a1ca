// FdTransport: the Transport over a pair of file descriptors that the stdio
// LSP transport (Content-Length frames) and the MCP transport (one JSON
// message per line) share; only the framing differs. A blocking reader thread
// posts the bytes it reads to the event loop, which decodes and dispatches
// them; writes are synchronous and serialised by a mutex, so messages from
// different threads never interleave.
//
// Thread-safety: as Transport (server/transport.h). Internal to server/.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "server/transport.h"

namespace cs {

// `Decoder`: feed(bytes) and next() -> optional<Result<std::string>>;
// `encode`: one message body -> the bytes that carry it.
template <typename Decoder, std::string (*encode)(std::string_view)>
class FdTransport final : public Transport {
 public:
  FdTransport(asio::io_context& io, int in_fd, int out_fd) : io_(io), in_fd_(in_fd), out_fd_(out_fd) {}
  ~FdTransport() override {
    // The reader may sit in a blocking read(); it only touches io_ via post,
    // which stays valid, so detaching is safe at process exit.
    if (reader_.joinable()) reader_.detach();
  }

  void start(TransportCallbacks callbacks) override {
    callbacks_ = std::move(callbacks);
    reader_ = std::thread([this] { readLoop(); });
  }

  void send(std::string body) override {
    const std::string bytes = encode(body);
    std::lock_guard lock(write_mutex_);
    const char* data = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(out_fd_, data, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;  // client gone; the reader will see EOF and end the session
      }
      data += n;
      left -= static_cast<size_t>(n);
    }
  }

  void close() override { closed_ = true; }

 private:
  void readLoop() {
    char buffer[64 * 1024];
    while (!closed_) {
      ssize_t n = ::read(in_fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        asio::post(io_, [this] {
          if (callbacks_.on_closed) callbacks_.on_closed();
        });
        return;
      }
      asio::post(io_, [this, bytes = std::string(buffer, static_cast<size_t>(n))] { deliver(bytes); });
    }
  }

  // Runs on the loop: all messages of one read are dispatched in one go, so a
  // cancellation that arrives together with its request is seen before the
  // request starts.
  void deliver(const std::string& bytes) {
    decoder_.feed(bytes);
    while (auto message = decoder_.next()) {
      if (message->ok()) {
        callbacks_.on_message(std::move(message->value()));
      } else if (callbacks_.on_frame_error) {
        callbacks_.on_frame_error(message->error());
      }
    }
  }

  asio::io_context& io_;
  int in_fd_;
  int out_fd_;
  TransportCallbacks callbacks_;
  Decoder decoder_;
  std::mutex write_mutex_;
  std::thread reader_;
  std::atomic<bool> closed_{false};
};

}  // namespace cs
