// Changes on disk with no editor involved, against the real daemon: files and
// directories created, rewritten, renamed, moved and deleted reach the index
// within a second when the client does not watch files for us; a branch
// switch of 1,000 files leaves the persistent index equal to a clean rebuild
// within five seconds; ignored paths and links out stay out; `codesearch index
// --watch` keeps the persistent index current; a shared TCP engine watches
// itself. Every expectation is a condition polled with a deadline.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "lsp_test_client.h"
#include "tcp_test_client.h"

namespace cs::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The deadlines are the requirement (a second for one change, five for a branch
// switch); sanitizer builds run several times slower and stretch them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kTimeScale = 10;
#else
constexpr int kTimeScale = 1;
#endif

std::vector<std::string> lexicalDaemon() { return {"serve", "--no-model", "--no-cache", "--index-threads", "1"}; }

// An editor that cannot register file watchers (Neovim 0.7, many plain LSP clients).
Json noWatcherCapabilities() {
  return Json{{"window", {{"workDoneProgress", true}}}, {"general", {{"positionEncodings", {"utf-16"}}}}};
}

std::string function(const std::string& name) { return "def " + name + "(value):\n    return value * 2\n"; }

// Directories next to a workspace, removed at the end of the test however it ends.
struct RemovedAtExit {
  std::vector<std::string> paths;
  ~RemovedAtExit() {
    std::error_code ec;
    for (const auto& path : paths) fs::remove_all(path, ec);
  }
};

template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 1000ms) {
  const auto deadline = Clock::now() + timeout * kTimeScale;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// name -> uri of every result of a lexical query.
std::map<std::string, std::string> hits(LspTestClient& client, const std::string& query) {
  std::map<std::string, std::string> out;
  auto reply = client.request("codeSearch/query", Json{{"query", query}, {"limit", 50}, {"mode", "lexical"}}, 10s);
  if (!reply || !reply->contains("result")) return out;
  for (const auto& r : (*reply)["result"]["results"]) out[r["name"].get<std::string>()] = r["uri"].get<std::string>();
  return out;
}
bool found(LspTestClient& client, const std::string& name) { return hits(client, name).count(name) > 0; }

Json status(LspTestClient& client) {
  auto reply = client.request("codeSearch/status", Json::object(), 10s);
  return reply && reply->contains("result") ? (*reply)["result"] : Json();
}

TEST(DaemonWatch, FilesAndDirectoriesChangedOnDiskWithNoEditorAreReflectedWithinASecond) {
  TempWorkspace ws;
  const std::string outside = ws.root() + "-outside";
  RemovedAtExit cleanup{{outside}};
  ws.write("keep.py", function("kept_function"));
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root(), noWatcherCapabilities());
  ASSERT_EQ(client.waitIdle(60s, 1)["files"], 1);
  Json watcher = status(client)["watcher"];
  EXPECT_EQ(watcher["mode"], "inotify") << watcher.dump();
  EXPECT_FALSE(watcher.contains("warning"));

  ws.write("created.py", function("created_on_disk"));
  EXPECT_TRUE(eventually([&] { return found(client, "created_on_disk"); })) << "file created";
  ws.write("created.py", function("rewritten_on_disk"));
  EXPECT_TRUE(eventually([&] { return found(client, "rewritten_on_disk") && !found(client, "created_on_disk"); }))
      << "file rewritten";
  fs::rename(ws.root() + "/created.py", ws.root() + "/renamed.py");
  EXPECT_TRUE(eventually([&] { return hits(client, "rewritten_on_disk")["rewritten_on_disk"] == ws.uri("renamed.py"); }))
      << "file renamed";
  fs::remove(ws.root() + "/renamed.py");
  EXPECT_TRUE(eventually([&] { return !found(client, "rewritten_on_disk"); })) << "file deleted";

  ws.write("pkg/sub/deep.py", function("deep_in_a_new_directory"));
  EXPECT_TRUE(eventually([&] { return found(client, "deep_in_a_new_directory"); })) << "directory created";
  fs::rename(ws.root() + "/pkg", outside);
  EXPECT_TRUE(eventually([&] { return !found(client, "deep_in_a_new_directory"); })) << "directory moved out";
  fs::rename(outside, ws.root() + "/pkg2");
  EXPECT_TRUE(eventually([&] {
    return hits(client, "deep_in_a_new_directory")["deep_in_a_new_directory"] == ws.uri("pkg2/sub/deep.py");
  })) << "directory moved in";
  fs::remove_all(ws.root() + "/pkg2");
  EXPECT_TRUE(eventually([&] { return !found(client, "deep_in_a_new_directory"); })) << "directory deleted";
  EXPECT_EQ(status(client)["files"], 1);
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

// The report: 150 files deleted while the daemon ran stayed searchable until it restarted.
TEST(DaemonWatch, FilesDeletedOnDiskLeaveTheIndex) {
  TempWorkspace ws;
  ws.write("keep.py", function("kept_function"));
  for (int i = 0; i < 150; ++i) ws.write("gone/g" + std::to_string(i) + ".py", function("deleted_function_" + std::to_string(i)));
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root(), noWatcherCapabilities());
  ASSERT_EQ(client.waitIdle(60s, 151)["files"], 151);
  for (int i = 0; i < 150; ++i) fs::remove(ws.root() + "/gone/g" + std::to_string(i) + ".py");
  EXPECT_TRUE(eventually([&] { return status(client)["files"] == 1; }, 5000ms)) << status(client).dump();
  EXPECT_FALSE(found(client, "deleted_function_7"));
}

TEST(DaemonWatch, AWatchingClientIsTrustedAndARefusedRegistrationFallsBackToTheDaemon) {
  TempWorkspace ws;
  ws.write("keep.py", function("kept_function"));
  {
    LspTestClient client(lexicalDaemon());
    client.initialize(ws.root());  // registers file watchers: the client reports changes
    client.waitIdle(60s, 1);
    EXPECT_EQ(status(client)["watcher"]["mode"], "client");
  }
  LspTestClient client(lexicalDaemon());
  client.refuseServerRequests("client/registerCapability");
  client.initialize(ws.root());
  client.waitIdle(60s, 1);
  EXPECT_TRUE(eventually([&] { return status(client)["watcher"]["mode"] == "inotify"; }, 10s));
  ws.write("new.py", function("seen_after_the_refusal"));
  EXPECT_TRUE(eventually([&] { return found(client, "seen_after_the_refusal"); }));
}

TEST(DaemonWatch, IgnoredPathsAndSymbolicLinksOutStayOut) {
  TempWorkspace ws;
  const std::string outside = ws.root() + "-secret";
  RemovedAtExit cleanup{{outside}};
  fs::create_directories(outside);
  std::ofstream(outside + "/secret.py") << function("secret_outside_the_workspace");
  ws.write(".gitignore", "build/\n");
  ws.write("keep.py", function("kept_function"));
  LspTestClient client(lexicalDaemon());
  client.initialize(ws.root(), noWatcherCapabilities());
  client.waitIdle(60s, 1);
  ws.write("build/generated.py", function("ignored_on_disk"));
  fs::create_directory_symlink(outside, ws.root() + "/linked");
  fs::create_symlink(outside + "/secret.py", ws.root() + "/linked_file.py");
  ws.write("marker.py", function("written_after_the_rest"));  // once it is in, the events before it were seen
  EXPECT_TRUE(eventually([&] { return found(client, "written_after_the_rest"); }));
  client.waitIdle(10s);
  EXPECT_FALSE(found(client, "ignored_on_disk"));
  EXPECT_FALSE(found(client, "secret_outside_the_workspace"));
  EXPECT_EQ(status(client)["files"], 2);
}

// ---- the persistent index ----------------------------------------------------

pid_t spawnCli(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    static std::string daemon = CS_DAEMON_PATH;
    argv.push_back(daemon.data());
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(daemon.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int waitForExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string indexFile(const fs::path& cache) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(cache, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->path().filename() == "index.sqlite") return it->path().string();
  }
  return "";
}

// Per workspace-relative path, the stored chunks (ord, hash and chunk JSON with the root taken out).
using StoredChunks = std::map<std::string, std::vector<std::string>>;

StoredChunks storedChunks(const fs::path& cache, const std::string& root) {
  StoredChunks out;
  const std::string db_path = indexFile(cache);
  sqlite3* db = nullptr;
  if (db_path.empty() || sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 1000);
  auto text = [](sqlite3_stmt* s, int column) {
    const unsigned char* t = sqlite3_column_text(s, column);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  };
  auto relative = [&](std::string s) {
    for (size_t at = s.find(root); at != std::string::npos; at = s.find(root, at)) s.erase(at, root.size());
    return s;
  };
  sqlite3_stmt* files = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT path FROM files", -1, &files, nullptr) == SQLITE_OK) {
    while (sqlite3_step(files) == SQLITE_ROW) out[relative(text(files, 0))];
  }
  sqlite3_finalize(files);
  sqlite3_stmt* chunks = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT path, ord, hash, chunk FROM chunks ORDER BY path, ord", -1, &chunks, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(chunks) == SQLITE_ROW) {
      out[relative(text(chunks, 0))].push_back(std::to_string(sqlite3_column_int(chunks, 1)) + " " + text(chunks, 2) +
                                               " " + relative(text(chunks, 3)));
    }
  }
  sqlite3_finalize(chunks);
  sqlite3_close(db);
  return out;
}

std::string module(int i, int version) {
  std::string s = "\"\"\"Module " + std::to_string(i) + ".\"\"\"\n";
  for (int f = 0; f < 3; ++f) {
    s += "def op_" + std::to_string(i) + "_" + std::to_string(f) + "_v" + std::to_string(version) +
         "(items):\n    return [x for x in items if x > " + std::to_string(f) + "]\n\n";
  }
  return s;
}

std::string modulePath(int i) { return "pkg" + std::to_string(i % 10) + "/m" + std::to_string(i) + ".py"; }

// The other branch: the 1,000 modules rewritten, 150 new files in a new directory.
void writeOtherBranch(const std::string& root) {
  for (int i = 0; i < 1000; ++i) {
    fs::create_directories(fs::path(root + "/" + modulePath(i)).parent_path());
    std::ofstream(root + "/" + modulePath(i)) << module(i, 1);
  }
  fs::create_directories(root + "/new");
  for (int i = 0; i < 150; ++i) std::ofstream(root + "/new/n" + std::to_string(i) + ".py") << module(9000 + i, 1);
}

TEST(DaemonWatch, ABranchSwitchOfAThousandFilesMatchesACleanRebuildWithinFiveSeconds) {
  TempWorkspace ws;
  const fs::path cache = ws.root() + "-cache";
  const std::string other = ws.root() + "-other";
  const fs::path other_cache = ws.root() + "-other-cache";
  RemovedAtExit cleanup{{cache.string(), other, other_cache.string()}};
  for (int i = 0; i < 1000; ++i) ws.write(modulePath(i), module(i, 0));
  for (int i = 0; i < 150; ++i) ws.write("old/o" + std::to_string(i) + ".py", module(5000 + i, 0));
  // The clean rebuild: the other branch checked out elsewhere and indexed from scratch.
  writeOtherBranch(other);
  ASSERT_EQ(waitForExit(spawnCli({"index", other, "--no-model", "--cache-dir", other_cache.string()})), 0);
  const StoredChunks reference = storedChunks(other_cache, other);
  ASSERT_EQ(reference.size(), 1150u);

  LspTestClient client({"serve", "--no-model", "--cache-dir", cache.string(), "--index-threads", "1"});
  client.initialize(ws.root(), noWatcherCapabilities());
  ASSERT_EQ(client.waitIdle(120s, 1150)["files"], 1150);

  const auto switch_start = Clock::now();
  fs::remove_all(ws.root() + "/old");
  writeOtherBranch(ws.root());
  // Timed from the end of the checkout: the index cannot show what is not on disk yet.
  const auto switched = Clock::now();
  // Reading the whole index costs the daemon CPU on a small machine: only when it is idle.
  const bool equal = eventually([&] {
    std::this_thread::sleep_for(40ms);
    return status(client)["state"] == "idle" && storedChunks(cache, ws.root()) == reference;
  }, 5000ms);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - switched);
  EXPECT_TRUE(equal) << "the persistent index differs from a clean rebuild " << took.count() << " ms after the switch";
  std::cerr << "branch switch of 1,150 files (written in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(switched - switch_start).count()
            << " ms) reflected in the persistent index " << took.count() << " ms after the last write\n";
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

TEST(CliIndexWatch, KeepsThePersistentIndexCurrentUntilSigterm) {
  TempWorkspace ws;
  const fs::path cache = ws.root() + "-cache";
  RemovedAtExit cleanup{{cache.string()}};
  ws.write("first.py", function("first_function"));
  pid_t pid = spawnCli({"index", ws.root(), "--watch", "--no-model", "--cache-dir", cache.string()});
  struct KilledAtExit {
    pid_t& pid;
    ~KilledAtExit() {
      if (pid > 0 && ::kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
    }
  } guard{pid};
  ASSERT_TRUE(eventually([&] { return storedChunks(cache, ws.root()).count("/first.py"); }, 60s));

  ws.write("pkg/second.py", function("second_function"));
  EXPECT_TRUE(eventually([&] { return storedChunks(cache, ws.root()).count("/pkg/second.py"); })) << "created";
  fs::remove(ws.root() + "/first.py");
  EXPECT_TRUE(eventually([&] { return !storedChunks(cache, ws.root()).count("/first.py"); })) << "deleted";

  ::kill(pid, SIGTERM);
  EXPECT_EQ(waitForExit(pid), 0);
  pid = -1;
}

TEST(DaemonWatch, ASharedTcpEngineWatchesTheDiskItself) {
  TempWorkspace ws;
  ws.write("keep.py", function("kept_function"));
  const int port = 20000 + static_cast<int>((getpid() * 7 + 11) % 20000);
  LspTestClient daemon({"serve", "--no-model", "--no-cache", "--root", ws.root(), "--listen",
                        "127.0.0.1:" + std::to_string(port)});
  auto client = TcpLspClient::connect(port);
  ASSERT_TRUE(client.has_value());
  // Even a client able to watch files: the engine outlives its sessions.
  ASSERT_TRUE(client->initialize(ws.root(), LspTestClient::default_capabilities()));
  auto tcpStatus = [&] {
    auto reply = client->request("codeSearch/status", Json::object());
    return reply && reply->contains("result") ? (*reply)["result"] : Json();
  };
  ASSERT_TRUE(eventually([&] { return tcpStatus()["state"] == "idle" && tcpStatus()["files"] == 1; }, 60s));
  EXPECT_EQ(tcpStatus()["watcher"]["mode"], "inotify");
  ws.write("new.py", function("seen_by_the_shared_engine"));
  EXPECT_TRUE(eventually([&] {
    auto reply = client->request("codeSearch/query", {{"query", "seen_by_the_shared_engine"}, {"mode", "lexical"}});
    return reply && reply->contains("result") && !(*reply)["result"]["results"].empty() &&
           (*reply)["result"]["results"][0]["name"] == "seen_by_the_shared_engine";
  }));
}

}  // namespace
}  // namespace cs::test
