#include "indexer/half_vectors.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#define CS_HALF_X86 1
#endif

namespace cs {
namespace {

uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float bitsFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

#if CS_HALF_X86
bool hasF16c() {
  static const bool supported = __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma") &&
                                __builtin_cpu_supports("avx2");
  return supported;
}

__attribute__((target("avx2,fma,f16c"))) void encodeHalvesF16c(const float* in, size_t n, uint16_t* out) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; ++i) out[i] = halfFromFloat(in[i]);
}
#endif

}  // namespace

uint16_t halfFromFloat(float value) {
  const uint32_t bits = floatBits(value);
  const uint32_t sign = (bits >> 16) & 0x8000u;
  const uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude >= 0x7f800000u)  // infinity or NaN (NaN stays a quiet NaN)
    return static_cast<uint16_t>(sign | 0x7c00u | (magnitude > 0x7f800000u ? 0x200u : 0u));
  if (magnitude >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds past 65504
  if (magnitude < 0x38800000u) {
    // A subnormal half (or zero): the value in units of 2^-24, rounded to nearest even.
    const float scaled = bitsFloat(magnitude) * 16777216.0f;  // exact: a power-of-two scale
    uint32_t units = static_cast<uint32_t>(scaled);
    const float rest = scaled - static_cast<float>(units);
    if (rest > 0.5f || (rest == 0.5f && (units & 1u))) ++units;
    return static_cast<uint16_t>(sign | units);
  }
  // A normal half: rebias the exponent, keep 10 mantissa bits, round to nearest even.
  uint32_t half = ((magnitude - 0x38000000u) >> 13);
  const uint32_t dropped = magnitude & 0x1fffu;
  if (dropped > 0x1000u || (dropped == 0x1000u && (half & 1u))) ++half;
  return static_cast<uint16_t>(sign | half);
}

float floatFromHalf(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1fu;
  const uint32_t mantissa = bits & 0x3ffu;
  if (exponent == 0) {
    const float value = static_cast<float>(mantissa) / 16777216.0f;  // mantissa * 2^-24
    return sign ? -value : value;
  }
  if (exponent == 31) return bitsFloat(sign | 0x7f800000u | (mantissa << 13));
  return bitsFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

void encodeHalves(const float* in, size_t n, uint16_t* out) {
#if CS_HALF_X86
  if (hasF16c()) return encodeHalvesF16c(in, n, out);
#endif
  for (size_t i = 0; i < n; ++i) out[i] = halfFromFloat(in[i]);
}

#if CS_HALF_X86
namespace {
// Exact, as the scalar path: every half is a float.
__attribute__((target("avx2,fma,f16c"))) void decodeHalvesF16c(const uint16_t* in, size_t n, float* out) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
  for (; i < n; ++i) out[i] = floatFromHalf(in[i]);
}
}  // namespace
#endif

void decodeHalves(const uint16_t* in, size_t n, float* out) {
#if CS_HALF_X86
  if (hasF16c()) return decodeHalvesF16c(in, n, out);
#endif
  for (size_t i = 0; i < n; ++i) out[i] = floatFromHalf(in[i]);
}

}  // namespace cs
