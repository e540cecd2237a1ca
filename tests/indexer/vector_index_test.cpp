#include "indexer/vector_index.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

namespace cs {
namespace {

std::vector<float> clusteredVectors(size_t n, int dim, std::mt19937& rng) {
  std::normal_distribution<float> noise(0, 0.3f);
  std::vector<std::vector<float>> centers(50, std::vector<float>(dim));
  for (auto& c : centers)
    for (auto& x : c) x = noise(rng) / 0.3f;
  std::vector<float> data(n * dim);
  for (size_t i = 0; i < n; ++i) {
    const auto& c = centers[rng() % centers.size()];
    float norm = 0;
    for (int d = 0; d < dim; ++d) {
      data[i * dim + d] = c[d] + noise(rng);
      norm += data[i * dim + d] * data[i * dim + d];
    }
    for (int d = 0; d < dim; ++d) data[i * dim + d] /= std::sqrt(norm);
  }
  return data;
}

TEST(VectorIndex, HnswRecallAgainstExactReference) {
  const int dim = 64;
  const size_t n = 20000;
  std::mt19937 rng(3);
  auto data = clusteredVectors(n, dim, rng);
  VectorStore store(dim);
  auto exact = makeExactVectorIndex(store);
  auto hnsw = makeHnswVectorIndex(store, {});  // the defaults the index uses
  for (uint32_t i = 0; i < n; ++i) {
    store.set(i, data.data() + i * dim);
    hnsw->added(i);
  }
  EXPECT_EQ(store.size(), n);
  auto queries = clusteredVectors(100, dim, rng);
  size_t found = 0;
  for (size_t q = 0; q < 100; ++q) {
    auto truth = exact->search(queries.data() + q * dim, 10, {});
    auto approx = hnsw->search(queries.data() + q * dim, 10, {});
    ASSERT_EQ(truth.size(), 10u);
    std::set<uint32_t> expected;
    for (auto& h : truth) expected.insert(h.slot);
    for (auto& h : approx) found += expected.count(h.slot);
  }
  // Tight synthetic clusters make near-ties common: 0.9 is a meaningful floor here
  // (real embeddings are far less degenerate).
  EXPECT_GE(static_cast<double>(found) / 1000.0, 0.9);
}

// Searches share the graph under a shared lock: one search's list size must
// not leak into another's (it did while search called setEf on the graph).
TEST(VectorIndex, ConcurrentHnswSearchesAnswerAsSequentialOnes) {
  const int dim = 32;
  const size_t n = 5000;
  std::mt19937 rng(5);
  auto data = clusteredVectors(n, dim, rng);
  HnswVectorIndexOptions options;
  options.ef_search = 16;  // small, so a larger ef from another search would change answers
  VectorStore store(dim);
  auto hnsw = makeHnswVectorIndex(store, options);
  for (uint32_t i = 0; i < n; ++i) {
    store.set(i, data.data() + i * dim);
    hnsw->added(i);
  }
  auto queries = clusteredVectors(50, dim, rng);
  const size_t ks[] = {1, 400};
  std::vector<std::vector<uint32_t>> expected[2];
  for (int t = 0; t < 2; ++t) {
    for (size_t q = 0; q < 50; ++q) {
      std::vector<uint32_t> slots;
      for (const auto& h : hnsw->search(queries.data() + q * dim, ks[t], {})) slots.push_back(h.slot);
      expected[t].push_back(slots);
    }
  }
  std::atomic<size_t> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t q = 0; q < 50; ++q) {
          std::vector<uint32_t> slots;
          for (const auto& h : hnsw->search(queries.data() + q * dim, ks[t % 2], {})) slots.push_back(h.slot);
          mismatches += slots != expected[t % 2][q];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0u);
}

TEST(VectorIndex, FiltersApplyBeforeTheTopKCut) {
  const int dim = 16;
  std::mt19937 rng(9);
  auto data = clusteredVectors(3000, dim, rng);
  for (auto make : {0, 1}) {
    VectorStore store(dim);
    auto index = make == 0 ? makeExactVectorIndex(store) : makeHnswVectorIndex(store, {1024, 16, 200, 64});
    for (uint32_t i = 0; i < 3000; ++i) {
      store.set(i, data.data() + i * dim);
      index->added(i);
    }
    // Only every 97th slot is allowed: far fewer than k would survive a post-filter.
    auto allowed = [](uint32_t slot) { return slot % 97 == 0; };
    auto hits = index->search(data.data(), 10, allowed);
    ASSERT_EQ(hits.size(), 10u) << make;
    for (auto& h : hits) EXPECT_EQ(h.slot % 97, 0u);
    auto reference = makeExactVectorIndex(store);
    auto truth = reference->search(data.data(), 10, allowed);
    std::set<uint32_t> a, b;
    for (auto& h : hits) a.insert(h.slot);
    for (auto& h : truth) b.insert(h.slot);
    EXPECT_EQ(a, b) << make;
  }
}

TEST(VectorIndex, RemoveAndReplace) {
  const int dim = 4;
  float a[] = {1, 0, 0, 0}, b[] = {0, 1, 0, 0};
  for (auto make : {0, 1}) {
    VectorStore store(dim);
    auto index = make == 0 ? makeExactVectorIndex(store) : makeHnswVectorIndex(store, {});
    store.set(0, a);
    index->added(0);
    store.set(1, b);
    index->added(1);
    EXPECT_EQ(index->search(a, 1, {})[0].slot, 0u) << make;
    index->removing(0);
    store.remove(0);
    EXPECT_EQ(store.size(), 1u);
    EXPECT_TRUE(store.row(0).empty());
    ASSERT_EQ(index->search(a, 2, {}).size(), 1u) << make;
    EXPECT_EQ(index->search(a, 1, {})[0].slot, 1u) << make;
    store.set(1, a);  // replaced in place
    index->added(1);
    EXPECT_NEAR(index->search(a, 1, {})[0].score, 1.0f, 1e-6) << make;
    store.set(0, b);  // a removed slot reused
    index->added(0);
    auto both = index->search(b, 2, {});
    ASSERT_EQ(both.size(), 2u) << make;
    EXPECT_EQ(both[0].slot, 0u) << make;
  }
}

// A saved graph loads back under other slot numbers (relabel) and answers as
// before; a file whose links point outside the graph is refused.
TEST(VectorIndex, ASavedGraphLoadsUnderNewSlotsAndAnUnsoundOneIsRefused) {
  const int dim = 16;
  const uint32_t n = 500;
  std::mt19937 rng(11);
  auto data = clusteredVectors(n, dim, rng);
  VectorStore before(dim), after(dim);
  auto hnsw = makeHnswVectorIndex(before, {});
  std::vector<uint32_t> slots(n);
  for (uint32_t i = 0; i < n; ++i) {
    before.set(i, &data[i * dim]);
    after.set(n - 1 - i, &data[i * dim]);  // the restarted index numbers them backwards
    slots[i] = i;
  }
  hnsw->addedMany(slots, 2);
  const std::string path = ::testing::TempDir() + "graph.hnsw";
  auto bytes = hnsw->save(path);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;

  auto loaded = loadHnswVectorIndex(after, {}, path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE((*loaded)->search(&data[0], 1, {}).empty());  // nothing until relabelled
  const size_t kept = (*loaded)->relabel([&](uint32_t saved) -> std::optional<uint32_t> {
    if (saved == 0) return std::nullopt;  // its chunk is gone
    return n - 1 - saved;
  });
  EXPECT_EQ(kept, n - 1);
  EXPECT_FALSE((*loaded)->holds(n - 1));
  EXPECT_TRUE((*loaded)->holds(0));
  int found = 0;
  for (uint32_t i = 1; i < n; ++i) {
    auto hits = (*loaded)->search(&data[i * dim], 1, {});
    found += !hits.empty() && hits[0].slot == n - 1 - i;
  }
  EXPECT_GE(found, static_cast<int>(n) - 10);
  auto hits = (*loaded)->search(&data[0], 5, {});
  for (const auto& hit : hits) EXPECT_NE(hit.slot, n - 1);

  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(96 + 4);  // hnswlib's header, then element 0's first level-0 link
    const uint32_t outside = 0xfffffff0u;
    file.write(reinterpret_cast<const char*>(&outside), sizeof outside);
  }
  EXPECT_FALSE(loadHnswVectorIndex(after, {}, path).ok());
  std::filesystem::resize_file(path, *bytes / 2);
  EXPECT_FALSE(loadHnswVectorIndex(after, {}, path).ok());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cs
