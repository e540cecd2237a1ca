// FdTransport (server/fd_transport.h) over pipes, with both framings: bytes
// become bodies on the loop thread, a batch read together is dispatched
// together, garbage resynchronises, end of input closes, and concurrent sends
// never interleave.
#include "server/fd_transport.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include "protocol/framing.h"
#include "protocol/line_framing.h"

namespace cs {
namespace {

using LspTransport = FdTransport<protocol::FrameDecoder, protocol::encodeFrame>;
using LineTransport = FdTransport<protocol::LineDecoder, protocol::encodeLine>;

struct Pipe {
  int read_end = -1, write_end = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    closeWrite();
    if (read_end >= 0) ::close(read_end);
  }
  void write(const std::string& bytes) const { ASSERT_EQ(::write(write_end, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
  void closeWrite() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
  std::string readAvailable() const {
    std::string out;
    ::fcntl(read_end, F_SETFL, O_NONBLOCK);
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(read_end, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
    return out;
  }
};

// What the transport handed to the loop, and on which thread.
struct Received {
  std::vector<std::string> bodies;
  std::vector<std::string> errors;
  bool closed = false;
  bool off_loop = false;
};

// Runs the loop until `done` holds or 10 s pass.
template <typename Done>
void runUntil(asio::io_context& io, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(20));
    io.restart();
  }
}

template <typename T>
TransportCallbacks record(Received& received, std::thread::id loop) {
  TransportCallbacks callbacks;
  callbacks.on_message = [&received, loop](std::string body) {
    received.off_loop |= std::this_thread::get_id() != loop;
    received.bodies.push_back(std::move(body));
  };
  callbacks.on_frame_error = [&received](const Error& e) { received.errors.push_back(e.message); };
  callbacks.on_closed = [&received] { received.closed = true; };
  return callbacks;
}

TEST(FdTransport, LspFramesArriveOnTheLoopInOrderAcrossSplitsAndGarbage) {
  asio::io_context io;
  Pipe in, out;
  LspTransport transport(io, in.read_end, out.write_end);
  Received received;
  transport.start(record<LspTransport>(received, std::this_thread::get_id()));
  const std::string first = protocol::encodeFrame(R"({"id":1})");
  const std::string second = protocol::encodeFrame(R"({"id":2})");
  in.write(first + second.substr(0, 10));  // two frames, the second split across writes
  runUntil(io, [&] { return received.bodies.size() == 1; });
  in.write(second.substr(10) + "garbage that is no header\r\n\r\n" + protocol::encodeFrame(R"({"id":3})"));
  runUntil(io, [&] { return received.bodies.size() == 3; });
  ASSERT_EQ(received.bodies.size(), 3u);
  EXPECT_EQ(received.bodies[0], R"({"id":1})");
  EXPECT_EQ(received.bodies[1], R"({"id":2})");
  EXPECT_EQ(received.bodies[2], R"({"id":3})");
  EXPECT_FALSE(received.errors.empty());  // the garbage was reported, then skipped
  EXPECT_FALSE(received.off_loop);
  EXPECT_FALSE(received.closed);
  in.closeWrite();
  runUntil(io, [&] { return received.closed; });
  EXPECT_TRUE(received.closed);
}

TEST(FdTransport, ConcurrentSendsNeverInterleave) {
  asio::io_context io;
  Pipe in, out;
  ::fcntl(out.write_end, F_SETPIPE_SZ, 1 << 20);
  LineTransport transport(io, in.read_end, out.write_end);
  Received received;
  transport.start(record<LineTransport>(received, std::this_thread::get_id()));
  const std::string a(20000, 'a'), b(20000, 'b');  // larger than one pipe write may carry atomically
  std::string got;
  std::thread reader([&] {
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(out.read_end, buffer, sizeof buffer)) > 0) got.append(buffer, static_cast<size_t>(n));
  });
  {
    std::vector<std::thread> senders;
    for (const std::string* body : {&a, &b}) {
      senders.emplace_back([&transport, body] {
        for (int i = 0; i < 20; ++i) transport.send("\"" + *body + "\"");
      });
    }
    for (auto& s : senders) s.join();
  }
  out.closeWrite();
  reader.join();
  protocol::LineDecoder decoder;
  decoder.feed(got);
  int lines = 0;
  while (auto message = decoder.next()) {
    ASSERT_TRUE(message->ok());
    const std::string& body = message->value();
    EXPECT_TRUE(body == "\"" + a + "\"" || body == "\"" + b + "\"") << body.substr(0, 40);
    ++lines;
  }
  EXPECT_EQ(lines, 40);
  in.closeWrite();
  runUntil(io, [&] { return received.closed; });
}

}  // namespace
}  // namespace cs
