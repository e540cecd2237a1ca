// MemoryTransport: an in-process Transport, so the LSP layer can be tested
// without a process or a socket (as clangd tests its LSP layer). The "client"
// side is the test: clientSend() frames a body and delivers it on the loop
// thread the way the stdio reader does (all frames of one clientSendBatch()
// in one turn, so a $/cancelRequest behind its request wins);
// clientClose() is end of input. What the server sends is queued for
// takeMessage()/waitFor(). The io_context must be running on some thread
// (the test usually runs it on a background thread).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>

#include "protocol/framing.h"
#include "server/transport.h"

namespace cs {

class MemoryTransport final : public Transport {
 public:
  explicit MemoryTransport(asio::io_context& io) : io_(io) {}

  // Transport (the server's side).
  void start(TransportCallbacks callbacks) override;
  void send(std::string body) override;
  void close() override;

  // The client's side.
  void clientSend(const std::string& body) { clientSendBatch({body}); }
  void clientSendBatch(const std::vector<std::string>& bodies);
  void clientSendRaw(const std::string& bytes);  // already framed (or deliberately not)
  void clientClose();                            // end of input
  // The next body the server sent, waiting up to `timeout`.
  std::optional<std::string> takeMessage(std::chrono::milliseconds timeout);
  // Every body sent so far, in order (not consumed).
  std::vector<std::string> sent() const;
  // Waits until some sent body satisfies `match`; returns it.
  std::optional<std::string> waitFor(const std::function<bool(const std::string&)>& match,
                                     std::chrono::milliseconds timeout);
  bool closedByServer() const;

 private:
  asio::io_context& io_;
  TransportCallbacks callbacks_;
  protocol::FrameDecoder decoder_;  // loop thread only
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> unread_;
  std::vector<std::string> all_;
  bool closed_ = false;
};

}  // namespace cs
