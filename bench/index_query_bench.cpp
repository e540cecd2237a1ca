// In-process query latency on a stored index, by retriever: opens the Index
// on a store `codesearch index` wrote (no daemon, no LSP), loads it, waits
// for the HNSW graph, and times the same natural-language queries lexical
// only, dense only and hybrid (p50/p99), so a change to one retriever shows
// apart from the protocol's share. Also prints the load's time and RSS.
//   index_query_bench --store PATH/index.sqlite [--queries N] [--no-graph-wait]
// (the kernel tree's store: bench/large_tree_bench.sh leaves it under its cache).
#include <cstdio>
#include <random>
#include <thread>

#include "bench_support.h"
#include "indexer/chunk_embedding.h"
#include "model/code_encoder.h"
#include "server/search_service.h"

using namespace cs;
using namespace cs::bench;

int main(int argc, char** argv) {
  std::string store;
  int queries = 200;
  bool wait_graph = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--store" && i + 1 < argc) store = argv[++i];
    else if (a == "--queries" && i + 1 < argc) queries = std::stoi(argv[++i]);
    else if (a == "--no-graph-wait") wait_graph = false;
  }
  if (store.empty()) {
    std::fprintf(stderr, "usage: index_query_bench --store PATH/index.sqlite [--queries N] [--no-graph-wait]\n");
    return 2;
  }
  auto encoder = CodeEncoder::load(defaultModelPath());
  if (!encoder.ok()) {
    std::fprintf(stderr, "%s\n", encoder.error().message.c_str());
    return 1;
  }
  IndexOptions options;
  options.store_path = store;
  options.model_id = vectorSpaceId((*encoder)->modelId(), ChunkEmbeddingOptions{});
  options.dim = (*encoder)->dim();
  const auto start = Clock::now();
  auto index = Index::open(options);
  if (!index.ok()) {
    std::fprintf(stderr, "%s\n", index.error().message.c_str());
    return 1;
  }
  std::printf("loaded %zu chunks in %.1f s; RSS %.0f MiB\n", (*index)->stats().chunks, ms(Clock::now() - start) / 1000,
              rssKb(getpid()) / 1024.0);
  while (wait_graph && !(*index)->stats().approximate_search) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::printf("graph %s after %.1f s\n", (*index)->stats().approximate_search ? "answering" : "not waited for",
              ms(Clock::now() - start) / 1000);

  std::mt19937 rng(11);
  std::vector<std::pair<std::string, std::vector<float>>> asked;
  for (int q = 0; q < queries; ++q) {
    const std::string text = kVerbs[rng() % kVerbs.size()] + " the " + kNouns[rng() % kNouns.size()] + " with " +
                             kNouns[rng() % kNouns.size()];
    asked.emplace_back(text, (*encoder)->encodeQuery({text}));
  }
  for (const auto& [label, mode] : std::vector<std::pair<const char*, SearchMode>>{
           {"lexical", SearchMode::kLexical}, {"dense", SearchMode::kSemantic}, {"hybrid", SearchMode::kHybrid}}) {
    std::vector<double> latencies;
    for (const auto& [text, vector] : asked) {
      SearchRequest request;
      request.query = text;
      request.query_vector = vector;
      request.mode = mode;
      request.limit = 20;
      const auto t = Clock::now();
      auto hits = (*index)->search(request);
      latencies.push_back(ms(Clock::now() - t));
      if (!hits.ok()) std::fprintf(stderr, "search failed: %s\n", hits.error().message.c_str());
    }
    std::printf("%-8s p50=%.2f ms  p99=%.2f ms  (%d queries, limit 20, texts read from the store)\n", label,
                percentile(latencies, 0.5), percentile(latencies, 0.99), queries);
  }
  // As the daemon answers: the query embedded (libtorch) and then searched.
  std::vector<double> latencies;
  for (const auto& [text, vector] : asked) {
    const auto t = Clock::now();
    SearchRequest request;
    request.query = text;
    request.query_vector = (*encoder)->encodeQuery({text});
    request.limit = 20;
    auto hits = (*index)->search(request);
    latencies.push_back(ms(Clock::now() - t));
  }
  std::printf("%-8s p50=%.2f ms  p99=%.2f ms  (hybrid with the query embedded first, as the daemon does)\n", "embed+hy",
              percentile(latencies, 0.5), percentile(latencies, 0.99));
  return 0;
}
