// Half-precision vector kernels: IEEE 754 binary16 rows (as uint16_t bits)
// encoded from and decoded to float, and their inner products with a float
// query or another half row. The index keeps every embedding in this form
// (vector_store.h), half the memory of floats; an inner product of unit
// vectors moves by at most ~1e-3 (INDEX_FORMAT.md gives the measured cost).
//
// On x86-64 with F16C and FMA (checked once, at run time) the kernels convert
// eight lanes at a time; elsewhere a portable scalar path gives the same
// values up to float summation order.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cs {

uint16_t halfFromFloat(float value);  // round to nearest even; overflow becomes infinity
float floatFromHalf(uint16_t bits);

void encodeHalves(const float* in, size_t n, uint16_t* out);
void decodeHalves(const uint16_t* in, size_t n, float* out);

float dotHalfFloat(const uint16_t* row, const float* query, size_t n);
float dotHalfHalf(const uint16_t* a, const uint16_t* b, size_t n);

}  // namespace cs
