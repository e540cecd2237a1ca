// TCP transport for tools: a loopback listener that accepts any number of
// clients, each connection its own Transport (and, in `serve`, its own LSP session).
#include <array>
#include <atomic>
#include <mutex>

#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include "protocol/framing.h"
#include "server/transport.h"

namespace cs {
namespace {

// The connection's state lives in a shared object that the pending read holds,
// so a connection closed and destroyed while a read is outstanding is safe:
// the read completes (operation_aborted) against live memory and, because the
// connection is closed, calls nothing.
struct Connection {
  explicit Connection(asio::ip::tcp::socket s) : socket(std::move(s)) {}
  asio::ip::tcp::socket socket;
  TransportCallbacks callbacks;
  protocol::FrameDecoder decoder;
  std::array<char, 64 * 1024> buffer{};
  std::mutex write_mutex;        // whole frames; also guards close against a write in progress
  std::atomic<bool> closed{false};
};

void readSome(std::shared_ptr<Connection> connection) {
  Connection& c = *connection;
  c.socket.async_read_some(asio::buffer(c.buffer), [connection](const asio::error_code& ec, size_t n) {
    Connection& c = *connection;
    if (c.closed) return;
    if (ec) {
      if (c.callbacks.on_closed) c.callbacks.on_closed();
      return;
    }
    // All frames of one read are dispatched in one go (see ARCHITECTURE.md's thread model).
    c.decoder.feed(std::string_view(c.buffer.data(), n));
    while (auto frame = c.decoder.next()) {
      if (c.closed) return;  // a handler (exit) ended the session
      if (frame->ok()) {
        c.callbacks.on_message(std::move(frame->value()));
      } else if (c.callbacks.on_frame_error) {
        c.callbacks.on_frame_error(frame->error());
      }
    }
    if (!c.closed) readSome(connection);
  });
}

class TcpConnectionTransport final : public Transport {
 public:
  explicit TcpConnectionTransport(asio::ip::tcp::socket socket)
      : connection_(std::make_shared<Connection>(std::move(socket))) {}
  ~TcpConnectionTransport() override { close(); }

  void start(TransportCallbacks callbacks) override {
    connection_->callbacks = std::move(callbacks);
    readSome(connection_);
  }

  void send(std::string body) override {
    std::string frame = protocol::encodeFrame(body);
    std::lock_guard lock(connection_->write_mutex);
    if (connection_->closed) return;
    asio::error_code ec;
    asio::write(connection_->socket, asio::buffer(frame), ec);  // blocking: frames never interleave
  }

  void close() override {
    std::lock_guard lock(connection_->write_mutex);
    if (connection_->closed.exchange(true)) return;
    asio::error_code ec;
    connection_->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    connection_->socket.close(ec);
  }

 private:
  std::shared_ptr<Connection> connection_;
};

class TcpListenerImpl final : public TcpListener {
 public:
  TcpListenerImpl(asio::io_context& io, asio::ip::tcp::acceptor acceptor) : io_(io), acceptor_(std::move(acceptor)) {}

  void start(std::function<void(std::unique_ptr<Transport>)> on_client) override {
    on_client_ = std::move(on_client);
    acceptNext();
  }

  void close() override {
    asio::error_code ec;
    acceptor_.close(ec);
  }

  int port() const override { return acceptor_.local_endpoint().port(); }

 private:
  void acceptNext() {
    acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;  // closed
      if (!ec) {
        asio::error_code ignored;
        socket.set_option(asio::ip::tcp::no_delay(true), ignored);
        on_client_(std::make_unique<TcpConnectionTransport>(std::move(socket)));
      }
      acceptNext();  // a failed accept (EMFILE, a reset before accept) does not end the listener
    });
  }

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  std::function<void(std::unique_ptr<Transport>)> on_client_;
};

}  // namespace

Result<std::unique_ptr<TcpListener>> makeTcpListener(asio::io_context& io, const std::string& host, int port) {
  asio::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return makeError("invalid listen address '" + host + "': " + ec.message());
  if (!address.is_loopback()) return makeError("refusing to listen on non-loopback address " + host);
  asio::ip::tcp::acceptor acceptor(io);
  asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return makeError("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  return std::unique_ptr<TcpListener>(std::make_unique<TcpListenerImpl>(io, std::move(acceptor)));
}

}  // namespace cs
