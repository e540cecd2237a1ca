#include "indexer/half_vectors.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>


namespace cs {
namespace {

TEST(HalfVectors, KnownValuesEncodeToTheirBinary16Bits) {
  EXPECT_EQ(halfFromFloat(0.0f), 0x0000);
  EXPECT_EQ(halfFromFloat(-0.0f), 0x8000);
  EXPECT_EQ(halfFromFloat(1.0f), 0x3c00);
  EXPECT_EQ(halfFromFloat(-2.0f), 0xc000);
  EXPECT_EQ(halfFromFloat(0.5f), 0x3800);
  EXPECT_EQ(halfFromFloat(65504.0f), 0x7bff);                     // the largest half
  EXPECT_EQ(halfFromFloat(65520.0f), 0x7c00);                     // rounds past it: infinity
  EXPECT_EQ(halfFromFloat(std::ldexp(1.0f, -14)), 0x0400);        // the smallest normal
  EXPECT_EQ(halfFromFloat(std::ldexp(1.0f, -24)), 0x0001);        // the smallest subnormal
  EXPECT_EQ(halfFromFloat(std::ldexp(1.0f, -26)), 0x0000);        // below half of it: zero
  EXPECT_EQ(halfFromFloat(1.0f + std::ldexp(1.0f, -11)), 0x3c00);  // a tie rounds to even
  EXPECT_EQ(halfFromFloat(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(halfFromFloat(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_TRUE(std::isnan(floatFromHalf(halfFromFloat(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(HalfVectors, EveryHalfDecodesAndEncodesBackToItself) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const float value = floatFromHalf(static_cast<uint16_t>(bits));
    if (std::isnan(value)) continue;
    ASSERT_EQ(halfFromFloat(value), bits) << std::hex << bits;
  }
}

// Encoding a row (F16C when the CPU has it) agrees with the scalar
// conversion bit for bit, and decoding it gives the values back to fp16 precision.
TEST(HalfVectors, RowEncodingAgreesWithScalarConversion) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0, 0.2f);
  for (size_t n : {1u, 7u, 16u, 33u, 256u}) {
    std::vector<float> x(n);
    for (float& v : x) v = normal(rng);
    std::vector<uint16_t> hx(n);
    encodeHalves(x.data(), n, hx.data());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(hx[i], halfFromFloat(x[i])) << n << " " << i;
    std::vector<float> back(n);
    decodeHalves(hx.data(), n, back.data());
    for (size_t i = 0; i < n; ++i) EXPECT_NEAR(back[i], x[i], std::fabs(x[i]) * 1e-3 + 1e-7);
  }
}

}  // namespace
}  // namespace cs
