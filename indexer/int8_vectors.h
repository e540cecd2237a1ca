// Int8 vector kernels: a row of floats quantised to signed bytes with one
// scale per row (symmetric: value = scale * byte, scale = max |value| / 127),
// and its inner products with a float query or another such row. The index
// holds every embedding in this form in memory (vector_store.h), a quarter of
// floats and half of fp16; the store on disk keeps fp16 (half_vectors.h).
// For unit vectors of 512 dimensions an inner product moves by ~3e-4 (one
// standard deviation); the semble-dev figures were unchanged (README).
//
// On x86-64 with AVX2 and FMA (checked once, at run time) the kernels take
// sixteen lanes at a time; elsewhere a portable scalar path gives the same
// values up to float summation order (the int8 x int8 sum is exact).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cs {

// Quantises `n` floats into `out`; returns the row's scale (0 for a zero row).
float encodeInt8(const float* in, size_t n, int8_t* out);
void decodeInt8(const int8_t* in, float scale, size_t n, float* out);

// Unscaled sums: multiply by the rows' scales.
float dotInt8Float(const int8_t* row, const float* query, size_t n);
int32_t dotInt8Int8(const int8_t* a, const int8_t* b, size_t n);

}  // namespace cs
