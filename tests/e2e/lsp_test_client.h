// LspTestClient: drives the real `codesearch serve` process over pipes the way
// an editor does. Requests block until their response (or a timeout);
// notifications and server-to-client requests are recorded, and the usual
// server requests (progress token creation, capability registration) are
// answered automatically. For tests only.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/framing.h"

namespace cs::test {

using Json = nlohmann::json;
using namespace std::chrono_literals;

class LspTestClient {
 public:
  explicit LspTestClient(std::vector<std::string> args) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], STDIN_FILENO);
      dup2(from_child[1], STDOUT_FILENO);
      close(to_child[1]);
      close(from_child[0]);
      std::vector<char*> argv;
      static std::string daemon = CS_DAEMON_PATH;
      argv.push_back(daemon.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(daemon.c_str(), argv.data());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    write_fd_ = to_child[1];
    read_fd_ = from_child[0];
    reader_ = std::thread([this] { readLoop(); });
  }

  // The daemon is asked to end as an editor would end it (end of input; SIGTERM
  // for `serve --listen`), so it cleans up after itself; SIGKILL only when it
  // does not end within a few seconds.
  ~LspTestClient() {
    {
      std::lock_guard lock(write_mutex_);
      if (write_fd_ >= 0) close(write_fd_);
      write_fd_ = -1;
    }
    if (pid_ > 0 && !exited_ && waitExit(2s) < 0) {
      kill(pid_, SIGTERM);
      if (waitExit(2s) < 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
    }
    if (reader_.joinable()) reader_.join();
    if (read_fd_ >= 0) close(read_fd_);
  }

  // Closes the daemon's stdin (end of input, as when the editor dies); the
  // process is left running for the test to watch.
  void closeInput() {
    std::lock_guard lock(write_mutex_);
    if (write_fd_ >= 0) ::close(write_fd_);
    write_fd_ = -1;
  }

  // Whole writes under a lock: the reader thread answers server requests
  // while a test may be writing a large frame.
  void sendRaw(const std::string& bytes) {
    std::lock_guard lock(write_mutex_);
    const char* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(write_fd_, p, left);
      if (n <= 0) return;
      p += n;
      left -= static_cast<size_t>(n);
    }
  }
  void sendJson(const Json& message) { sendRaw(protocol::encodeFrame(message.dump())); }

  int sendRequest(const std::string& method, const Json& params) {
    int id = next_id_++;
    sendJson(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    return id;
  }
  void notify(const std::string& method, const Json& params) {
    sendJson(Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }

  // Waits for the response to `id`; nullopt on timeout.
  std::optional<Json> waitResponse(const Json& id, std::chrono::milliseconds timeout = 60s) {
    std::unique_lock lock(mutex_);
    std::optional<Json> found;
    cv_.wait_for(lock, timeout, [&] {
      for (auto it = responses_.begin(); it != responses_.end(); ++it) {
        if ((*it)["id"] == id) {
          found = *it;
          responses_.erase(it);
          return true;
        }
      }
      return closed_;
    });
    return found;
  }
  std::optional<Json> request(const std::string& method, const Json& params,
                              std::chrono::milliseconds timeout = 60s) {
    return waitResponse(sendRequest(method, params), timeout);
  }
  // Waits for a response with a null id (errors about unparseable messages).
  std::optional<Json> waitNullIdResponse(std::chrono::milliseconds timeout = 10s) { return waitResponse(nullptr, timeout); }

  std::vector<Json> notifications(const std::string& method) {
    std::lock_guard lock(mutex_);
    std::vector<Json> out;
    for (const auto& n : notifications_) {
      if (n["method"] == method) out.push_back(n);
    }
    return out;
  }
  // Server requests of this method are answered with an error from now on.
  void refuseServerRequests(const std::string& method) {
    std::lock_guard lock(mutex_);
    refused_.push_back(method);
  }
  std::vector<Json> serverRequests(const std::string& method) {
    std::lock_guard lock(mutex_);
    std::vector<Json> out;
    for (const auto& n : server_requests_) {
      if (n["method"] == method) out.push_back(n);
    }
    return out;
  }

  Json initialize(const std::string& root, const Json& capabilities = default_capabilities()) {
    auto response = request("initialize", Json{{"processId", getpid()},
                                               {"rootUri", "file://" + root},
                                               {"workspaceFolders", {{{"uri", "file://" + root}, {"name", "ws"}}}},
                                               {"capabilities", capabilities}});
    if (!response) throw std::runtime_error("no initialize response");
    notify("initialized", Json::object());
    return *response;
  }

  static Json default_capabilities() {
    return Json{{"window", {{"workDoneProgress", true}}},
                {"workspace", {{"didChangeWatchedFiles", {{"dynamicRegistration", true}}}}},
                {"general", {{"positionEncodings", {"utf-16"}}}}};
  }

  // Polls codeSearch/status until idle (and, optionally, at least `min_chunks` chunks).
  Json waitIdle(std::chrono::milliseconds timeout = 120s, size_t min_chunks = 0) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    Json last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto status = request("codeSearch/status", Json::object(), 10s);
      if (status && status->contains("result")) {
        last = (*status)["result"];
        if (last["state"] == "idle" && last["chunks"].get<size_t>() >= min_chunks) return last;
      }
      std::this_thread::sleep_for(50ms);
    }
    return last;
  }

  // Sends shutdown + exit and returns the process exit status (-1 on timeout).
  int shutdownAndExit() {
    request("shutdown", nullptr, 10s);
    notify("exit", nullptr);
    return waitExit();
  }
  int waitExit(std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }
  bool alive() {
    if (exited_) return false;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) exited_ = true;  // reaped here: never signal that pid again
    return r == 0;
  }
  pid_t pid() const { return pid_; }

 private:
  void readLoop() {
    char buffer[65536];
    protocol::FrameDecoder decoder;
    while (true) {
      ssize_t n = ::read(read_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      decoder.feed(std::string_view(buffer, static_cast<size_t>(n)));
      while (auto frame = decoder.next()) {
        if (!frame->ok()) continue;
        Json message = Json::parse(frame->value(), nullptr, false);
        if (message.is_discarded()) continue;
        handle(std::move(message));
      }
    }
    std::lock_guard lock(mutex_);
    closed_ = true;
    cv_.notify_all();
  }

  void handle(Json message) {
    if (message.contains("method") && message.contains("id")) {
      // Server-to-client request: accept everything, except what the test refuses.
      bool refuse = false;
      {
        std::lock_guard lock(mutex_);
        refuse = std::find(refused_.begin(), refused_.end(), message["method"]) != refused_.end();
      }
      if (refuse) {
        sendJson(Json{{"jsonrpc", "2.0"}, {"id", message["id"]}, {"error", {{"code", -32601}, {"message", "refused"}}}});
      } else {
        sendJson(Json{{"jsonrpc", "2.0"}, {"id", message["id"]}, {"result", nullptr}});
      }
      std::lock_guard lock(mutex_);
      server_requests_.push_back(std::move(message));
    } else if (message.contains("method")) {
      std::lock_guard lock(mutex_);
      notifications_.push_back(std::move(message));
    } else {
      std::lock_guard lock(mutex_);
      responses_.push_back(std::move(message));
    }
    cv_.notify_all();
  }

  pid_t pid_ = -1;
  int write_fd_ = -1;
  int read_fd_ = -1;
  bool exited_ = false;
  int next_id_ = 1;
  std::thread reader_;
  std::mutex write_mutex_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Json> responses_;
  std::vector<Json> notifications_;
  std::vector<Json> server_requests_;
  std::vector<std::string> refused_;
  bool closed_ = false;
};

// A temporary workspace directory removed at the end of the test.
class TempWorkspace {
 public:
  TempWorkspace() {
    char tmpl[] = "/tmp/codesearch-e2e-XXXXXX";
    root_ = mkdtemp(tmpl);
  }
  ~TempWorkspace() {
    std::error_code ec;
    std::filesystem::permissions(root_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(root_, ec);
  }
  std::string write(const std::string& relative, const std::string& content) {
    std::filesystem::path path = std::filesystem::path(root_) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  const std::string& root() const { return root_; }
  std::string uri(const std::string& relative) const { return "file://" + root_ + "/" + relative; }

 private:
  std::string root_;
};

}  // namespace cs::test
