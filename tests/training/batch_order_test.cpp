#include "training/batch_order.h"

#include <set>

#include <gtest/gtest.h>

namespace cs {
namespace {

// 3 languages x 4000 pairs, lengths spread out, interleaved as a corpus would not be.
std::vector<BatchKey> keys() {
  std::vector<BatchKey> out;
  for (size_t i = 0; i < 12000; ++i) out.push_back(BatchKey{static_cast<int>(i % 3), (i * 7919) % 300});
  return out;
}

size_t languagesIn(const std::vector<size_t>& batch, const std::vector<BatchKey>& k) {
  std::set<int> languages;
  for (size_t i : batch) languages.insert(k[i].language);
  return languages.size();
}

TEST(EpochBatches, VisitsEveryPairOnceInFullBatches) {
  auto k = keys();
  std::mt19937_64 rng(1);
  BatchOrderOptions options;
  options.batch_size = 500;
  options.window_batches = 4;
  auto batches = epochBatches(k, options, rng);
  ASSERT_EQ(batches.size(), 24u);
  std::set<size_t> seen;
  for (const auto& b : batches) {
    EXPECT_EQ(b.size(), 500u);
    for (size_t i : b) EXPECT_TRUE(seen.insert(i).second);
  }
  EXPECT_EQ(seen.size(), k.size());
}

TEST(EpochBatches, MixedByDefaultOneLanguagePerBatchWhenAsked) {
  auto k = keys();
  BatchOrderOptions options;
  options.batch_size = 500;
  options.window_batches = 6;  // a window of 3000 holds ~1000 of each language: two whole batches each
  std::mt19937_64 rng(2);
  size_t mixed = 0;
  for (const auto& b : epochBatches(k, options, rng)) mixed += languagesIn(b, k) > 1;
  EXPECT_EQ(mixed, 24u);  // sorted by length only: every batch mixes languages

  options.language_batches = true;
  size_t single = 0;
  auto batches = epochBatches(k, options, rng);
  for (const auto& b : batches) single += languagesIn(b, k) == 1;
  // Only a batch straddling two languages inside a window mixes them.
  EXPECT_GE(single, batches.size() / 2);
  // Within a batch the code lengths are still sorted (length bucketing).
  for (const auto& b : batches) {
    if (languagesIn(b, k) != 1) continue;
    for (size_t j = 1; j < b.size(); ++j) EXPECT_LE(k[b[j - 1]].length, k[b[j]].length);
  }
}

TEST(EpochBatches, DropsOnlyARemainderUnderHalfABatch) {
  std::mt19937_64 rng(3);
  BatchOrderOptions options;
  options.batch_size = 500;
  auto batches = epochBatches(std::vector<BatchKey>(1300), options, rng);
  ASSERT_EQ(batches.size(), 3u);  // 500 + 500 + a remainder of 300, at least half a batch
  EXPECT_EQ(batches[0].size() + batches[1].size() + batches[2].size(), 1300u);
  EXPECT_EQ(epochBatches(std::vector<BatchKey>(1200), options, rng).size(), 2u);  // a remainder of 200 is dropped
}

}  // namespace
}  // namespace cs
