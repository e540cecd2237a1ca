// TcpLspClient: one LSP client over a loopback socket to `codesearch serve
// --listen`. Synchronous: request() writes and reads until its response,
// answering server requests (progress tokens, registrations) on the way.
// For tests only; one thread per client.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "protocol/framing.h"

namespace cs::test {

class TcpLspClient {
 public:
  using Json = nlohmann::json;

  // Connects to 127.0.0.1:port, retrying for up to `timeout` while the daemon starts.
  static std::optional<TcpLspClient> connect(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int s = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(static_cast<uint16_t>(port));
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        int one = 1;
        ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return TcpLspClient(s);
      }
      ::close(s);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }

  TcpLspClient(TcpLspClient&& other) noexcept
      : fd_(other.fd_), decoder_(std::move(other.decoder_)), next_id_(other.next_id_), ended_(other.ended_) {
    other.fd_ = -1;
  }
  TcpLspClient(const TcpLspClient&) = delete;
  ~TcpLspClient() { disconnect(); }

  void disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return fd_ >= 0; }
  // True once the daemon closed or reset the connection (read() saw the end
  // of the stream); a read() that merely timed out leaves it false.
  bool ended() const { return ended_; }
  // Unblocks a send() or read() of another thread on this client (before disconnect()).
  void shutdownSocket() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }

  bool send(const Json& message) {
    std::string frame = protocol::encodeFrame(message.dump());
    const char* data = frame.data();
    size_t left = frame.size();
    while (left > 0) {
      ssize_t n = ::send(fd_, data, left, MSG_NOSIGNAL);
      if (n <= 0) return false;
      data += n;
      left -= static_cast<size_t>(n);
    }
    return true;
  }
  void notify(const std::string& method, const Json& params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }

  // The next message, or nullopt on timeout / end of stream.
  std::optional<Json> read(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    while (true) {
      if (auto frame = decoder_.next(); frame && frame->ok()) return Json::parse(frame->value());
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      timeval tv{static_cast<time_t>(left.count() / 1000), static_cast<suseconds_t>((left.count() % 1000) * 1000)};
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) {
        ended_ = true;
        return std::nullopt;
      }
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        ended_ = true;
        return std::nullopt;
      }
      decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)));
    }
  }

  // Sends a request and returns its response; server requests met on the way
  // are accepted, notifications dropped.
  std::optional<Json> request(const std::string& method, const Json& params,
                              std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    int id = next_id_++;
    if (!send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}})) return std::nullopt;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto message = read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!message) return std::nullopt;
      if (message->contains("method")) {
        if (message->contains("id")) send({{"jsonrpc", "2.0"}, {"id", (*message)["id"]}, {"result", nullptr}});
        continue;
      }
      if ((*message)["id"] == id) return message;
    }
    return std::nullopt;
  }

  std::optional<Json> initialize(const std::string& root, Json capabilities = Json::object()) {
    auto reply = request("initialize", {{"rootUri", "file://" + root}, {"capabilities", capabilities}});
    if (reply && reply->contains("result")) notify("initialized", Json::object());
    return reply;
  }

 private:
  explicit TcpLspClient(int fd) : fd_(fd) {}
  int fd_ = -1;
  protocol::FrameDecoder decoder_;
  int next_id_ = 1;
  bool ended_ = false;
};

}  // namespace cs::test
