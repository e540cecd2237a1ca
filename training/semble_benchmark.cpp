#include "training/semble_benchmark.h"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

extern char** environ;

namespace cs {
namespace fs = std::filesystem;
namespace {

std::string normalisedSlashes(std::string path) {
  std::replace(path.begin(), path.end(), '\\', '/');
  return path;
}

Result<nlohmann::json> readJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return makeError("cannot read " + path.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return makeError(path.string() + ": " + e.what());
  }
}

SembleTarget parseTarget(const nlohmann::json& raw) {
  SembleTarget target;
  if (raw.is_string()) {
    target.path = raw.get<std::string>();
    return target;
  }
  target.path = raw.value("path", "");
  auto line = [&](const char* key) -> std::optional<int> {
    if (!raw.contains(key) || raw[key].is_null()) return std::nullopt;
    if (raw[key].is_string()) return std::stoi(raw[key].get<std::string>());
    return raw[key].get<int>();
  };
  target.start_line = line("start_line");
  target.end_line = line("end_line");
  return target;
}

std::vector<SembleTask> parseTasks(const nlohmann::json& annotations) {
  std::vector<SembleTask> tasks;
  for (const auto& item : annotations) {
    SembleTask task;
    task.query = item.value("query", "");
    task.category = item.contains("category") && item["category"].is_string() ? item["category"].get<std::string>()
                                                                              : inferSembleCategory(task.query);
    for (const char* key : {"relevant", "secondary"}) {
      if (!item.contains(key)) continue;
      for (const auto& raw : item[key]) task.targets.push_back(parseTarget(raw));
    }
    tasks.push_back(std::move(task));
  }
  return tasks;
}

Status runTar(const fs::path& archive, const fs::path& destination) {
  std::vector<std::string> args = {"tar", "-xJf", archive.string(), "-C", destination.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "tar", nullptr, nullptr, argv.data(), environ) != 0) return makeError("cannot run tar");
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return makeError("tar failed on " + archive.string());
  return {};
}

// The repository tree under work_dir/NAME, unpacked once (a stamp file marks a complete unpack).
Result<fs::path> unpackedTree(const SembleOptions& options, const std::string& name) {
  fs::path tree = fs::path(options.work_dir) / name;
  fs::path stamp = fs::path(options.work_dir) / (name + ".unpacked");
  std::error_code ec;
  if (fs::exists(stamp, ec)) return tree;
  fs::remove_all(tree, ec);
  fs::create_directories(tree, ec);
  if (ec) return makeError("cannot create " + tree.string() + ": " + ec.message());
  if (Status s = runTar(fs::path(options.data_dir) / "repos" / (name + ".tar.xz"), tree); !s.ok()) return s.error();
  std::ofstream(stamp) << "ok\n";
  return tree;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double meanOf(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

Result<SembleRepoScore> scoreRepo(const SembleOptions& options, const SembleRepo& repo, const SembleEngineFactory& factory) {
  using Clock = std::chrono::steady_clock;
  SembleRepoScore score;
  score.name = repo.name;
  score.language = repo.language;
  score.supported = options.supported_languages.empty() ||
                    std::find(options.supported_languages.begin(), options.supported_languages.end(), repo.language) !=
                        options.supported_languages.end();
  auto tree = unpackedTree(options, repo.name);
  if (!tree.ok()) return tree.error();
  fs::path root = repo.benchmark_root.empty() ? tree.value() : tree.value() / repo.benchmark_root;
  auto start = Clock::now();
  auto engine = factory(root.string());
  if (!engine.ok()) return engine.error().withContext(repo.name);
  score.index_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  score.chunks = engine.value()->chunks();
  std::vector<double> latencies;
  std::map<std::string, std::vector<double>> by_category;
  std::vector<double> all;
  for (const SembleTask& task : repo.tasks) {
    SembleQueryScore q;
    q.query = task.query;
    q.category = task.category;
    auto query_start = Clock::now();
    auto results = engine.value()->search(task.query, options.limit);
    q.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - query_start).count();
    if (!results.ok()) return results.error().withContext(repo.name + ": query '" + task.query + "'");
    q.ndcg = sembleNdcg(results.value(), task.targets, options.limit);
    for (const SembleTarget& target : task.targets) q.target_ranks.push_back(sembleTargetRank(results.value(), target));
    for (const SembleResult& r : results.value()) {
      std::string shown = r.path.rfind(root.string() + "/", 0) == 0 ? r.path.substr(root.string().size() + 1) : r.path;
      q.results.push_back(shown + ":" + std::to_string(r.start_line) + "-" + std::to_string(r.end_line));
    }
    latencies.push_back(q.latency_ms);
    by_category[q.category].push_back(q.ndcg);
    all.push_back(q.ndcg);
    score.queries.push_back(std::move(q));
  }
  score.ndcg = meanOf(all);
  for (const auto& [category, values] : by_category) score.ndcg_by_category[category] = meanOf(values);
  score.p50_ms = median(latencies);
  return score;
}

std::string fixed(double value, int digits = 3) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

}  // namespace

bool sembleTargetMatches(const SembleResult& result, const SembleTarget& target) {
  const std::string file = normalisedSlashes(result.path);
  const std::string wanted = normalisedSlashes(target.path);
  const bool path_ok = file == wanted || (file.size() > wanted.size() && file.compare(file.size() - wanted.size(), wanted.size(), wanted) == 0 &&
                                          file[file.size() - wanted.size() - 1] == '/');
  if (!path_ok) return false;
  if (!target.start_line || !target.end_line) return true;
  return !(result.end_line < *target.start_line || result.start_line > *target.end_line);
}

size_t sembleTargetRank(const std::vector<SembleResult>& results, const SembleTarget& target) {
  for (size_t i = 0; i < results.size(); ++i) {
    if (sembleTargetMatches(results[i], target)) return i + 1;
  }
  return 0;
}

double sembleNdcg(const std::vector<SembleResult>& results, const std::vector<SembleTarget>& targets, size_t k) {
  if (targets.empty() || k == 0) return 0;
  std::vector<int> relevance(k, 0);
  for (const SembleTarget& target : targets) {
    size_t rank = sembleTargetRank(results, target);
    if (rank >= 1 && rank <= k) relevance[rank - 1] = 1;
  }
  double dcg = 0, ideal = 0;
  for (size_t i = 0; i < k; ++i) dcg += relevance[i] / std::log2(static_cast<double>(i) + 2);
  for (size_t i = 0; i < std::min(k, targets.size()); ++i) ideal += 1 / std::log2(static_cast<double>(i) + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

std::string inferSembleCategory(const std::string& query) {
  const size_t first = query.find_first_not_of(" \t\n");
  const size_t last = query.find_last_not_of(" \t\n");
  const std::string trimmed = first == std::string::npos ? "" : query.substr(first, last - first + 1);
  if (trimmed.find(' ') == std::string::npos) return "symbol";
  std::string lowered = trimmed;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lowered.rfind("how ", 0) == 0) return "architecture";
  return "semantic";
}

Result<std::vector<SembleRepo>> loadSembleRepos(const std::string& data_dir) {
  auto specs = readJson(fs::path(data_dir) / "repos.json");
  if (!specs.ok()) return specs.error();
  std::vector<SembleRepo> repos;
  for (const auto& spec : specs.value()) {
    SembleRepo repo;
    repo.name = spec.value("name", "");
    repo.language = spec.value("language", "");
    if (spec.contains("benchmark_root") && spec["benchmark_root"].is_string())
      repo.benchmark_root = spec["benchmark_root"].get<std::string>();
    fs::path annotations = fs::path(data_dir) / "annotations" / (repo.name + ".json");
    std::error_code ec;
    if (!fs::exists(annotations, ec)) continue;
    auto tasks = readJson(annotations);
    if (!tasks.ok()) return tasks.error();
    repo.tasks = parseTasks(tasks.value());
    repos.push_back(std::move(repo));
  }
  return repos;
}

Result<SemblePublished> loadSemblePublished(const std::string& data_dir) {
  auto raw = readJson(fs::path(data_dir) / "published.json");
  if (!raw.ok()) return raw.error();
  SemblePublished published;
  for (const auto& [tool, repos] : raw.value().items()) {
    if (tool.rfind('_', 0) == 0 || !repos.is_object()) continue;
    for (const auto& [repo, figures] : repos.items()) {
      if (repo.rfind('_', 0) == 0 || !figures.is_object() || !figures.contains("ndcg10")) continue;
      published[tool][repo] = figures["ndcg10"].get<double>();
    }
  }
  return published;
}

Result<SembleReport> runSembleBenchmark(const SembleOptions& options, const SembleEngineFactory& factory) {
  auto repos = loadSembleRepos(options.data_dir);
  if (!repos.ok()) return repos.error();
  SembleReport report;
  if (auto published = loadSemblePublished(options.data_dir); published.ok()) report.published = published.value();
  std::error_code ec;
  fs::create_directories(options.work_dir, ec);
  for (const SembleRepo& repo : repos.value()) {
    if (!options.only_repos.empty() &&
        std::find(options.only_repos.begin(), options.only_repos.end(), repo.name) == options.only_repos.end())
      continue;
    auto score = scoreRepo(options, repo, factory);
    if (!score.ok()) return score.error();
    if (options.log) {
      options.log(repo.name + " (" + repo.language + "): NDCG@10 " + fixed(score.value().ndcg) + ", " +
                  std::to_string(score.value().chunks) + " chunks, index " + fixed(score.value().index_seconds, 2) +
                  " s, p50 " + fixed(score.value().p50_ms, 2) + " ms");
    }
    report.repos.push_back(std::move(score.value()));
  }
  return report;
}

double SembleReport::mean(bool supported_only) const {
  std::vector<double> values;
  for (const auto& r : repos) {
    if (!supported_only || r.supported) values.push_back(r.ndcg);
  }
  return meanOf(values);
}

std::map<std::string, double> SembleReport::meanByLanguage() const {
  std::map<std::string, std::vector<double>> values;
  for (const auto& r : repos) values[r.language].push_back(r.ndcg);
  std::map<std::string, double> out;
  for (const auto& [language, v] : values) out[language] = meanOf(v);
  return out;
}

std::map<std::string, double> SembleReport::meanByCategory() const {
  std::map<std::string, std::vector<double>> values;
  for (const auto& r : repos) {
    if (!r.supported) continue;
    for (const auto& [category, score] : r.ndcg_by_category) values[category].push_back(score);
  }
  std::map<std::string, double> out;
  for (const auto& [category, v] : values) out[category] = meanOf(v);
  return out;
}

std::optional<double> SembleReport::publishedMean(const std::string& tool, bool supported_only) const {
  auto it = published.find(tool);
  if (it == published.end()) return std::nullopt;
  std::vector<double> values;
  for (const auto& r : repos) {
    if (supported_only && !r.supported) continue;
    auto score = it->second.find(r.name);
    if (score == it->second.end()) return std::nullopt;
    values.push_back(score->second);
  }
  return meanOf(values);
}

nlohmann::json SembleReport::toJson() const {
  nlohmann::json out;
  out["mean_supported"] = mean(true);
  out["mean_all"] = mean(false);
  out["by_language"] = meanByLanguage();
  out["by_category"] = meanByCategory();
  for (const auto& [tool, scores] : published) {
    if (auto m = publishedMean(tool, true)) out["published_mean_supported"][tool] = *m;
    if (auto m = publishedMean(tool, false)) out["published_mean_all"][tool] = *m;
  }
  for (const auto& r : repos) {
    nlohmann::json repo = {{"name", r.name},         {"language", r.language},         {"supported", r.supported},
                           {"ndcg10", r.ndcg},       {"by_category", r.ndcg_by_category}, {"chunks", r.chunks},
                           {"index_s", r.index_seconds}, {"p50_ms", r.p50_ms}};
    for (const auto& q : r.queries) {
      repo["queries"].push_back(
          {{"query", q.query}, {"category", q.category}, {"ndcg10", q.ndcg}, {"target_ranks", q.target_ranks}, {"results", q.results}});
    }
    out["repos"].push_back(std::move(repo));
  }
  return out;
}

std::string SembleReport::toMarkdown() const {
  std::ostringstream out;
  const std::vector<std::string> tools = {"semble-hybrid (potion-code-16M-v2)", "coderankembed-hybrid", "bm25"};
  auto published_cell = [&](const std::string& tool, const std::string& repo) {
    auto t = published.find(tool);
    if (t == published.end()) return std::string("-");
    auto s = t->second.find(repo);
    return s == t->second.end() ? std::string("-") : fixed(s->second);
  };
  out << "| repository | language | codesearch | semble | CodeRankEmbed hybrid | BM25 | chunks | index s | p50 ms |\n"
      << "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : repos) {
    out << "| " << r.name << " | " << r.language << " | " << (r.supported ? fixed(r.ndcg) : "0 (unsupported)");
    for (const auto& tool : tools) out << " | " << published_cell(tool, r.name);
    out << " | " << r.chunks << " | " << fixed(r.index_seconds, 2) << " | " << fixed(r.p50_ms, 2) << " |\n";
  }
  out << "\n| mean over | codesearch | semble | CodeRankEmbed hybrid | BM25 |\n|---|---|---|---|---|\n";
  for (bool supported : {true, false}) {
    out << "| " << (supported ? "supported repositories" : "all repositories") << " | " << fixed(mean(supported));
    for (const auto& tool : tools) {
      auto m = publishedMean(tool, supported);
      out << " | " << (m ? fixed(*m) : "-");
    }
    out << " |\n";
  }
  out << "\n| language | codesearch | semble |\n|---|---|---|\n";
  std::map<std::string, std::vector<double>> semble_by_language;
  if (auto t = published.find(tools[0]); t != published.end()) {
    for (const auto& r : repos) {
      if (auto s = t->second.find(r.name); s != t->second.end()) semble_by_language[r.language].push_back(s->second);
    }
  }
  for (const auto& [language, score] : meanByLanguage()) {
    auto s = semble_by_language.find(language);
    out << "| " << language << " | " << fixed(score) << " | "
        << (s == semble_by_language.end() ? "-" : fixed(meanOf(s->second))) << " |\n";
  }
  out << "\n| category (supported repositories) | codesearch |\n|---|---|\n";
  for (const auto& [category, score] : meanByCategory()) out << "| " << category << " | " << fixed(score) << " |\n";
  return out.str();
}

}  // namespace cs
