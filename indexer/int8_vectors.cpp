#include "indexer/int8_vectors.h"

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#define CS_INT8_X86 1
#endif

namespace cs {
namespace {

#if CS_INT8_X86
bool hasAvx2() {
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported;
}

__attribute__((target("avx2,fma"))) float horizontalSum(__m256 v) {
  __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  sum = _mm_hadd_ps(sum, sum);
  sum = _mm_hadd_ps(sum, sum);
  return _mm_cvtss_f32(sum);
}

__attribute__((target("avx2,fma"))) float dotInt8FloatAvx2(const int8_t* row, const float* query, size_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i));
    const __m256 a0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
    const __m256 a1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(bytes, 8)));
    acc0 = _mm256_fmadd_ps(a0, _mm256_loadu_ps(query + i), acc0);
    acc1 = _mm256_fmadd_ps(a1, _mm256_loadu_ps(query + i + 8), acc1);
  }
  float sum = horizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += static_cast<float>(row[i]) * query[i];
  return sum;
}

__attribute__((target("avx2,fma"))) int32_t dotInt8Int8Avx2(const int8_t* a, const int8_t* b, size_t n) {
  __m256i acc = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i wa = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    const __m256i wb = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(wa, wb));  // |pair sum| <= 2 * 127^2: no overflow
  }
  __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
  sum = _mm_hadd_epi32(sum, sum);
  sum = _mm_hadd_epi32(sum, sum);
  int32_t total = _mm_cvtsi128_si32(sum);
  for (; i < n; ++i) total += static_cast<int32_t>(a[i]) * b[i];
  return total;
}
#endif

}  // namespace

float encodeInt8(const float* in, size_t n, int8_t* out) {
  // Written so the compiler vectorises both loops (std::isfinite and
  // std::lround are calls, and were most of a warm start's vector work).
  float largest = 0;
  bool finite = true;
  for (size_t i = 0; i < n; ++i) {
    const float magnitude = std::fabs(in[i]);
    finite &= magnitude <= std::numeric_limits<float>::max();  // false for infinities and NaN
    largest = magnitude > largest ? magnitude : largest;
  }
  if (!finite || !(largest > 0)) {  // zero, or not all numbers: a zero row
    std::fill(out, out + n, int8_t{0});
    return 0;
  }
  const float scale = largest / 127.0f;
  const float inverse = 127.0f / largest;
  for (size_t i = 0; i < n; ++i) {
    const float v = std::clamp(in[i] * inverse, -127.0f, 127.0f);
    out[i] = static_cast<int8_t>(static_cast<int>(v + (v >= 0 ? 0.5f : -0.5f)));  // half away from zero, as lround
  }
  return scale;
}

void decodeInt8(const int8_t* in, float scale, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = scale * static_cast<float>(in[i]);
}

float dotInt8Float(const int8_t* row, const float* query, size_t n) {
#if CS_INT8_X86
  if (hasAvx2()) return dotInt8FloatAvx2(row, query, n);
#endif
  float sum = 0;
  for (size_t i = 0; i < n; ++i) sum += static_cast<float>(row[i]) * query[i];
  return sum;
}

int32_t dotInt8Int8(const int8_t* a, const int8_t* b, size_t n) {
#if CS_INT8_X86
  if (hasAvx2()) return dotInt8Int8Avx2(a, b, n);
#endif
  int32_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += static_cast<int32_t>(a[i]) * b[i];
  return sum;
}

}  // namespace cs
