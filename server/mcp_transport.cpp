// Line transport: FdTransport (server/fd_transport.h) with newline framing.
#include "server/mcp_transport.h"

#include "protocol/line_framing.h"
#include "server/fd_transport.h"

namespace cs {

std::unique_ptr<Transport> makeLineTransport(asio::io_context& io, int in_fd, int out_fd) {
  return std::make_unique<FdTransport<protocol::LineDecoder, protocol::encodeLine>>(io, in_fd, out_fd);
}

}  // namespace cs
