// TCP transport for tools: accepts one client on a loopback address.
#include <mutex>

#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include "protocol/framing.h"
#include "server/transport.h"

namespace cs {
namespace {

class TcpTransport final : public Transport {
 public:
  TcpTransport(asio::io_context& io, asio::ip::tcp::acceptor acceptor)
      : acceptor_(std::move(acceptor)), socket_(io) {}

  void start(TransportCallbacks callbacks) override {
    callbacks_ = std::move(callbacks);
    acceptor_.async_accept(socket_, [this](const asio::error_code& ec) {
      if (ec) {
        if (callbacks_.on_closed) callbacks_.on_closed();
        return;
      }
      acceptor_.close();
      readSome();
    });
  }

  void send(std::string body) override {
    std::string frame = protocol::encodeFrame(body);
    std::lock_guard lock(write_mutex_);
    asio::error_code ec;
    asio::write(socket_, asio::buffer(frame), ec);  // blocking: frames never interleave
  }

  void close() override {
    asio::error_code ec;
    socket_.close(ec);
  }

 private:
  void readSome() {
    socket_.async_read_some(asio::buffer(buffer_), [this](const asio::error_code& ec, size_t n) {
      if (ec) {
        if (callbacks_.on_closed) callbacks_.on_closed();
        return;
      }
      decoder_.feed(std::string_view(buffer_.data(), n));
      while (auto frame = decoder_.next()) {
        if (frame->ok()) {
          callbacks_.on_message(std::move(frame->value()));
        } else if (callbacks_.on_frame_error) {
          callbacks_.on_frame_error(frame->error());
        }
      }
      readSome();
    });
  }

  asio::ip::tcp::acceptor acceptor_;
  asio::ip::tcp::socket socket_;
  TransportCallbacks callbacks_;
  protocol::FrameDecoder decoder_;
  std::array<char, 64 * 1024> buffer_{};
  std::mutex write_mutex_;
};

}  // namespace

Result<std::unique_ptr<Transport>> makeTcpTransport(asio::io_context& io, const std::string& host, int port) {
  asio::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return makeError("invalid listen address '" + host + "': " + ec.message());
  if (!address.is_loopback()) return makeError("refusing to listen on non-loopback address " + host);
  asio::ip::tcp::acceptor acceptor(io);
  asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(1, ec);
  if (ec) return makeError("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  return std::unique_ptr<Transport>(std::make_unique<TcpTransport>(io, std::move(acceptor)));
}

}  // namespace cs
