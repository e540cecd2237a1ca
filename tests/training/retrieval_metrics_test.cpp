#include "training/retrieval_metrics.h"

#include <cmath>

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(RetrievalMetrics, MrrAndRecallByHand) {
  RetrievalScores s;
  s.addRank(1);   // RR 1
  s.addRank(2);   // RR 0.5
  s.addRank(10);  // RR 0.1
  s.addRank(0);   // not found: RR 0
  RetrievalScores m = s.mean();
  EXPECT_NEAR(m.mrr, (1.0 + 0.5 + 0.1 + 0.0) / 4, 1e-12);
  EXPECT_NEAR(m.recall1, 0.25, 1e-12);
  EXPECT_NEAR(m.recall5, 0.5, 1e-12);
  EXPECT_NEAR(m.recall10, 0.75, 1e-12);
  EXPECT_EQ(m.queries, 4u);
}

TEST(RetrievalMetrics, NdcgByHand) {
  // Relevant at ranks 1 and 3, two relevant items in total:
  // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3).
  std::vector<bool> ranking = {true, false, true, false};
  EXPECT_NEAR(ndcgAt(ranking, 2, 10), 1.5 / (1.0 + 1.0 / std::log2(3.0)), 1e-12);
  EXPECT_NEAR(ndcgAt({false, true}, 1, 10), 1.0 / std::log2(3.0), 1e-12);
  EXPECT_EQ(ndcgAt({false, false}, 1, 10), 0.0);
  EXPECT_EQ(ndcgAt({false, true}, 1, 1), 0.0);  // cut at k
}

TEST(RetrievalMetrics, PairedBootstrapOfAConstantDifferenceIsThatConstant) {
  PairedDifference d = pairedBootstrap(std::vector<double>(40, 0.25), 500, 7);
  EXPECT_DOUBLE_EQ(d.mean, 0.25);
  EXPECT_DOUBLE_EQ(d.low, 0.25);
  EXPECT_DOUBLE_EQ(d.high, 0.25);
  EXPECT_EQ(d.queries, 40u);
}

TEST(RetrievalMetrics, PairedBootstrapIntervalSeparatesAClearMarginFromNoise) {
  // Half the queries +1, half -1: no margin; the interval straddles 0.
  std::vector<double> noise;
  for (int i = 0; i < 100; ++i) noise.push_back(i % 2 ? 1.0 : -1.0);
  PairedDifference none = pairedBootstrap(noise, 2000, 1);
  EXPECT_DOUBLE_EQ(none.mean, 0.0);
  EXPECT_LT(none.low, 0.0);
  EXPECT_GT(none.high, 0.0);
  // The standard error of the mean is 0.1 here, so the 95% interval spans about +-0.2.
  EXPECT_NEAR(none.high - none.low, 4 * 0.1, 0.05);
  // 70 wins and 30 losses of the same size: mean 0.4, interval clear of 0.
  std::vector<double> margin;
  for (int i = 0; i < 100; ++i) margin.push_back(i < 70 ? 1.0 : -1.0);
  PairedDifference clear = pairedBootstrap(margin, 2000, 1);
  EXPECT_NEAR(clear.mean, 0.4, 1e-12);
  EXPECT_GT(clear.low, 0.0);
  EXPECT_LT(clear.low, clear.mean);
  EXPECT_GT(clear.high, clear.mean);
  // Seeded: the same call gives the same interval.
  PairedDifference again = pairedBootstrap(margin, 2000, 1);
  EXPECT_EQ(again.low, clear.low);
  EXPECT_EQ(again.high, clear.high);
  EXPECT_EQ(pairedBootstrap({}, 100, 1).queries, 0u);
}

}  // namespace
}  // namespace cs
