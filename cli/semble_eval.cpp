#include "cli/semble_eval.h"

#include <fstream>
#include <iostream>

#include "indexer/language_registry.h"
#include "server/result_items.h"
#include "server/search_service.h"
#include "training/semble_benchmark.h"

namespace cs {
namespace {

// One repository tree indexed in memory by the daemon's engine, queried as an editor queries it.
class ServiceEngine : public SembleEngine {
 public:
  ServiceEngine(std::unique_ptr<SearchService> service, SearchMode mode) : service_(std::move(service)), mode_(mode) {}

  Result<std::vector<SembleResult>> search(const std::string& query, size_t limit) override {
    QueryOptions options;
    options.text = query;
    options.limit = static_cast<int>(limit);
    options.mode = mode_;
    auto answer = service_->query(options);
    if (!answer.ok()) return answer.error();
    std::vector<SembleResult> results;
    for (const SearchHit& hit : answer.value().hits) {
      results.push_back({hit.chunk.path, static_cast<int>(hit.chunk.start.line) + 1, static_cast<int>(hit.chunk.end.line) + 1});
    }
    return results;
  }

  size_t chunks() const override { return service_->status().stats.chunks; }

 private:
  std::unique_ptr<SearchService> service_;
  SearchMode mode_;
};

}  // namespace

int runSembleEval(const SembleEvalCliOptions& o) {
  auto mode = parseSearchMode(o.mode);
  if (!mode) {
    std::cerr << "codesearch: unknown mode " << o.mode << "\n";
    return 2;
  }
  ShapingOptions shaping;
  if (!o.shaping.empty()) {
    auto parsed = parseShaping(o.shaping);
    if (!parsed) {
      std::cerr << "codesearch: bad --shaping spec " << o.shaping << "\n";
      return 2;
    }
    shaping = *parsed;
  }
  SembleOptions options;
  options.data_dir = o.data_dir;
  options.work_dir = o.work_dir.empty() ? defaultCacheDir() + "/semble-trees" : o.work_dir;
  options.only_repos = o.repos;
  for (const LanguageSpec& spec : allLanguages()) options.supported_languages.push_back(spec.name);
  options.log = [](const std::string& line) { std::cerr << "semble: " << line << std::endl; };
  auto factory = [&](const std::string& root) -> Result<std::unique_ptr<SembleEngine>> {
    SearchServiceOptions service_options;
    service_options.roots = {root};
    if (!o.no_model) service_options.model_path = o.model_path.empty() ? defaultModelPath() : o.model_path;
    service_options.encoder.threads = o.threads;
    service_options.index_threads = o.threads;
    service_options.shaping = shaping;
    service_options.embedding.doc_weight = o.doc_weight;
    auto service = SearchService::create(service_options);
    if (!service.ok()) return service.error();
    if (!o.no_model && !service.value()->status().model) return makeError("no model: " + service.value()->status().model_error);
    service.value()->startWorkspaceScan();
    service.value()->waitUntilIdle();
    return std::unique_ptr<SembleEngine>(new ServiceEngine(std::move(service.value()), *mode));
  };
  auto report = runSembleBenchmark(options, factory);
  if (!report.ok()) {
    std::cerr << "codesearch: " << report.error().message << "\n";
    return 1;
  }
  std::cout << "semble protocol, mode " << o.mode << "\n\n" << report.value().toMarkdown();
  if (!o.json_out.empty()) std::ofstream(o.json_out) << report.value().toJson().dump(2) << "\n";
  return 0;
}

}  // namespace cs
