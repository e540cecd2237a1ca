#include "server/change_coalescer.h"

#include <algorithm>

namespace cs {

void ChangeCoalescer::add(std::string path, Clock::time_point now) {
  if (paths_.empty()) first_ = last_ = now;
  last_ = std::max(last_, now);
  paths_.insert(std::move(path));
}

ChangeCoalescer::Clock::time_point ChangeCoalescer::dueAt() const {
  return std::min(last_ + options_.quiet, first_ + options_.max_delay);
}

std::vector<std::string> ChangeCoalescer::take() {
  std::vector<std::string> out;
  out.reserve(paths_.size());
  while (!paths_.empty()) out.push_back(std::move(paths_.extract(paths_.begin()).value()));
  return out;
}

}  // namespace cs
