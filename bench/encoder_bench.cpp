// Encoder speed on real code: chunks embedded per second (the indexing path,
// batched: the code tower, plus the query tower over doc summaries as
// chunk_embedding.h does) and the latency of embedding one query (the search path).
// Usage: encoder_bench [--model PATH] [--tree DIR] [--threads N]   (run from the repository root)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "indexer/chunk_embedding.h"
#include "indexer/extractor.h"
#include "model/code_encoder.h"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  std::string model = std::string(CS_SOURCE_DIR) + "/model/weights/codesearch-model.bin";
  std::string tree = "/usr/lib/python3.11";
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--model") model = argv[i + 1];
    if (a == "--tree") tree = argv[i + 1];
    if (a == "--threads") threads = std::stoi(argv[i + 1]);
  }
  auto encoder = cs::CodeEncoder::load(model, cs::EncoderOptions{"cpu", threads});
  if (!encoder.ok()) {
    std::fprintf(stderr, "%s\n", encoder.error().message.c_str());
    return 1;
  }
  // Real chunks, exactly as the indexer embeds them.
  cs::Extractor extractor;
  std::vector<cs::Chunk> chunks;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(tree)) {
    if (chunks.size() >= 20000) break;
    if (!entry.is_regular_file()) continue;
    auto language = cs::languageForPath(entry.path().string());
    if (!language) continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto extracted = extractor.extract(entry.path().string(), ss.str(), *language);
    if (!extracted.ok()) continue;
    for (auto& c : *extracted) chunks.push_back(std::move(c));
  }
  std::vector<const cs::Chunk*> pointers;
  size_t documented = 0;
  for (const auto& c : chunks) {
    pointers.push_back(&c);
    documented += !c.doc.empty();
  }
  std::printf("# encoder benchmark: model %s, %d threads, %zu real chunks (%zu with a doc) from %s\n",
              encoder.value()->modelId().c_str(), threads, chunks.size(), documented, tree.c_str());
  auto batch = [&](size_t i) {
    return std::vector<const cs::Chunk*>(pointers.begin() + i, pointers.begin() + std::min(pointers.size(), i + 256));
  };
  for (float doc_weight : {0.0f, cs::ChunkEmbeddingOptions{}.doc_weight}) {
    cs::ChunkEmbeddingOptions options;
    options.doc_weight = doc_weight;
    cs::embedChunks(*encoder.value(), batch(0), options);  // warm-up
    auto t0 = Clock::now();
    for (size_t i = 0; i < pointers.size(); i += 256) cs::embedChunks(*encoder.value(), batch(i), options);
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("code chunks embedded: %.0f chunks/s (batches of 256, doc weight %g%s)\n", chunks.size() / seconds,
                doc_weight, doc_weight == cs::ChunkEmbeddingOptions{}.doc_weight ? ", the daemon's default" : "");
  }

  const char* queries[] = {"retry an http request with backoff", "where are tokens validated", "parse a url",
                           "delete a directory recursively", "compute the median of a list"};
  std::vector<double> latencies;
  for (int round = 0; round < 200; ++round) {
    auto q0 = Clock::now();
    encoder.value()->encodeQuery({queries[round % 5]});
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - q0).count());
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf("query embedding: p50 %.3f ms, p99 %.3f ms (200 queries)\n", latencies[100], latencies[198]);
  return 0;
}
