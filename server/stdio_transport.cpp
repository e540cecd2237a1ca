// Stdio transport: a blocking reader thread + synchronous writes on the loop.
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <mutex>
#include <thread>

#include <asio/post.hpp>

#include "protocol/framing.h"
#include "server/transport.h"

namespace cs {
namespace {

class StdioTransport final : public Transport {
 public:
  explicit StdioTransport(asio::io_context& io) : io_(io) {}
  ~StdioTransport() override {
    // The reader may sit in a blocking read(); it only touches io_ via post,
    // which stays valid, so detaching is safe at process exit.
    if (reader_.joinable()) reader_.detach();
  }

  void start(TransportCallbacks callbacks) override {
    callbacks_ = std::move(callbacks);
    reader_ = std::thread([this] { readLoop(); });
  }

  void send(std::string body) override {
    std::string frame = protocol::encodeFrame(body);
    std::lock_guard lock(write_mutex_);  // frames from different threads never interleave
    const char* data = frame.data();
    size_t left = frame.size();
    while (left > 0) {
      ssize_t n = ::write(STDOUT_FILENO, data, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;  // client gone; the reader will see EOF and close the session
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
      ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
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

  // Runs on the loop: all frames of one read are dispatched in one go, so a
  // $/cancelRequest that arrives together with its request is seen before the
  // request starts.
  void deliver(const std::string& bytes) {
    decoder_.feed(bytes);
    while (auto frame = decoder_.next()) {
      if (frame->ok()) {
        callbacks_.on_message(std::move(frame->value()));
      } else if (callbacks_.on_frame_error) {
        callbacks_.on_frame_error(frame->error());
      }
    }
  }

  asio::io_context& io_;
  TransportCallbacks callbacks_;
  protocol::FrameDecoder decoder_;
  std::mutex write_mutex_;
  std::thread reader_;
  std::atomic<bool> closed_{false};
};

}  // namespace

std::unique_ptr<Transport> makeStdioTransport(asio::io_context& io) { return std::make_unique<StdioTransport>(io); }

}  // namespace cs
