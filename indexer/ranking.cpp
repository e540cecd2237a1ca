#include "indexer/ranking.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "indexer/path_filter.h"
#include "model/identifier_split.h"

namespace cs {

double reciprocalRank(int rank, double k) { return rank < 0 ? 0.0 : 1.0 / (k + rank + 1); }

ListNormaliser ListNormaliser::of(const std::vector<double>& scores, FusionMethod method) {
  ListNormaliser n;
  n.method = method;
  if (scores.empty()) return n;
  n.empty = false;
  n.low = *std::min_element(scores.begin(), scores.end());
  n.high = *std::max_element(scores.begin(), scores.end());
  double sum = 0, squares = 0;
  for (double s : scores) sum += s;
  n.mean = sum / static_cast<double>(scores.size());
  for (double s : scores) squares += (s - n.mean) * (s - n.mean);
  n.stddev = std::sqrt(squares / static_cast<double>(scores.size()));
  return n;
}

double ListNormaliser::normalise(double score) const {
  if (method == FusionMethod::kZScore) return stddev > 0 ? (score - mean) / stddev : 0.0;
  return high > low ? (score - low) / (high - low) : 1.0;
}

std::optional<FusionOptions> parseFusion(const std::string& text) {
  FusionOptions fusion;
  char tail = 0;
  for (auto [prefix, method] : {std::pair{"score:", FusionMethod::kScore}, {"z:", FusionMethod::kZScore}}) {
    const size_t length = std::strlen(prefix);
    if (text.compare(0, length, prefix) != 0) continue;
    fusion.method = method;
    if (std::sscanf(text.c_str() + length, "%lf:%lf%c", &fusion.dense_weight, &fusion.lexical_weight, &tail) != 2)
      return std::nullopt;
    return fusion;
  }
  fusion.method = FusionMethod::kReciprocalRank;
  const char* rest = text.rfind("rrf:", 0) == 0 ? text.c_str() + 4 : text.c_str();
  if (std::sscanf(rest, "%lf:%lf:%lf%c", &fusion.dense_weight, &fusion.lexical_weight, &fusion.k, &tail) != 3) return std::nullopt;
  return fusion;
}

std::string describeFusion(const FusionOptions& fusion) {
  char buffer[96];
  if (fusion.method == FusionMethod::kScore || fusion.method == FusionMethod::kZScore) {
    std::snprintf(buffer, sizeof buffer, "%s:%g:%g", fusion.method == FusionMethod::kScore ? "score" : "z",
                  fusion.dense_weight, fusion.lexical_weight);
  } else {
    std::snprintf(buffer, sizeof buffer, "rrf:%g:%g:%g", fusion.dense_weight, fusion.lexical_weight, fusion.k);
  }
  return buffer;
}

RerankContext makeRerankContext(const std::string& query, bool code_query, WordStemmer& stemmer) {
  RerankContext context;
  context.code_query = code_query;
  if (code_query) return context;
  context.query_words = splitIdentifierWords(query);
  for (const auto& w : context.query_words) context.query_stems.push_back(stemmer.stem(w));
  for (const auto& w : context.query_words) {
    context.query_identifier += w;
    if (w == "test" || w == "tests" || w == "spec") context.query_mentions_tests = true;
  }
  return context;
}

std::shared_ptr<const std::vector<std::string>> pathStems(const std::string& relative_path, WordStemmer& stemmer) {
  std::vector<std::string> stems;
  for (const auto& w : splitIdentifierWords(relative_path)) stems.push_back(stemmer.stem(w));
  std::sort(stems.begin(), stems.end());
  stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
  return std::make_shared<const std::vector<std::string>>(std::move(stems));
}

RerankFeatures rerankFeatures(const Chunk& chunk, std::shared_ptr<const std::vector<std::string>> path_stems,
                              bool test_path, WordStemmer& stemmer) {
  RerankFeatures features;
  features.module = chunk.kind == "module";
  features.test_path = test_path;
  for (const auto& w : splitIdentifierWords(chunk.name)) {
    features.name_identifier += w;
    features.name_stems.push_back(stemmer.stem(w));
  }
  features.path_stems = std::move(path_stems);
  return features;
}

double rerankMultiplier(const RerankContext& context, const RerankFeatures& candidate) {
  double multiplier = 1.0;
  if (candidate.module) multiplier *= 0.8;  // top-level remainders rarely answer "where is X done"
  if (context.code_query) return multiplier;
  if (!context.query_mentions_tests && candidate.test_path) multiplier *= 0.6;
  if (context.query_words.empty()) return multiplier;

  if (!candidate.name_identifier.empty() && candidate.name_identifier == context.query_identifier) {
    multiplier *= 2.0;  // the query names this symbol exactly
  } else if (!candidate.name_stems.empty()) {
    size_t overlap = 0;
    for (const auto& stem : candidate.name_stems) {
      overlap += std::find(context.query_stems.begin(), context.query_stems.end(), stem) != context.query_stems.end();
    }
    multiplier *= 1.0 + 0.3 * static_cast<double>(overlap) / static_cast<double>(candidate.name_stems.size());
  }
  size_t path_overlap = 0;
  if (candidate.path_stems) {
    for (const auto& stem : context.query_stems) {
      path_overlap += std::binary_search(candidate.path_stems->begin(), candidate.path_stems->end(), stem);
    }
  }
  if (path_overlap > 0) multiplier *= 1.0 + 0.1 * std::min<size_t>(path_overlap, 3);
  return multiplier;
}

}  // namespace cs
