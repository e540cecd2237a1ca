// The device-resident vector index (device_vector_index.h) against the exact
// host index over the same store, on every device this machine has: "cpu"
// always (CI), "cuda" where libtorch sees a GPU (scripts/gpu-check.sh runs
// these there). On CUDA the matrix is fp16, so scores agree within fp16
// rounding; on the CPU it is fp32 and they agree to float summation order.
#include "indexer/device_vector_index.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "random_unit_vectors.h"

namespace cs {
namespace {

class DeviceVectorIndexTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "cuda" && !cudaAvailable()) GTEST_SKIP() << "no CUDA device on this machine";
  }
  float tolerance() const { return GetParam() == "cuda" ? 2e-3f : 1e-5f; }

  std::unique_ptr<DeviceVectorIndex> make(const VectorStore& store, size_t initial_rows = 1 << 10) {
    auto index = makeDeviceVectorIndex(store, DeviceVectorIndexOptions{GetParam(), initial_rows});
    EXPECT_TRUE(index.ok()) << index.error().message;
    return index.ok() ? std::move(index).value() : nullptr;
  }

  // Every query's top `k` from both indexes: the same scores rank by rank,
  // and the same slots but where a near-tie (within tolerance) swapped two.
  void expectSameAnswers(const VectorIndex& device, const VectorIndex& exact, RandomUnitVectors& queries, size_t k,
                         const std::function<bool(uint32_t)>& allowed = {}) {
    for (int q = 0; q < 20; ++q) {
      const std::vector<float> query = queries.next();
      const auto want = exact.search(query.data(), k, allowed);
      const auto got = device.search(query.data(), k, allowed);
      ASSERT_EQ(got.size(), want.size());
      size_t same = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_NEAR(got[i].score, want[i].score, tolerance()) << "query " << q << " rank " << i;
        same += got[i].slot == want[i].slot;
      }
      EXPECT_GE(same * 10, want.size() * 9) << "query " << q;  // swaps only among near-ties
    }
  }
};

TEST_P(DeviceVectorIndexTest, AnswersAsTheExactIndexDoes) {
  const int dim = 64;
  VectorStore store(dim);
  RandomUnitVectors vectors(dim, 1);
  std::vector<uint32_t> slots;
  for (uint32_t slot = 0; slot < 3000; ++slot) {
    store.set(slot, vectors.next().data());
    slots.push_back(slot);
  }
  auto device = make(store);
  ASSERT_TRUE(device);
  device->addedMany(slots, 1);
  EXPECT_EQ(device->device(), GetParam());
  auto exact = makeExactVectorIndex(store);
  RandomUnitVectors queries(dim, 2);
  expectSameAnswers(*device, *exact, queries, 10);
  expectSameAnswers(*device, *exact, queries, 300);
  EXPECT_FALSE(device->failed());
}

TEST_P(DeviceVectorIndexTest, RowsChangeInPlaceAndRemovedRowsAreNeverAnswers) {
  const int dim = 32;
  VectorStore store(dim);
  RandomUnitVectors vectors(dim, 3);
  for (uint32_t slot = 0; slot < 100; ++slot) store.set(slot, vectors.next().data());
  auto device = make(store, 128);
  ASSERT_TRUE(device);
  std::vector<uint32_t> all(100);
  for (uint32_t slot = 0; slot < 100; ++slot) all[slot] = slot;
  device->addedMany(all, 1);

  // Replace row 5 with the query itself: it must come first, with score ~1.
  const std::vector<float> query = vectors.next();
  store.set(5, query.data());
  device->added(5);
  EXPECT_EQ(device->capacity(), 128u);  // in place: no reallocation
  const std::vector<float> row = device->deviceRow(5);
  const std::vector<float> host = store.row(5);
  ASSERT_EQ(row.size(), host.size());
  for (size_t d = 0; d < row.size(); ++d) EXPECT_NEAR(row[d], host[d], tolerance());
  auto hits = device->search(query.data(), 3, {});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().slot, 5u);
  EXPECT_NEAR(hits.front().score, 1.0f, 0.02f);

  device->removing(5);
  store.remove(5);
  for (const VectorHit& hit : device->search(query.data(), 100, {})) EXPECT_NE(hit.slot, 5u);
  EXPECT_EQ(device->search(query.data(), 1000, {}).size(), 99u);  // never more than are present
  EXPECT_TRUE(device->deviceRow(5).empty());
}

TEST_P(DeviceVectorIndexTest, GrowsPastItsCapacityKeepingEveryRow) {
  const int dim = 16;
  VectorStore store(dim);
  RandomUnitVectors vectors(dim, 4);
  auto device = make(store, 8);
  ASSERT_TRUE(device);
  for (uint32_t slot = 0; slot < 1000; ++slot) {
    store.set(slot, vectors.next().data());
    device->added(slot);  // one at a time, as edits arrive
  }
  EXPECT_GE(device->capacity(), 1000u);
  for (uint32_t slot : {0u, 7u, 8u, 999u}) {
    const std::vector<float> row = device->deviceRow(slot);
    const std::vector<float> host = store.row(slot);
    ASSERT_EQ(row.size(), host.size()) << slot;
    for (size_t d = 0; d < row.size(); ++d) EXPECT_NEAR(row[d], host[d], tolerance()) << slot;
  }
  auto exact = makeExactVectorIndex(store);
  RandomUnitVectors queries(dim, 5);
  expectSameAnswers(*device, *exact, queries, 20);
}

TEST_P(DeviceVectorIndexTest, FiltersApplyInsideTheSearchBeforeTheCut) {
  const int dim = 32;
  VectorStore store(dim);
  RandomUnitVectors vectors(dim, 6);
  std::vector<uint32_t> slots;
  for (uint32_t slot = 0; slot < 2000; ++slot) {
    store.set(slot, vectors.next().data());
    slots.push_back(slot);
  }
  auto device = make(store);
  ASSERT_TRUE(device);
  device->addedMany(slots, 1);
  const auto rare = [](uint32_t slot) { return slot % 97 == 3; };  // 21 of 2000
  const std::vector<float> query = vectors.next();
  const auto hits = device->search(query.data(), 10, rare);
  ASSERT_EQ(hits.size(), 10u);  // filtered before the top-k, not after it
  for (const VectorHit& hit : hits) EXPECT_TRUE(rare(hit.slot)) << hit.slot;
  auto exact = makeExactVectorIndex(store);
  RandomUnitVectors queries(dim, 7);
  expectSameAnswers(*device, *exact, queries, 10, rare);
}

INSTANTIATE_TEST_SUITE_P(Devices, DeviceVectorIndexTest, ::testing::Values("cpu", "cuda"),
                         [](const auto& info) { return info.param; });

TEST(DeviceVectorIndex, AnUnknownOrMissingDeviceIsAnError) {
  VectorStore store(8);
  auto unknown = makeDeviceVectorIndex(store, DeviceVectorIndexOptions{"tpu"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("tpu"), std::string::npos);
  if (!cudaAvailable()) {
    auto cuda = makeDeviceVectorIndex(store, DeviceVectorIndexOptions{"cuda"});
    ASSERT_FALSE(cuda.ok());
    EXPECT_NE(cuda.error().message.find("CUDA is not available"), std::string::npos);
  }
}

}  // namespace
}  // namespace cs
