// The device-resident vector index at scale, and the encoder on the same
// device: prints the figures of the scale issue's GPU check.
//   device_index_bench [--device cpu|cuda] [--rows N] [--dim D] [--queries Q] [--model PATH]
// Fills a VectorStore with N random unit vectors (default 1,000,000), mirrors
// them onto the device (DeviceVectorIndex), then times: Q unfiltered and Q
// filtered top-300 searches (p50/p99; the filter allows a third of the rows
// and is evaluated on the host, applied as a device mask), single-row
// in-place updates, and, with --model, the encoder embedding function-sized
// windows of this repository's sources on that device (chunks/s).
// scripts/gpu-check.sh runs it on a GPU; it runs anywhere with --device cpu.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "indexer/device_vector_index.h"
#include "model/code_encoder.h"

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())))];
}

std::vector<float> randomUnit(int dim, std::mt19937& rng) {
  std::normal_distribution<float> gauss;
  std::vector<float> v(static_cast<size_t>(dim));
  float norm = 0;
  for (float& x : v) norm += (x = gauss(rng)) * x;
  for (float& x : v) x /= std::sqrt(norm);
  return v;
}

// 40-line windows of the repository's C++ sources: code-shaped texts to embed.
std::vector<std::string> sourceWindows(size_t wanted) {
  std::vector<std::string> windows;
  for (const char* folder : {"indexer", "server", "model", "protocol", "cli", "training", "tests"}) {
    std::error_code error;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(CS_SOURCE_DIR) + "/" + folder, error)) {
      if (entry.path().extension() != ".cpp" && entry.path().extension() != ".h") continue;
      std::ifstream in(entry.path());
      std::string line, window;
      int lines = 0;
      while (std::getline(in, line)) {
        window += line + "\n";
        if (++lines == 40) {
          windows.push_back(std::move(window));
          window.clear();
          lines = 0;
        }
      }
      if (!window.empty()) windows.push_back(std::move(window));
    }
  }
  if (windows.empty()) return windows;
  for (size_t i = 0; windows.size() < wanted; ++i) windows.push_back(windows[i]);
  windows.resize(wanted);
  return windows;
}

}  // namespace

int main(int argc, char** argv) {
  std::string device = "cpu", model;
  size_t rows = 1000000, queries = 200;
  int dim = 512;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--device") device = value;
    else if (flag == "--rows") rows = std::stoul(value);
    else if (flag == "--dim") dim = std::stoi(value);
    else if (flag == "--queries") queries = std::stoul(value);
    else if (flag == "--model") model = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }

  std::mt19937 rng(1);
  cs::VectorStore store(dim);
  auto start = Clock::now();
  for (uint32_t slot = 0; slot < rows; ++slot) store.set(slot, randomUnit(dim, rng).data());
  std::printf("host store: %zu rows x %d, %.1f s to fill\n", rows, dim, msSince(start) / 1000);

  auto made = cs::makeDeviceVectorIndex(store, cs::DeviceVectorIndexOptions{device});
  if (!made.ok()) {
    std::fprintf(stderr, "%s\n", made.error().message.c_str());
    return 1;
  }
  std::unique_ptr<cs::DeviceVectorIndex> index = std::move(made).value();
  start = Clock::now();
  constexpr uint32_t kBatch = 16384;
  for (uint32_t begin = 0; begin < rows; begin += kBatch) {
    std::vector<uint32_t> batch;
    for (uint32_t slot = begin; slot < std::min<size_t>(rows, begin + kBatch); ++slot) batch.push_back(slot);
    index->addedMany(batch, 1);
  }
  std::printf("%s matrix: %.1f s to upload in batches of %u, %.0f MiB on the device\n", index->device().c_str(),
              msSince(start) / 1000, kBatch, static_cast<double>(index->deviceBytes()) / (1 << 20));

  auto timeSearches = [&](const std::function<bool(uint32_t)>& allowed) {
    std::vector<double> ms;
    for (size_t q = 0; q < queries; ++q) {
      const std::vector<float> query = randomUnit(dim, rng);
      const auto t = Clock::now();
      const auto hits = index->search(query.data(), 300, allowed);
      ms.push_back(msSince(t));
      if (hits.size() != 300) std::fprintf(stderr, "warning: %zu hits\n", hits.size());
    }
    return ms;
  };
  timeSearches({});  // warm-up (kernels, allocator)
  const auto plain = timeSearches({});
  const auto filtered = timeSearches([](uint32_t slot) { return slot % 3 == 0; });
  std::printf("top-300 search at %zu rows: p50 %.2f ms, p99 %.2f ms; filtered (1/3 of rows): p50 %.2f ms, p99 %.2f ms\n",
              rows, percentile(plain, 0.5), percentile(plain, 0.99), percentile(filtered, 0.5), percentile(filtered, 0.99));

  std::vector<double> updates;
  for (int i = 0; i < 200; ++i) {
    const uint32_t slot = static_cast<uint32_t>(rng() % rows);
    store.set(slot, randomUnit(dim, rng).data());
    const auto t = Clock::now();
    index->added(slot);
    updates.push_back(msSince(t));
  }
  std::printf("in-place row update: p50 %.3f ms, p99 %.3f ms (capacity unchanged: %s)\n", percentile(updates, 0.5),
              percentile(updates, 0.99), index->capacity() >= rows ? "yes" : "no");
  if (index->failed()) {
    std::fprintf(stderr, "the device index failed\n");
    return 1;
  }

  if (!model.empty()) {
    cs::EncoderOptions options;
    options.device = device;
    auto encoder = cs::CodeEncoder::load(model, options);
    if (!encoder.ok()) {
      std::fprintf(stderr, "%s\n", encoder.error().message.c_str());
      return 1;
    }
    const std::vector<std::string> texts = sourceWindows(20000);
    constexpr size_t kEncodeBatch = 256;
    auto embed = [&](size_t count) {
      for (size_t begin = 0; begin < count; begin += kEncodeBatch) {
        std::vector<std::string> batch(texts.begin() + static_cast<long>(begin),
                                       texts.begin() + static_cast<long>(std::min(count, begin + kEncodeBatch)));
        (*encoder)->encodeCode(batch);
      }
    };
    embed(std::min<size_t>(texts.size(), 1024));  // warm-up
    start = Clock::now();
    embed(texts.size());
    const double seconds = msSince(start) / 1000;
    std::printf("encoder on %s: %zu chunks in %.2f s = %.0f chunks/s (batches of %zu)\n", (*encoder)->device().c_str(),
                texts.size(), seconds, static_cast<double>(texts.size()) / seconds, kEncodeBatch);
  }
  return 0;
}
