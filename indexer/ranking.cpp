#include "indexer/ranking.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <functional>
#include <limits>
#include <unordered_map>

#include "indexer/path_filter.h"
#include "indexer/path_prior.h"
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

std::vector<FusedCandidate> fuseRetrievedLists(const RetrievedLists& lists, SearchMode mode, const FusionOptions& fusion) {
  std::unordered_map<uint32_t, FusedCandidate> by_slot;
  for (const auto& h : lists.dense) {
    auto& c = by_slot[h.slot];
    c.slot = h.slot;
    c.dense = h.score;
  }
  for (const auto& h : lists.lexical) {
    auto& c = by_slot[h.slot];
    c.slot = h.slot;
    c.lexical = h.score;
  }
  const bool by_score = fusion.method == FusionMethod::kScore || fusion.method == FusionMethod::kZScore;
  ListNormaliser dense_norm, lexical_norm;
  std::unordered_map<uint32_t, int> dense_rank, lexical_rank;
  if (by_score) {
    std::vector<double> scores;
    for (const auto& h : lists.dense) scores.push_back(h.score);
    dense_norm = ListNormaliser::of(scores, fusion.method);
    scores.clear();
    for (const auto& h : lists.lexical) scores.push_back(h.score);
    lexical_norm = ListNormaliser::of(scores, fusion.method);
  } else {
    for (size_t i = 0; i < lists.dense.size(); ++i) dense_rank[lists.dense[i].slot] = static_cast<int>(i);
    for (size_t i = 0; i < lists.lexical.size(); ++i) lexical_rank[lists.lexical[i].slot] = static_cast<int>(i);
  }
  std::vector<FusedCandidate> out;
  out.reserve(by_slot.size());
  for (auto& [slot, c] : by_slot) {
    if (mode == SearchMode::kHybrid && by_score) {
      c.score = fusion.dense_weight * (c.dense ? dense_norm.normalise(*c.dense) : dense_norm.absent()) +
                fusion.lexical_weight * (c.lexical ? lexical_norm.normalise(*c.lexical) : lexical_norm.absent());
    } else if (mode == SearchMode::kHybrid) {
      auto rank = [](const std::unordered_map<uint32_t, int>& ranks, uint32_t s) {
        auto it = ranks.find(s);
        return it == ranks.end() ? -1 : it->second;
      };
      c.score = fusion.dense_weight * reciprocalRank(rank(dense_rank, slot), fusion.k) +
                fusion.lexical_weight * reciprocalRank(rank(lexical_rank, slot), fusion.k);
    } else if (mode == SearchMode::kSemantic) {
      c.score = c.dense.value_or(0);
    } else {
      c.score = c.lexical.value_or(0);
    }
    out.push_back(c);
  }
  return out;
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

std::optional<ShapingOptions> parseShaping(const std::string& text) {
  ShapingOptions options;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(pos, comma - pos);
    pos = comma + 1;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) return std::nullopt;
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "symbol_fusion" || key == "text_fusion") {
      auto fusion = parseFusion(value);
      if (!fusion) return std::nullopt;
      (key == "symbol_fusion" ? options.symbol_fusion : options.text_fusion) = fusion;
      continue;
    }
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0') return std::nullopt;
    if (key == "definition_boost") options.definition_boost = number;
    else if (key == "embedded_definition_scale") options.embedded_definition_scale = number;
    else if (key == "file_stem_boost") options.file_stem_boost = number;
    else if (key == "file_name_boost") options.file_name_boost = number;
    else if (key == "coherence_boost") options.coherence_boost = number;
    else if (key == "file_evidence_boost") options.file_evidence_boost = number;
    else if (key == "file_evidence_files") options.file_evidence_files = static_cast<size_t>(number);
    else if (key == "saturation_threshold") options.saturation_threshold = static_cast<size_t>(number);
    else if (key == "saturation_decay") options.saturation_decay = number;
    else if (key == "saturation_floor") options.saturation_floor = number;
    else if (key == "path_priors") options.path_priors = number != 0;
    else return std::nullopt;
  }
  return options;
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
  context.shape = analyseQuery(query);
  for (const auto& k : context.shape.keywords) context.keyword_stems.push_back(stemmer.stem(k));
  context.query_words = splitIdentifierWords(query);
  for (const auto& w : context.query_words) context.query_stems.push_back(stemmer.stem(w));
  for (const auto& w : context.query_words) context.query_identifier += w;
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
  features.window = chunk.part > 0;
  features.test_path = test_path;
  for (const auto& w : splitIdentifierWords(chunk.name)) {
    features.name_identifier += w;
    features.name_stems.push_back(stemmer.stem(w));
  }
  features.path_stems = std::move(path_stems);
  const std::string& kind = chunk.kind;
  if (kind == "module" || chunk.part > 0) {  // a window of a long definition is not a definition site
    features.definition_rank = 0;
  } else if (kind == "method" || kind == "constructor") {
    features.definition_rank = 1;
  } else if (kind == "function") {
    features.definition_rank = 2;
  } else {
    features.definition_rank = 3;  // class, struct, interface, enum, trait, type alias, ...
  }
  return features;
}

FileFeatures fileFeatures(const std::string& relative_path, WordStemmer& stemmer) {
  FileFeatures file;
  file.path_traits = pathTraits(relative_path);
  file.file_id = std::hash<std::string>{}(relative_path);
  const size_t slash = relative_path.rfind('/');
  const std::string name = slash == std::string::npos ? relative_path : relative_path.substr(slash + 1);
  file.file_stem_key = identifierKey(name.substr(0, name.find('.')));
  std::vector<std::string> words = fileNameWords(relative_path);
  const size_t plain = words.size();
  for (size_t i = 0; i < plain; ++i) words.push_back(stemmer.stem(words[i]));
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  file.file_words = std::make_shared<const std::vector<std::string>>(std::move(words));
  return file;
}

void applyFileFeatures(const FileFeatures& file, RerankFeatures& features) {
  features.path_traits = file.path_traits;
  features.file_id = file.file_id;
  features.file_stem_key = file.file_stem_key;
  features.file_words = file.file_words;
}

double rerankMultiplier(const RerankContext& context, const RerankFeatures& candidate) {
  double multiplier = 1.0;
  if (candidate.module) multiplier *= 0.8;  // top-level remainders rarely answer "where is X done"
  if (candidate.window) multiplier *= 0.8;  // nor does the middle of a long definition, before the definition
  if (context.code_query) return multiplier;
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

namespace {

double bestScore(const std::vector<ShapedCandidate>& candidates) {
  double best = 0;
  for (const auto& c : candidates) best = std::max(best, c.score);
  return best;
}

// "rails.engine" for Rails::Engine: the qualified name's segments as identifier keys.
std::string qualifiedKey(const std::string& qualified_name) {
  std::string key, segment;
  for (char c : qualified_name + ".") {
    if (c == '.' || c == ':' || c == '\\' || c == '/') {
      if (!segment.empty()) {
        if (!key.empty()) key += '.';
        key += identifierKey(segment);
        segment.clear();
      }
      continue;
    }
    segment.push_back(c);
  }
  return key;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A keyword meets a file-name word when they are equal, share a stem, or one is a prefix (4+ letters) of the other.
bool keywordInFileName(const std::string& keyword, const std::string& stem, const std::vector<std::string>& words) {
  if (std::binary_search(words.begin(), words.end(), keyword) || std::binary_search(words.begin(), words.end(), stem))
    return true;
  for (const auto& w : words) {
    const std::string& shorter = w.size() <= keyword.size() ? w : keyword;
    const std::string& longer = w.size() <= keyword.size() ? keyword : w;
    if (shorter.size() >= 4 && longer.compare(0, shorter.size(), shorter) == 0) return true;
  }
  return false;
}

}  // namespace

double definitionMatch(const ShapedCandidate& candidate, const std::string& name, const std::string& name_key,
                       const std::string& qualifier) {
  const RerankFeatures& f = *candidate.features;
  if (f.definition_rank == 0 || name_key.empty() || f.name_identifier != name_key) return 0;
  double match = candidate.chunk->name == name ? 1.0 : 0.8;  // exact spelling before case-insensitive / split-word
  match *= f.definition_rank == 3 ? 1.0 : f.definition_rank == 2 ? 0.9 : 0.8;  // types, functions, methods
  if (!qualifier.empty() && !endsWith(qualifiedKey(candidate.chunk->qualified_name), qualifier + "." + name_key))
    match *= 0.7;
  if (f.file_stem_key == name_key) match *= 1.5;  // defined in the file named after it
  return match;
}

void boostDefinitions(std::vector<ShapedCandidate>& candidates, const RerankContext& context,
                      const ShapingOptions& options) {
  const QueryShape& shape = context.shape;
  if (!shape.symbol && shape.embedded_symbols.empty()) return;
  const double best = bestScore(candidates);
  const double unit = best * options.definition_boost;
  if (unit <= 0) return;
  std::vector<std::pair<std::string, std::string>> names;  // as written, key
  double scale = 1.0;
  if (shape.symbol) {
    names.emplace_back(shape.symbol_name, shape.symbol_key);
  } else {
    scale = options.embedded_definition_scale;
    for (const auto& s : shape.embedded_symbols) names.emplace_back(s, identifierKey(s));
  }
  std::unordered_map<uint64_t, size_t> best_of_stem_file;  // file named after the symbol -> its best chunk
  for (size_t i = 0; i < candidates.size(); ++i) {
    ShapedCandidate& c = candidates[i];
    double match = 0;
    for (const auto& [name, key] : names) match = std::max(match, definitionMatch(c, name, key, shape.qualifier));
    c.score += unit * scale * match;
    if (shape.symbol && c.features->file_stem_key == shape.symbol_key && match == 0) {
      auto [it, inserted] = best_of_stem_file.emplace(c.features->file_id, i);
      if (!inserted && candidates[it->second].score < c.score) it->second = i;
    }
  }
  // A file named after the symbol is a definition site even when no chunk of it is named so.
  for (const auto& [file, i] : best_of_stem_file) candidates[i].score += best * options.file_stem_boost;
}

void boostFileNames(std::vector<ShapedCandidate>& candidates, const RerankContext& context,
                    const ShapingOptions& options) {
  const auto& keywords = context.shape.keywords;
  if (context.shape.symbol || keywords.empty()) return;
  const double unit = bestScore(candidates) * options.file_name_boost;
  std::unordered_map<uint64_t, double> share_of_file;
  for (ShapedCandidate& c : candidates) {
    const RerankFeatures& f = *c.features;
    if (!f.file_words) continue;
    auto [it, inserted] = share_of_file.emplace(f.file_id, 0.0);
    if (inserted) {
      size_t matched = 0;
      for (size_t k = 0; k < keywords.size(); ++k) matched += keywordInFileName(keywords[k], context.keyword_stems[k], *f.file_words);
      it->second = static_cast<double>(matched) / static_cast<double>(keywords.size());
    }
    c.score += unit * it->second;
  }
}

void boostFileCoherence(std::vector<ShapedCandidate>& candidates, const ShapingOptions& options) {
  const double best = bestScore(candidates);
  if (best <= 0) return;
  std::unordered_map<uint64_t, std::pair<double, size_t>> files;  // file -> (score sum, best candidate)
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto [it, inserted] = files.emplace(candidates[i].features->file_id, std::make_pair(0.0, i));
    it->second.first += std::max(0.0, candidates[i].score);
    const ShapedCandidate& best_so_far = candidates[it->second.second];
    if (candidates[i].score > best_so_far.score ||
        (candidates[i].score == best_so_far.score && candidates[i].slot < best_so_far.slot))
      it->second.second = i;  // ties: the lower slot, whatever order the pool came in
  }
  double max_sum = 0;
  for (const auto& [file, entry] : files) max_sum = std::max(max_sum, entry.first);
  if (max_sum <= 0) return;
  for (const auto& [file, entry] : files) candidates[entry.second].score += best * options.coherence_boost * entry.first / max_sum;
}

void boostFileEvidence(std::vector<ShapedCandidate>& candidates, const std::unordered_map<uint64_t, double>& evidence,
                       const ShapingOptions& options) {
  if (evidence.empty() || options.file_evidence_boost <= 0) return;
  const double unit = bestScore(candidates) * options.file_evidence_boost;
  for (ShapedCandidate& c : candidates) {
    auto it = evidence.find(c.features->file_id);
    if (it != evidence.end()) c.score += unit * it->second;
  }
}

void applyPathPriors(std::vector<ShapedCandidate>& candidates, const RerankContext& context,
                     const ShapingOptions& options) {
  if (!options.path_priors) return;
  for (ShapedCandidate& c : candidates) {
    const double prior = pathPrior(c.features->path_traits, c.features->module, context.query_words);
    c.score = c.score >= 0 ? c.score * prior : c.score / prior;
  }
}

std::vector<ShapedCandidate> diverseTopK(std::vector<ShapedCandidate> candidates, size_t k,
                                         const ShapingOptions& options) {
  auto better = [](const ShapedCandidate& a, const ShapedCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.slot < b.slot;
  };
  std::sort(candidates.begin(), candidates.end(), better);
  std::vector<ShapedCandidate> selected;
  std::unordered_map<uint64_t, size_t> per_file;
  double floor = -std::numeric_limits<double>::infinity();  // the k-th best effective score so far
  for (ShapedCandidate c : candidates) {
    if (selected.size() >= k && c.score <= floor) break;  // decay only lowers scores: nothing later can enter
    size_t& seen = per_file[c.features->file_id];
    if (seen >= options.saturation_threshold && c.score > 0)
      c.score *= std::max(options.saturation_floor,
                          std::pow(options.saturation_decay, static_cast<double>(seen - options.saturation_threshold + 1)));
    ++seen;
    selected.push_back(c);
    if (selected.size() >= k) {
      std::nth_element(selected.begin(), selected.begin() + (k - 1), selected.end(), better);
      floor = selected[k - 1].score;
    }
  }
  std::sort(selected.begin(), selected.end(), better);
  if (selected.size() > k) selected.resize(k);
  return selected;
}

}  // namespace cs
