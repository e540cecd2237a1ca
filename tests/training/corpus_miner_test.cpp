#include "training/corpus_miner.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/doc_summary.h"

namespace cs {
namespace {
namespace fs = std::filesystem;

TEST(CorpusMiner, TrainingDescriptionFilters) {
  std::string reason;
  const std::string code = "f\ndef f(a, b):\n    total = a + b\n    scaled = total * 2\n    return scaled - a * b\n";
  EXPECT_EQ(trainingDescription("Combine two numbers into a scaled total.", "f", code, "src/f.py", 4096, reason),
            "Combine two numbers into a scaled total.");
  EXPECT_EQ(trainingDescription("Too short.", "f", code, "x.py", 4096, reason), "");
  EXPECT_EQ(reason, "description under 3 words");
  EXPECT_EQ(trainingDescription("Checks that parsing works well.", "test_parse", code, "x.py", 4096, reason), "");
  EXPECT_EQ(reason, "test function");
  EXPECT_EQ(trainingDescription("Return the value of x.", "g", "g\ndef g(): return x\n", "x.py", 4096, reason), "");
  EXPECT_EQ(reason, "trivial body");
}

TEST(CorpusMiner, MaskNameDropsTheNameLineAndWholeWordUses) {
  EXPECT_EQ(maskName("Cls.walk\ndef walk(n):\n    return walk(n.next) + walker(n)", "walk"),
            "def _(n):\n    return _(n.next) + walker(n)");
}

TEST(CorpusMiner, SplitsByPackageDeduplicatesAndSkipsTests) {
  const fs::path dir = fs::temp_directory_path() / ("codesearch-mine-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string body =
      "    value = compute(a)\n    other = transform(value, a)\n    return combine(value, other, a)\n";
  std::vector<CorpusPackage> packages;
  for (int p = 0; p < 30; ++p) {
    std::string name = "pkg" + std::to_string(p);
    fs::create_directories(dir / name / "src" / "tests");
    std::ofstream(dir / name / "src" / "mod.py")
        << "def unique_" << p << "(a):\n    \"\"\"Combine the computed value with its transform for package "
        << p << ".\"\"\"\n    value = compute_" << p << "(a)\n    other = transform(value, a)\n"
        << "    return combine(value, other, a)\n\n"
        << "def shared(a):\n    \"\"\"A helper copied into every package verbatim.\"\"\"\n" << body << "\n"
        << "def merge_user_records(a, depth):\n    merged = lookup_" << p << "(a)\n"
        << "    if depth > 0:\n        merged = merge_user_records(merged, depth - 1)\n    return normalise(merged, a)\n";
    std::ofstream(dir / name / "src" / "tests" / "test_mod.py")
        << "def check_it(a):\n    \"\"\"Checks the module in a test file.\"\"\"\n" << body;
    packages.push_back(CorpusPackage{name, (dir / name).string()});
  }
  MineOptions options;
  options.output_dir = (dir / "out").string();
  options.threads = 2;
  auto stats = mineCorpus(packages, options);
  ASSERT_TRUE(stats.ok()) << stats.error().message;

  std::map<std::string, std::string> package_split;
  size_t shared_copies = 0, total = 0;
  for (const char* split : {"train", "valid", "test"}) {
    std::ifstream in(dir / "out" / (std::string(split) + ".jsonl"));
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      ++total;
      auto [it, inserted] = package_split.emplace(j["package"], split);
      EXPECT_EQ(it->second, split) << "package in two splits: " << j["package"];
      EXPECT_EQ(j["path"].get<std::string>().find("tests/"), std::string::npos);
      EXPECT_EQ(j["code"].get<std::string>().find("copied into every package"), std::string::npos);  // doc removed
      if (j["name"] == "shared") ++shared_copies;
    }
  }
  EXPECT_EQ(shared_copies, 1u);  // exact duplicates across packages are kept once
  EXPECT_EQ(total, 31u);         // 30 unique functions + 1 shared
  EXPECT_GT(stats->dropped["duplicate code"], 0u);
  EXPECT_GT(stats->dropped["test file"], 0u);
  std::set<std::string> splits;
  for (const auto& [package, split] : package_split) splits.insert(split);
  EXPECT_GE(splits.size(), 2u);
  EXPECT_EQ(splitForPackage("libpython3.11-stdlib", options), "test");

  // Undocumented functions of training packages become name pairs, the name masked.
  size_t name_pairs = 0;
  std::ifstream names(dir / "out" / "train_names.jsonl");
  for (std::string line; std::getline(names, line);) {
    auto j = nlohmann::json::parse(line);
    ++name_pairs;
    EXPECT_EQ(splitForPackage(j["package"], options), "train");
    EXPECT_EQ(j["doc"], "merge user records");
    EXPECT_EQ(j["code"].get<std::string>().find("merge_user_records"), std::string::npos);
    EXPECT_NE(j["code"].get<std::string>().find("_(merged, depth - 1)"), std::string::npos);
  }
  EXPECT_EQ(name_pairs, stats->pairs["train_names"]["python"]);
  EXPECT_GT(name_pairs, 10u);
  fs::remove_all(dir);
}

TEST(CorpusMiner, MinesTheDocConventionsOfTheLanguagesAddedLater) {
  const fs::path dir = fs::temp_directory_path() / "codesearch-mine-langs-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "pkg" / "lib");
  std::ofstream(dir / "pkg" / "lib" / "conn.ex")
      << "defmodule Plug.Conn do\n  @moduledoc \"The connection.\"\n\n"
      << "  @doc \"\"\"\n  Puts a response header into the connection.\n\n  ## Examples\n\n"
      << "      iex> put_resp_header(conn, \"a\", \"b\")\n  \"\"\"\n"
      << "  @spec put_resp_header(t, binary, binary) :: t\n"
      << "  def put_resp_header(%Conn{resp_headers: headers} = conn, key, value) do\n"
      << "    headers = List.keystore(headers, key, 0, {key, value})\n    %{conn | resp_headers: headers}\n  end\nend\n";
  std::ofstream(dir / "pkg" / "lib" / "Header.hs")
      << "module Header where\n\n-- | Splits a header line into its 'name' and value parts.\n"
      << "splitHeader :: Text -> (Text, Text)\nsplitHeader line =\n"
      << "  let (name, rest) = breakOn colon line\n      value = strip (drop 1 rest)\n  in (strip name, value)\n";
  std::ofstream(dir / "pkg" / "lib" / "buffers.lua")
      << "local M = {}\n\n--- Returns the names of all listed buffers.\n---@return string[]\n"
      << "function M.listed_names()\n  local names = {}\n  for _, buf in ipairs(vim.api.nvim_list_bufs()) do\n"
      << "    if vim.bo[buf].buflisted then table.insert(names, vim.api.nvim_buf_get_name(buf)) end\n  end\n"
      << "  return names\nend\n\nreturn M\n";
  MineOptions options;
  options.output_dir = (dir / "out").string();
  options.threads = 1;
  options.test_packages = {"pkg"};
  auto stats = mineCorpus({CorpusPackage{"pkg", (dir / "pkg").string()}}, options);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  std::map<std::string, std::string> docs;  // language -> description
  std::ifstream in(dir / "out" / "test.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    docs[j["language"]] = j["doc"];
  }
  EXPECT_EQ(docs["elixir"], "Puts a response header into the connection.");
  EXPECT_EQ(docs["haskell"], "Splits a header line into its name and value parts.");
  EXPECT_EQ(docs["lua"], "Returns the names of all listed buffers.");
  fs::remove_all(dir);
}

TEST(CorpusMiner, SkipsVendoredAndBundledJavaScriptAndKeepsOneBuildOfAFunction) {
  const fs::path dir = fs::temp_directory_path() / ("codesearch-mine-npm-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path pkg = dir / "@scope" / "retry" / "package";
  for (const char* sub : {"src", "dist", "node_modules/left-pad", "umd"}) fs::create_directories(pkg / sub);
  std::ofstream(pkg / "src" / "retry.ts")
      << "/**\n * Retries a failing request with exponential backoff.\n * @param attempts how many tries\n */\n"
      << "export async function retryRequest(send: () => Promise<Response>, attempts: number): Promise<Response> {\n"
      << "  let delay: number = 100;\n  for (let i = 0; i < attempts; i++) {\n"
      << "    try { return await send(); } catch (error) { await sleep(delay); delay *= 2; }\n  }\n"
      << "  throw new Error('out of attempts');\n}\n";
  std::ofstream(pkg / "dist" / "retry.js")
      << "/**\n * Retries a failing request with exponential backoff.\n * @param attempts how many tries\n */\n"
      << "export async function retryRequest(send, attempts) {\n"
      << "  let delay = 100;\n  for (let i = 0; i < attempts; i++) {\n"
      << "    try { return await send(); } catch (error) { await sleep(delay); delay *= 2; }\n  }\n"
      << "  throw new Error('out of attempts');\n}\n";
  std::ofstream(pkg / "src" / "shapes.js")
      << "class Circle {\n  /**\n   * Computes the area of the shape in square units.\n   */\n"
      << "  area(scale) {\n    const r = this.radius * scale;\n    return Math.PI * r * r;\n  }\n}\n"
      << "class Square {\n  /**\n   * Computes the area of the shape in square units.\n   */\n"
      << "  area(scale) {\n    const side = this.side * scale;\n    return side * side;\n  }\n}\n";
  std::ofstream(pkg / "node_modules" / "left-pad" / "index.js")
      << "/**\n * Pads a string on the left with a fill character.\n */\n"
      << "function leftPad(text, length, fill) {\n  let out = String(text);\n"
      << "  while (out.length < length) out = (fill || ' ') + out;\n  return out;\n}\n";
  std::ofstream(pkg / "umd" / "retry.umd.js")
      << "(function (global, factory) {\n  typeof exports === 'object' ? factory(exports) : factory(global.retry);\n"
      << "})(this, function (exports) {\n  /**\n   * Formats the elapsed time of every attempt made.\n   */\n"
      << "  function formatAttempts(list, unit) {\n    const parts = list.map((t) => t + unit);\n"
      << "    const joined = parts.join(', ');\n    return 'attempts: ' + joined;\n  }\n});\n";
  MineOptions options;
  options.output_dir = (dir / "out").string();
  options.threads = 1;
  options.name_pairs = false;
  options.test_packages = {"@scope/retry"};
  auto stats = mineCorpus({CorpusPackage{"@scope/retry", (dir / "@scope" / "retry").string()}}, options);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  std::vector<std::string> names;
  std::ifstream in(dir / "out" / "test.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["package"], "@scope/retry");
    names.push_back(j["name"]);
  }
  std::sort(names.begin(), names.end());
  // One build of retryRequest; no left-pad, no UMD bundle; two classes' methods with one doc are both kept.
  EXPECT_EQ(names, (std::vector<std::string>{"area", "area", "retryRequest"}));
  EXPECT_EQ(stats->dropped["vendored dependency"], 1u);
  EXPECT_EQ(stats->dropped["bundled file"], 1u);
  EXPECT_EQ(stats->dropped["same function in another build"], 1u);
  fs::remove_all(dir);
}

TEST(CorpusMiner, DocumentedTypesArePairsOfTheTrainingSplitOnly) {
  const fs::path dir = fs::temp_directory_path() / ("codesearch-mine-types-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  MineOptions options;
  options.output_dir = (dir / "out").string();
  options.threads = 1;
  options.name_pairs = false;
  std::string train_package;
  for (int i = 0; train_package.empty(); ++i) {
    if (splitForPackage("types" + std::to_string(i), options) == "train") train_package = "types" + std::to_string(i);
  }
  options.test_packages = {"held-out"};
  std::vector<CorpusPackage> packages;
  for (const std::string& name : {train_package, std::string("held-out")}) {
    fs::create_directories(dir / name);
    std::ofstream(dir / name / "pool.py")
        << "class ConnectionPool:\n    \"\"\"Keeps idle connections open so requests can reuse them.\"\"\"\n\n"
        << "    def __init__(self, size):\n        self.size = size\n        self.idle = []\n\n"
        << "    def take(self):\n        return self.idle.pop() if self.idle else self.connect()\n";
    packages.push_back(CorpusPackage{name, (dir / name).string()});
  }
  auto stats = mineCorpus(packages, options);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  auto kinds = [&](const char* split) {
    std::map<std::string, std::string> out;  // name -> kind
    std::ifstream in(dir / "out" / (std::string(split) + ".jsonl"));
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      out[j["name"]] = j.value("kind", "");
    }
    return out;
  };
  EXPECT_EQ(kinds("train"), (std::map<std::string, std::string>{{"ConnectionPool", "class"}}));
  EXPECT_TRUE(kinds("test").empty());
  EXPECT_EQ(stats->pairs["train_types"]["python"], 1u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cs
