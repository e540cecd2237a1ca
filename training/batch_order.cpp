#include "training/batch_order.h"

#include <algorithm>
#include <numeric>

namespace cs {

std::vector<std::vector<size_t>> epochBatches(const std::vector<BatchKey>& keys, const BatchOrderOptions& options,
                                              std::mt19937_64& rng) {
  const size_t batch = std::max<size_t>(1, options.batch_size);
  std::vector<size_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  const size_t window = batch * std::max<size_t>(1, options.window_batches);
  for (size_t w = 0; w < order.size(); w += window) {
    auto end = order.begin() + static_cast<long>(std::min(order.size(), w + window));
    std::sort(order.begin() + static_cast<long>(w), end, [&](size_t a, size_t b) {
      if (options.language_batches && keys[a].language != keys[b].language) return keys[a].language < keys[b].language;
      return keys[a].length < keys[b].length;
    });
  }
  std::vector<size_t> starts;
  for (size_t b = 0; b + batch / 2 <= order.size(); b += batch) starts.push_back(b);
  std::shuffle(starts.begin(), starts.end(), rng);
  std::vector<std::vector<size_t>> batches;
  batches.reserve(starts.size());
  for (size_t b : starts) {
    batches.emplace_back(order.begin() + static_cast<long>(b),
                         order.begin() + static_cast<long>(std::min(order.size(), b + batch)));
  }
  return batches;
}

}  // namespace cs
