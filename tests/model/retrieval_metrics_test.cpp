#include "model/retrieval_metrics.h"

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

}  // namespace
}  // namespace cs
