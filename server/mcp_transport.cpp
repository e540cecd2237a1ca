// Line transport: a blocking reader thread + synchronous, mutex-serialised writes.
#include "server/mcp_transport.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>

#include <asio/post.hpp>

#include "protocol/line_framing.h"

namespace cs {
namespace {

class LineTransport final : public Transport {
 public:
  LineTransport(asio::io_context& io, int in_fd, int out_fd) : io_(io), in_fd_(in_fd), out_fd_(out_fd) {}
  ~LineTransport() override {
    // The reader may sit in a blocking read(); it only touches io_ via post,
    // which stays valid, so detaching is safe at process exit.
    if (reader_.joinable()) reader_.detach();
  }

  void start(TransportCallbacks callbacks) override {
    callbacks_ = std::move(callbacks);
    reader_ = std::thread([this] { readLoop(); });
  }

  void send(std::string body) override {
    std::string line = protocol::encodeLine(body);
    std::lock_guard lock(write_mutex_);
    const char* data = line.data();
    size_t left = line.size();
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

  void deliver(const std::string& bytes) {
    decoder_.feed(bytes);
    while (auto line = decoder_.next()) {
      if (line->ok()) {
        callbacks_.on_message(std::move(line->value()));
      } else if (callbacks_.on_frame_error) {
        callbacks_.on_frame_error(line->error());
      }
    }
  }

  asio::io_context& io_;
  int in_fd_;
  int out_fd_;
  TransportCallbacks callbacks_;
  protocol::LineDecoder decoder_;
  std::mutex write_mutex_;
  std::thread reader_;
  std::atomic<bool> closed_{false};
};

}  // namespace

std::unique_ptr<Transport> makeLineTransport(asio::io_context& io, int in_fd, int out_fd) {
  return std::make_unique<LineTransport>(io, in_fd, out_fd);
}

}  // namespace cs
