// ChangeCoalescer: collects the paths a file watcher reports and says when
// they should go out as one pass: once no new path has come for `quiet`, and
// at the latest `max_delay` after the first one (a burst that never pauses
// still goes out). A branch switch of thousands of files is then one pass, not
// thousands. Time is passed in, so the policy is tested without clocks.
//
// Thread-safety: none; one thread (the watcher's event loop) owns it.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace cs {

struct CoalescerOptions {
  std::chrono::milliseconds quiet{75};       // a pass goes once the disk is this quiet
  std::chrono::milliseconds max_delay{750};  // and at most this long after its first path
};

class ChangeCoalescer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ChangeCoalescer(CoalescerOptions options = {}) : options_(options) {}

  void add(std::string path, Clock::time_point now);
  bool empty() const { return paths_.empty(); }
  // When the collected paths are due (meaningful when not empty).
  Clock::time_point dueAt() const;
  // The collected paths, sorted and distinct; empties the coalescer.
  std::vector<std::string> take();
  void clear() { paths_.clear(); }

 private:
  CoalescerOptions options_;
  std::set<std::string> paths_;
  Clock::time_point first_{};
  Clock::time_point last_{};
};

}  // namespace cs
