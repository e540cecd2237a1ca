// Transport: moves LSP frames between the daemon and one client. Implementations
// decode incoming bytes into message bodies (protocol::FrameDecoder) and frame
// outgoing bodies; they know nothing about JSON-RPC semantics.
//
// Thread-safety: start() is called once on the event-loop thread; every callback
// runs on the event-loop thread; send() and close() may be called from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <asio/io_context.hpp>

#include "support/result.h"

namespace cs {

struct TransportCallbacks {
  std::function<void(std::string body)> on_message;
  std::function<void(const Error& error)> on_frame_error;  // bad header, oversized frame, ...
  std::function<void()> on_closed;                         // peer went away (EOF, reset)
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void start(TransportCallbacks callbacks) = 0;
  virtual void send(std::string body) = 0;
  virtual void close() = 0;
};

// stdin/stdout. Reads on a dedicated blocking thread (works for pipes, files and
// terminals alike) and hands bytes to the loop; send() writes on the calling
// thread, serialised by a mutex (server/fd_transport.h).
std::unique_ptr<Transport> makeStdioTransport(asio::io_context& io);

struct TcpOptions {
  // Replies queued for one connection and not yet taken by its socket. A
  // client that stops reading is disconnected (with a line on stderr) once
  // its queue would pass this; it never stalls the loop or other clients.
  size_t max_queued_bytes = size_t{64} << 20;
};

// A loopback TCP listener: every accepted connection becomes a Transport of
// its own, handed to `on_client` on the loop thread. Non-loopback addresses
// are refused. A connection's send() only queues the frame; the loop writes
// it asynchronously. Thread-safety: the listener on the loop thread only; its
// connections as Transport.
class TcpListener {
 public:
  virtual ~TcpListener() = default;
  virtual void start(std::function<void(std::unique_ptr<Transport>)> on_client) = 0;
  virtual void close() = 0;  // stops accepting; connections already made stay
  virtual int port() const = 0;
};
Result<std::unique_ptr<TcpListener>> makeTcpListener(asio::io_context& io, const std::string& host, int port,
                                                     const TcpOptions& options = {});

// In-process transport for tests: server/memory_transport.h.

}  // namespace cs
