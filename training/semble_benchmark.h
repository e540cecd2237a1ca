// The semble code-search benchmark protocol (github.com/MinishLab/semble,
// benchmarks/): its data (repositories at pinned revisions, hand-written
// queries with target files or line ranges), its NDCG@10 scoring, and the
// aggregation of per-query scores into per-repository, per-language and
// per-category means. The search engine is the caller's: `runSembleBenchmark`
// asks a `SembleEngineFactory` for one engine per repository tree, so the
// figures measure exactly the ranking the daemon serves.
//
// Thread-safety: plain functions and values; runs on the calling thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/result.h"

namespace cs {

// A relevant location: a path (a suffix of the result's path), optionally with
// 1-based inclusive lines.
struct SembleTarget {
  std::string path;
  std::optional<int> start_line;
  std::optional<int> end_line;
};

struct SembleTask {
  std::string query;
  std::string category;  // "semantic", "architecture", "symbol"
  std::vector<SembleTarget> targets;  // `relevant` and `secondary` together: both count as relevant
};

struct SembleRepo {
  std::string name;
  std::string language;
  std::string benchmark_root;  // path inside the tree that gets indexed; empty = the whole tree
  std::vector<SembleTask> tasks;
};

// One result as the benchmark sees it: a file and 1-based inclusive lines.
struct SembleResult {
  std::string path;
  int start_line = 1;
  int end_line = 1;
};

// The benchmark's rules: the result's path ends with the target path (as a
// path suffix, or equals it) and, when the target has lines, the ranges overlap.
bool sembleTargetMatches(const SembleResult& result, const SembleTarget& target);
// 1-based rank of the first result matching `target`, 0 when none does.
size_t sembleTargetRank(const std::vector<SembleResult>& results, const SembleTarget& target);
// NDCG@k: a rank holding at least one found target has gain 1 (several targets
// found at one rank count once); ideal DCG over min(k, number of targets).
double sembleNdcg(const std::vector<SembleResult>& results, const std::vector<SembleTarget>& targets, size_t k = 10);

// Reads repos.json and annotations/<name>.json of a semble data directory.
// Repositories without an annotation file are left out.
Result<std::vector<SembleRepo>> loadSembleRepos(const std::string& data_dir);
// The category the benchmark infers for an annotation without one.
std::string inferSembleCategory(const std::string& query);

// The engine under test, over one repository tree.
class SembleEngine {
 public:
  virtual ~SembleEngine() = default;
  virtual Result<std::vector<SembleResult>> search(const std::string& query, size_t limit) = 0;
  virtual size_t chunks() const = 0;
};
using SembleEngineFactory = std::function<Result<std::unique_ptr<SembleEngine>>(const std::string& root)>;

struct SembleOptions {
  std::string data_dir;                // ../shared/semble-dev
  std::string work_dir;                // repository trees are unpacked here (outside git)
  std::vector<std::string> only_repos; // empty = all
  std::vector<std::string> supported_languages;  // languages the engine parses; others are reported, scored 0
  size_t limit = 10;
  std::function<void(const std::string&)> log;
};

struct SembleQueryScore {
  std::string query, category;
  double ndcg = 0;
  double latency_ms = 0;
  std::vector<size_t> target_ranks;  // per target, 0 = not in the top `limit`
  std::vector<std::string> results;  // "path:first-last", paths relative to the indexed root, for error analysis
};

struct SembleRepoScore {
  std::string name, language;
  bool supported = true;
  double ndcg = 0;  // mean over its queries
  std::map<std::string, double> ndcg_by_category;
  size_t chunks = 0;
  double index_seconds = 0;
  double p50_ms = 0;
  std::vector<SembleQueryScore> queries;
};

// Published per-repository NDCG@10 of other tools (published.json): tool -> repo -> score.
using SemblePublished = std::map<std::string, std::map<std::string, double>>;
Result<SemblePublished> loadSemblePublished(const std::string& data_dir);

struct SembleReport {
  std::vector<SembleRepoScore> repos;
  SemblePublished published;
  // Means over repositories (the benchmark's score), over the supported ones and over all.
  double mean(bool supported_only) const;
  std::map<std::string, double> meanByLanguage() const;
  // Mean over the supported repositories of each repository's category mean.
  std::map<std::string, double> meanByCategory() const;
  // A published tool's mean over the same repositories.
  std::optional<double> publishedMean(const std::string& tool, bool supported_only) const;
  nlohmann::json toJson() const;
  std::string toMarkdown() const;
};

// Unpacks each repository's `repos/NAME.tar.xz` into work_dir (once), indexes
// its benchmark root with an engine from `factory`, answers every query and scores it.
Result<SembleReport> runSembleBenchmark(const SembleOptions& options, const SembleEngineFactory& factory);

}  // namespace cs
