// Transport: moves LSP frames between the daemon and one client. Implementations
// decode incoming bytes into message bodies (protocol::FrameDecoder) and frame
// outgoing bodies; they know nothing about JSON-RPC semantics.
//
// Thread-safety: start() is called once on the event-loop thread; every callback
// runs on the event-loop thread; send() and close() may be called from any thread.
#pragma once

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
// terminals alike) and hands bytes to the loop; writes happen on the loop.
std::unique_ptr<Transport> makeStdioTransport(asio::io_context& io);

// One client connection accepted on a loopback TCP port.
Result<std::unique_ptr<Transport>> makeTcpTransport(asio::io_context& io, const std::string& host, int port);

}  // namespace cs
