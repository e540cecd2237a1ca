// The MCP stdio transport: newline-delimited JSON-RPC messages (one per line,
// protocol/line_framing.h) read from one file descriptor and written to another.
// Same Transport interface as the LSP transports (server/transport.h).
//
// Thread-safety: as Transport: start() once on the event-loop thread, every
// callback on the event-loop thread, send() and close() from any thread
// (writes are serialised by a mutex, so lines never interleave).
#pragma once

#include <memory>

#include <asio/io_context.hpp>

#include "server/transport.h"

namespace cs {

// Reads `in_fd` on a dedicated blocking thread and hands bytes to the loop;
// writes whole lines to `out_fd`.
std::unique_ptr<Transport> makeLineTransport(asio::io_context& io, int in_fd, int out_fd);

}  // namespace cs
