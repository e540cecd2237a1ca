// Crash consistency: `codesearch index` is killed with SIGKILL at random
// moments while it indexes and re-indexes a workspace (files edited, added and
// deleted between runs), ten times; then it runs to completion and its index
// must equal a clean rebuild's: the same files with the same stamps, the same
// chunks, the same vectors, and SQLite's integrity_check says ok. Bounded: a
// few seconds per round.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "lsp_test_client.h"

namespace cs::test {
namespace {

namespace fs = std::filesystem;

// Runs `codesearch ARGS`; kills it with SIGKILL after `kill_after` unless it ended. Returns the
// exit code, or -9 when killed.
int runCli(const std::vector<std::string>& args, std::optional<std::chrono::milliseconds> kill_after) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    std::vector<char*> argv;
    static std::string daemon = CS_DAEMON_PATH;
    argv.push_back(daemon.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(daemon.c_str(), argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + kill_after.value_or(std::chrono::minutes(5));
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    }
    std::this_thread::sleep_for(2ms);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::string findIndexFile(const fs::path& cache) {
  for (const auto& entry : fs::recursive_directory_iterator(cache)) {
    if (entry.path().filename() == "index.sqlite") return entry.path().string();
  }
  return "";
}

struct Snapshot {
  std::map<std::string, std::pair<int64_t, int64_t>> files;  // path -> (mtime_ns, size)
  std::map<std::pair<std::string, int>, std::string> chunks;  // (path, ord) -> hash + chunk JSON
  std::map<std::pair<std::string, int>, std::vector<float>> vectors;
  std::string integrity;
};

Snapshot snapshot(const std::string& db_path) {
  Snapshot out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path;
    return out;
  }
  auto each = [&](const char* sql, const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    while (sqlite3_step(statement) == SQLITE_ROW) row(statement);
    sqlite3_finalize(statement);
  };
  auto text = [](sqlite3_stmt* s, int column) {
    const unsigned char* t = sqlite3_column_text(s, column);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  };
  each("PRAGMA integrity_check", [&](sqlite3_stmt* s) { out.integrity += text(s, 0); });
  each("SELECT path, mtime_ns, size FROM files", [&](sqlite3_stmt* s) {
    out.files[text(s, 0)] = {sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2)};
  });
  each("SELECT path, ord, hash, chunk, vector FROM chunks", [&](sqlite3_stmt* s) {
    auto key = std::make_pair(text(s, 0), sqlite3_column_int(s, 1));
    out.chunks[key] = text(s, 2) + "\n" + text(s, 3);
    const void* blob = sqlite3_column_blob(s, 4);
    int bytes = sqlite3_column_bytes(s, 4);
    std::vector<float> v(static_cast<size_t>(bytes) / sizeof(float));
    if (blob && bytes) std::memcpy(v.data(), blob, v.size() * sizeof(float));
    out.vectors[key] = std::move(v);
  });
  sqlite3_close(db);
  return out;
}

TEST(CrashConsistencyWithModel, KilledIndexingLeavesAnIndexThatCatchesUpToACleanRebuild) {
  TempWorkspace ws;
  std::mt19937 random(20240614u ^ static_cast<unsigned>(getpid()));
  auto module = [](int i, int version) {
    std::string s = "\"\"\"Module " + std::to_string(i) + ".\"\"\"\n";
    for (int f = 0; f < 12; ++f) {
      s += "def op_" + std::to_string(i) + "_" + std::to_string(f) + "_v" + std::to_string(version) +
           "(items, limit=" + std::to_string(f) + "):\n    \"\"\"Filter the items above the limit.\"\"\"\n"
           "    return [x for x in items if x > limit]\n\n";
    }
    s += "class Store" + std::to_string(i) + ":\n    def load(self, key):\n        return self.data[key]\n";
    return s;
  };
  for (int i = 0; i < 80; ++i) ws.write("pkg/m" + std::to_string(i) + ".py", module(i, 0));
  const fs::path cache = fs::path(ws.root()).parent_path() / (fs::path(ws.root()).filename().string() + "-cache");
  const fs::path clean = fs::path(ws.root()).parent_path() / (fs::path(ws.root()).filename().string() + "-clean");
  const std::string model = std::string(CS_SOURCE_DIR) + "/model/weights/codesearch-model.bin";
  const std::vector<std::string> common = {"--model", model, "--index-threads", "2", "--torch-threads", "1"};
  auto indexArgs = [&](const fs::path& dir) {
    std::vector<std::string> args = {"index", ws.root(), "--cache-dir", dir.string()};
    args.insert(args.end(), common.begin(), common.end());
    return args;
  };

  // How long one full index takes here, so the kills land inside it.
  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(runCli(indexArgs(clean), std::nullopt), 0);
  auto full = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  fs::remove_all(clean);
  fs::remove_all(cache);

  int killed = 0;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {  // re-indexing: edit, add and delete between runs
      for (int k = 0; k < 15; ++k) {
        int i = static_cast<int>(random() % 80);
        ws.write("pkg/m" + std::to_string(i) + ".py", module(i, round));
      }
      ws.write("pkg/new" + std::to_string(round) + ".py", module(100 + round, round));
      fs::remove(fs::path(ws.root()) / "pkg" / ("new" + std::to_string(round - 1) + ".py"));
    }
    std::uniform_int_distribution<long> when(0, std::max<long>(1, full.count()));
    int rc = runCli(indexArgs(cache), std::chrono::milliseconds(when(random)));
    if (rc == -SIGKILL) ++killed;
    else EXPECT_EQ(rc, 0) << "round " << round;
  }
  EXPECT_GE(killed, 5) << "most runs should have been killed mid-way (full index: " << full.count() << " ms)";

  ASSERT_EQ(runCli(indexArgs(cache), std::nullopt), 0);  // restart: catches up
  ASSERT_EQ(runCli(indexArgs(clean), std::nullopt), 0);   // clean rebuild
  Snapshot recovered = snapshot(findIndexFile(cache));
  Snapshot rebuilt = snapshot(findIndexFile(clean));
  EXPECT_EQ(recovered.integrity, "ok");
  EXPECT_EQ(rebuilt.integrity, "ok");
  EXPECT_EQ(recovered.files, rebuilt.files);
  EXPECT_EQ(recovered.chunks.size(), rebuilt.chunks.size());
  EXPECT_TRUE(recovered.chunks == rebuilt.chunks) << "chunk rows differ";
  ASSERT_EQ(recovered.vectors.size(), rebuilt.vectors.size());
  size_t compared = 0;
  for (const auto& [key, v] : rebuilt.vectors) {
    auto it = recovered.vectors.find(key);
    ASSERT_NE(it, recovered.vectors.end()) << key.first << "#" << key.second;
    ASSERT_EQ(it->second.size(), v.size()) << key.first << "#" << key.second;
    for (size_t d = 0; d < v.size(); ++d) {
      ASSERT_NEAR(it->second[d], v[d], 1e-4) << key.first << "#" << key.second;
    }
    compared += v.empty() ? 0 : 1;
  }
  EXPECT_GT(compared, 0u);  // vectors were stored (the model ran)
  fs::remove_all(cache);
  fs::remove_all(clean);
}

}  // namespace
}  // namespace cs::test
