// RandomUnitVectors: random L2-normalised vectors of one width from a fixed
// seed, for the vector-index tests. Self-contained (no indexer headers), so
// scripts/gpu-check.sh builds device_vector_index_test.cpp without the rest
// of the indexer. Not thread-safe: one generator per test.
#pragma once

#include <cmath>
#include <random>
#include <vector>

namespace cs {

class RandomUnitVectors {
 public:
  RandomUnitVectors(int dim, unsigned seed) : dim_(dim), rng_(seed) {}
  std::vector<float> next() {
    std::vector<float> v(dim_);
    float norm = 0;
    for (float& x : v) norm += (x = gauss_(rng_)) * x;
    for (float& x : v) x /= std::sqrt(norm);
    return v;
  }

 private:
  int dim_;
  std::mt19937 rng_;
  std::normal_distribution<float> gauss_;
};

}  // namespace cs
