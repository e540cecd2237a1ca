// FNV-1a: a small, stable 64-bit hash for content keys, cache directory names
// and model ids. Not cryptographic. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cs {

constexpr uint64_t kFnvOffsetBasis = 1469598103934665603ull;

inline uint64_t fnv1a(const void* data, size_t size, uint64_t hash = kFnvOffsetBasis) {
  const unsigned char* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 1099511628211ull;
  }
  return hash;
}

inline uint64_t fnv1a(std::string_view text, uint64_t hash = kFnvOffsetBasis) {
  return fnv1a(text.data(), text.size(), hash);
}

}  // namespace cs
