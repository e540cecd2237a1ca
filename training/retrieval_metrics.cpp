#include "training/retrieval_metrics.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace cs {

double reciprocalRankOf(size_t rank) { return rank == 0 ? 0.0 : 1.0 / static_cast<double>(rank); }

double recallAt(size_t rank, size_t k) { return rank >= 1 && rank <= k ? 1.0 : 0.0; }

double ndcgAt(const std::vector<bool>& relevant, size_t total_relevant, size_t k) {
  double dcg = 0, ideal = 0;
  for (size_t i = 0; i < std::min(k, relevant.size()); ++i) {
    if (relevant[i]) dcg += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  }
  for (size_t i = 0; i < std::min(k, total_relevant); ++i) ideal += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  return ideal == 0 ? 0.0 : dcg / ideal;
}

void RetrievalScores::addRank(size_t rank) {
  mrr += reciprocalRankOf(rank);
  recall1 += recallAt(rank, 1);
  recall5 += recallAt(rank, 5);
  recall10 += recallAt(rank, 10);
  std::vector<bool> relevant(rank == 0 ? 0 : rank, false);
  if (rank > 0) relevant[rank - 1] = true;
  ndcg10 += ndcgAt(relevant, 1, 10);
  ++queries;
}

void RetrievalScores::addRanking(const std::vector<bool>& relevant, size_t total_relevant) {
  size_t first = 0;
  for (size_t i = 0; i < relevant.size(); ++i) {
    if (relevant[i]) {
      first = i + 1;
      break;
    }
  }
  mrr += reciprocalRankOf(first);
  recall1 += recallAt(first, 1);
  recall5 += recallAt(first, 5);
  recall10 += recallAt(first, 10);
  ndcg10 += ndcgAt(relevant, total_relevant, 10);
  ++queries;
}

RetrievalScores RetrievalScores::mean() const {
  if (queries == 0) return *this;
  RetrievalScores m = *this;
  const double n = static_cast<double>(queries);
  m.mrr /= n;
  m.recall1 /= n;
  m.recall5 /= n;
  m.recall10 /= n;
  m.ndcg10 /= n;
  return m;
}

PairedDifference pairedBootstrap(const std::vector<double>& differences, size_t resamples, uint64_t seed) {
  PairedDifference result;
  result.queries = differences.size();
  if (differences.empty()) return result;
  const double n = static_cast<double>(differences.size());
  for (double d : differences) result.mean += d;
  result.mean /= n;
  if (resamples == 0) {
    result.low = result.high = result.mean;
    return result;
  }
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<size_t> pick(0, differences.size() - 1);
  std::vector<double> means(resamples);
  for (double& mean : means) {
    double sum = 0;
    for (size_t i = 0; i < differences.size(); ++i) sum += differences[pick(random)];
    mean = sum / n;
  }
  std::sort(means.begin(), means.end());
  auto quantile = [&](double q) { return means[std::min(means.size() - 1, static_cast<size_t>(q * (means.size() - 1) + 0.5))]; };
  result.low = quantile(0.025);
  result.high = quantile(0.975);
  return result;
}

}  // namespace cs
