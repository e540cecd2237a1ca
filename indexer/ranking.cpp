#include "indexer/ranking.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_set>

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

double rerankMultiplier(const RerankContext& context, const Chunk& chunk, const std::string& relative_path,
                        WordStemmer& stemmer) {
  double multiplier = 1.0;
  if (chunk.kind == "module") multiplier *= 0.8;  // top-level remainders rarely answer "where is X done"
  if (context.code_query) return multiplier;
  if (!context.query_mentions_tests && isTestPath(relative_path)) multiplier *= 0.6;
  if (context.query_words.empty()) return multiplier;

  std::vector<std::string> name_words = splitIdentifierWords(chunk.name);
  std::string name_identifier;
  for (const auto& w : name_words) name_identifier += w;
  if (!name_identifier.empty() && name_identifier == context.query_identifier) {
    multiplier *= 2.0;  // the query names this symbol exactly
  } else if (!name_words.empty()) {
    std::unordered_set<std::string> query(context.query_stems.begin(), context.query_stems.end());
    size_t overlap = 0;
    for (const auto& w : name_words) overlap += query.count(stemmer.stem(w));
    multiplier *= 1.0 + 0.3 * static_cast<double>(overlap) / static_cast<double>(name_words.size());
  }
  std::unordered_set<std::string> path_set;
  for (const auto& w : splitIdentifierWords(relative_path)) path_set.insert(stemmer.stem(w));
  size_t path_overlap = 0;
  for (const auto& w : context.query_stems) path_overlap += path_set.count(w);
  if (path_overlap > 0) multiplier *= 1.0 + 0.1 * std::min<size_t>(path_overlap, 3);
  return multiplier;
}

}  // namespace cs
