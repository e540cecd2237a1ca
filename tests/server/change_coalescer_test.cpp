#include "server/change_coalescer.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

using namespace std::chrono_literals;
using Clock = ChangeCoalescer::Clock;

TEST(ChangeCoalescer, APassIsDueOnceTheDiskIsQuiet) {
  ChangeCoalescer coalescer(CoalescerOptions{75ms, 750ms});
  const Clock::time_point t0{};
  EXPECT_TRUE(coalescer.empty());
  coalescer.add("/ws/b.py", t0);
  EXPECT_EQ(coalescer.dueAt(), t0 + 75ms);
  coalescer.add("/ws/a.py", t0 + 50ms);  // the burst goes on: the pass waits
  EXPECT_EQ(coalescer.dueAt(), t0 + 125ms);
  coalescer.add("/ws/b.py", t0 + 60ms);
  EXPECT_EQ(coalescer.take(), (std::vector<std::string>{"/ws/a.py", "/ws/b.py"}));  // sorted, distinct
  EXPECT_TRUE(coalescer.empty());
}

TEST(ChangeCoalescer, ABurstThatNeverPausesGoesOutAfterTheMaximumDelay) {
  ChangeCoalescer coalescer(CoalescerOptions{75ms, 750ms});
  const Clock::time_point t0{};
  for (int i = 0; i < 100; ++i) coalescer.add("/ws/f" + std::to_string(i) + ".py", t0 + i * 10ms);
  EXPECT_EQ(coalescer.dueAt(), t0 + 750ms);
  EXPECT_EQ(coalescer.take().size(), 100u);
  // The next burst starts its own clock.
  coalescer.add("/ws/late.py", t0 + 2s);
  EXPECT_EQ(coalescer.dueAt(), t0 + 2s + 75ms);
  coalescer.clear();
  EXPECT_TRUE(coalescer.empty());
}

}  // namespace
}  // namespace cs
