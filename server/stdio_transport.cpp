// Stdio transport: FdTransport (server/fd_transport.h) with LSP base-protocol
// framing on stdin/stdout.
#include <unistd.h>

#include "protocol/framing.h"
#include "server/fd_transport.h"
#include "server/transport.h"

namespace cs {

std::unique_ptr<Transport> makeStdioTransport(asio::io_context& io) {
  return std::make_unique<FdTransport<protocol::FrameDecoder, protocol::encodeFrame>>(io, STDIN_FILENO, STDOUT_FILENO);
}

}  // namespace cs
