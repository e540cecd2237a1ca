// Int8 rows (indexer/int8_vectors.h) and the VectorStore that holds them.
#include "indexer/int8_vectors.h"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "indexer/vector_store.h"

namespace cs {
namespace {

std::vector<float> randomUnit(int dim, std::mt19937& rng) {
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> v(dim);
  double norm = 0;
  for (float& x : v) norm += (x = normal(rng)) * x;
  for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

TEST(Int8Vectors, QuantisationIsSymmetricAndBounded) {
  const std::vector<float> x = {0.5f, -1.0f, 0.25f, 0.0f, 1.0f / 127};
  std::vector<int8_t> q(x.size());
  const float scale = encodeInt8(x.data(), x.size(), q.data());
  EXPECT_FLOAT_EQ(scale, 1.0f / 127);
  EXPECT_EQ(q[1], -127);
  EXPECT_EQ(q[0], 64);  // 63.5 rounds away from zero
  EXPECT_EQ(q[3], 0);
  EXPECT_EQ(q[4], 1);
  const std::vector<float> zero(4, 0.0f);
  std::vector<int8_t> z(4, 9);
  EXPECT_EQ(encodeInt8(zero.data(), zero.size(), z.data()), 0.0f);
  EXPECT_EQ(z, std::vector<int8_t>(4, 0));
  const std::vector<float> bad = {NAN, 1.0f};
  EXPECT_EQ(encodeInt8(bad.data(), bad.size(), z.data()), 0.0f);  // never a NaN scale
}

// The vector kernels (AVX2 where the CPU has it) against plain loops, for
// lengths that exercise the 16-lane body and the scalar tail.
TEST(Int8Vectors, KernelsAgreeWithPlainLoops) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(-127, 127);
  std::normal_distribution<float> normal(0, 1);
  for (size_t n : {1u, 15u, 16u, 17u, 100u, 512u}) {
    std::vector<int8_t> a(n), b(n);
    std::vector<float> q(n);
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<int8_t>(byte(rng)), b[i] = static_cast<int8_t>(byte(rng)), q[i] = normal(rng);
    int32_t exact = 0;
    double expected = 0;
    for (size_t i = 0; i < n; ++i) exact += a[i] * b[i], expected += a[i] * static_cast<double>(q[i]);
    EXPECT_EQ(dotInt8Int8(a.data(), b.data(), n), exact) << n;
    EXPECT_NEAR(dotInt8Float(a.data(), q.data(), n), expected, 1e-3 * (1 + std::fabs(expected))) << n;
  }
}

// A unit vector's inner products move by well under 1e-2 when it is held in
// int8 (the typical error is ~3e-4 at 512 dimensions): below the gaps that
// decide a ranking.
TEST(VectorStoreTest, RowsReadBackQuantisedAndStable) {
  const int dim = 512;
  std::mt19937 rng(11);
  double worst = 0;
  VectorStore store(dim);
  std::vector<float> a = randomUnit(dim, rng);
  store.set(3, a.data());
  for (int trial = 0; trial < 200; ++trial) {
    const std::vector<float> q = randomUnit(dim, rng);
    double exact = 0;
    for (int i = 0; i < dim; ++i) exact += a[i] * q[i];
    worst = std::max(worst, std::fabs(store.dot(3, q.data()) - exact));
  }
  EXPECT_LT(worst, 3e-3);
  EXPECT_FALSE(store.contains(0));
  EXPECT_TRUE(store.row(0).empty());
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.rows(), 4u);
  EXPECT_NEAR(store.dotRows(3, 3), 1.0, 3e-3);
  EXPECT_TRUE(store.sameRow(3, a.data()));
  std::vector<float> back = store.row(3);
  ASSERT_EQ(back.size(), static_cast<size_t>(dim));
  EXPECT_TRUE(store.sameRow(3, back.data()));  // what it read back is the same row
  store.set(3, back.data());
  EXPECT_EQ(store.row(3), back);  // and setting it again changes nothing
  a[5] += 0.05f;
  EXPECT_FALSE(store.sameRow(3, a.data()));
  store.remove(3);
  EXPECT_FALSE(store.sameRow(3, back.data()));
  EXPECT_EQ(store.size(), 0u);
  // Rows far apart land in different blocks and read back as set.
  std::vector<float> far = randomUnit(dim, rng);
  store.set(100000, far.data());
  EXPECT_TRUE(store.sameRow(100000, far.data()));
  EXPECT_EQ(store.rows(), 100001u);
}

}  // namespace
}  // namespace cs
