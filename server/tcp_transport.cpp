// TCP transport for tools: a loopback listener that accepts any number of
// clients, each connection its own Transport (and, in `serve`, its own LSP session).
//
// Every socket operation runs on the event loop. send() only queues the frame
// (from any thread) and, when no write is in flight, posts one; the loop then
// writes everything queued with async_write, so a client that stops reading
// stalls nothing but its own queue. A queue past TcpOptions::max_queued_bytes
// disconnects that client.
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <iostream>
#include <mutex>
#include <vector>

#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include "protocol/framing.h"
#include "server/transport.h"

namespace cs {
namespace {

// How long a closed connection may take to deliver what was queued before it
// (the reply to `shutdown`, say) before the socket is closed regardless.
constexpr auto kCloseLinger = std::chrono::seconds(5);

// The connection's state lives in a shared object that every pending
// operation holds, so a connection closed and destroyed while a read or a
// write is outstanding is safe: the operation completes against live memory
// and, because the connection is closed, calls nothing.
struct Connection {
  Connection(asio::ip::tcp::socket s, const TcpOptions& options)
      : socket(std::move(s)), linger(socket.get_executor()), max_queued_bytes(options.max_queued_bytes) {
    asio::error_code ec;
    auto peer = socket.remote_endpoint(ec);
    name = ec ? std::string("a TCP client") : "TCP client " + peer.address().to_string() + ":" + std::to_string(peer.port());
  }
  asio::ip::tcp::socket socket;
  asio::steady_timer linger;
  const size_t max_queued_bytes;
  std::string name;  // for log lines
  TransportCallbacks callbacks;
  protocol::FrameDecoder decoder;
  std::array<char, 64 * 1024> buffer{};
  std::atomic<bool> closed{false};  // by the owner: no callback runs afterwards

  // Loop thread only.
  std::vector<std::string> writing;  // the frames of the async_write in flight
  bool close_when_written = false;

  std::mutex mutex;  // guards the outgoing queue below
  std::deque<std::string> queue;  // frames not yet handed to asio, in send order
  size_t queued_bytes = 0;        // queue + the write in flight
  bool write_posted = false;      // a writeQueued is posted or its write in flight
  bool dropping = false;          // disconnected or failed: further frames are dropped
};

void closeSocket(Connection& c) {
  asio::error_code ec;
  c.linger.cancel();
  if (!c.socket.is_open()) return;
  c.socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  c.socket.close(ec);
}

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

// Loop thread: writes everything queued in one async_write, then looks again.
void writeQueued(std::shared_ptr<Connection> connection) {
  Connection& c = *connection;
  {
    std::lock_guard lock(c.mutex);
    if (c.queue.empty() || c.dropping) {
      c.write_posted = false;
      c.queue.clear();
    } else {
      c.writing.assign(std::make_move_iterator(c.queue.begin()), std::make_move_iterator(c.queue.end()));
      c.queue.clear();
    }
  }
  if (c.writing.empty()) {
    if (c.close_when_written) closeSocket(c);
    return;
  }
  std::vector<asio::const_buffer> buffers;
  size_t bytes = 0;
  for (const std::string& frame : c.writing) {
    buffers.push_back(asio::buffer(frame));
    bytes += frame.size();
  }
  asio::async_write(c.socket, buffers, [connection, bytes](const asio::error_code& ec, size_t) {
    Connection& c = *connection;
    c.writing.clear();
    {
      std::lock_guard lock(c.mutex);
      c.queued_bytes -= bytes;
      if (ec) c.dropping = true;  // the peer is gone; the pending read reports it and ends the session
    }
    writeQueued(connection);
  });
}

// Loop thread: a client whose queue passed the cap is cut off. Closing the
// socket fails its pending read, which ends the session as a disconnect does.
void disconnectSlowReader(const std::shared_ptr<Connection>& connection) {
  closeSocket(*connection);
}

// Loop thread: the owner closed the connection; what it queued before still
// goes out, for kCloseLinger at most.
void finishClosing(const std::shared_ptr<Connection>& connection) {
  Connection& c = *connection;
  c.close_when_written = true;
  {
    std::lock_guard lock(c.mutex);
    if (!c.write_posted) {
      closeSocket(c);
      return;
    }
  }
  asio::error_code ec;
  c.socket.shutdown(asio::ip::tcp::socket::shutdown_receive, ec);
  c.linger.expires_after(kCloseLinger);
  c.linger.async_wait([connection](const asio::error_code& ec) {
    if (!ec) closeSocket(*connection);
  });
}

class TcpConnectionTransport final : public Transport {
 public:
  TcpConnectionTransport(asio::ip::tcp::socket socket, const TcpOptions& options)
      : connection_(std::make_shared<Connection>(std::move(socket), options)) {}
  ~TcpConnectionTransport() override { close(); }

  void start(TransportCallbacks callbacks) override {
    connection_->callbacks = std::move(callbacks);
    readSome(connection_);
  }

  // Any thread; never blocks on the socket.
  void send(std::string body) override {
    std::string frame = protocol::encodeFrame(body);
    Connection& c = *connection_;
    bool post_write = false;
    size_t over_cap = 0;
    {
      std::lock_guard lock(c.mutex);
      if (c.closed || c.dropping) return;
      if (c.queued_bytes + frame.size() > c.max_queued_bytes) {
        over_cap = c.queued_bytes + frame.size();
        c.dropping = true;
        c.queue.clear();
      } else {
        c.queued_bytes += frame.size();
        c.queue.push_back(std::move(frame));
        post_write = !c.write_posted;
        c.write_posted = true;
      }
    }
    if (over_cap) {
      std::cerr << "codesearch: " << c.name << " is not reading its replies (" << over_cap
                << " bytes would be queued, the cap is " << c.max_queued_bytes << "): disconnecting it\n";
      asio::post(c.socket.get_executor(), [connection = connection_] { disconnectSlowReader(connection); });
    } else if (post_write) {
      asio::post(c.socket.get_executor(), [connection = connection_] { writeQueued(connection); });
    }
  }

  // Any thread. No callback runs after it returns; frames already sent are
  // still delivered (within kCloseLinger), later ones are dropped.
  void close() override {
    if (connection_->closed.exchange(true)) return;
    asio::post(connection_->socket.get_executor(), [connection = connection_] { finishClosing(connection); });
  }

 private:
  std::shared_ptr<Connection> connection_;
};

class TcpListenerImpl final : public TcpListener {
 public:
  TcpListenerImpl(asio::ip::tcp::acceptor acceptor, const TcpOptions& options)
      : acceptor_(std::move(acceptor)), options_(options) {}

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
        on_client_(std::make_unique<TcpConnectionTransport>(std::move(socket), options_));
      }
      acceptNext();  // a failed accept (EMFILE, a reset before accept) does not end the listener
    });
  }

  asio::ip::tcp::acceptor acceptor_;
  TcpOptions options_;
  std::function<void(std::unique_ptr<Transport>)> on_client_;
};

}  // namespace

Result<std::unique_ptr<TcpListener>> makeTcpListener(asio::io_context& io, const std::string& host, int port,
                                                     const TcpOptions& options) {
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
  return std::unique_ptr<TcpListener>(std::make_unique<TcpListenerImpl>(std::move(acceptor), options));
}

}  // namespace cs
