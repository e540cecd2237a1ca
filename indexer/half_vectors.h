// Half-precision vectors: IEEE 754 binary16 rows (as uint16_t bits) encoded
// from and decoded to float. The store on disk keeps every embedding in this
// form (index_store.h, INDEX_FORMAT.md), half the size of floats; in memory
// the index holds int8 rows (int8_vectors.h).
//
// On x86-64 with F16C (checked once, at run time) encoding converts eight
// lanes at a time; elsewhere a portable scalar path gives the same bits.
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

}  // namespace cs
