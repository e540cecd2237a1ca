#include "training/retrieval_eval.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "indexer/embedding_text.h"
#include "indexer/file_indexer.h"
#include "indexer/index.h"
#include "indexer/workspace_walker.h"
#include "support/hash.h"

namespace cs {
namespace {

const std::unordered_set<std::string>& keywords() {
  static const std::unordered_set<std::string> words = {
      "if", "else", "elif", "for", "while", "return", "def", "class", "self", "this", "func", "fn", "let", "mut",
      "const", "var", "function", "new", "try", "catch", "except", "finally", "raise", "throw", "throws", "import",
      "from", "as", "in", "is", "not", "and", "or", "None", "True", "False", "null", "nil", "true", "false", "public",
      "private", "protected", "static", "void", "int", "long", "float", "double", "bool", "boolean", "char", "string",
      "String", "struct", "impl", "pub", "use", "match", "case", "switch", "break", "continue", "default", "do",
      "end", "begin", "with", "yield", "await", "async", "lambda", "pass", "package", "type", "interface", "enum",
      "range", "len", "err", "error", "Ok", "Err", "Some", "println", "print", "echo", "unsafe", "where", "super",
      "extends", "implements", "final", "override", "virtual", "auto", "unsigned", "sizeof", "typedef", "goto",
      "module", "require", "include", "namespace", "template", "typename", "operator", "delete", "instanceof",
      "typeof", "undefined", "go", "chan", "defer", "select", "map", "make", "append", "isinstance", "str", "dict",
      "list", "tuple", "set", "object", "Self", "ref", "out", "foreach", "then", "fi", "local", "global"};
  return words;
}

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void addScores(ModeScores& mode, const std::map<std::string, RetrievalScores>& sums) {
  double mrr = 0, r1 = 0, r5 = 0, r10 = 0, ndcg = 0;
  size_t queries = 0;
  for (const auto& [language, sum] : sums) {
    RetrievalScores m = sum.mean();
    mode.by_language[language] = m;
    mrr += m.mrr;
    r1 += m.recall1;
    r5 += m.recall5;
    r10 += m.recall10;
    ndcg += m.ndcg10;
    queries += m.queries;
  }
  const double n = sums.empty() ? 1.0 : static_cast<double>(sums.size());
  mode.average = RetrievalScores{mrr / n, r1 / n, r5 / n, r10 / n, ndcg / n, queries};
}

Chunk chunkFor(const TrainingPair& pair, size_t i) {
  Chunk c;
  // No package in the path: CodeSearchNet candidates carry no location, and a
  // package name would hand the lexical arm a clue the query shares with its neighbours.
  c.path = "/eval/" + std::to_string(i);
  c.language = pair.language;
  c.kind = "function";
  c.name = pair.name;
  // The code side only: the description is the query, so it must not be in the document.
  size_t nl = pair.code.find('\n');
  c.qualified_name = nl == std::string::npos ? pair.name : pair.code.substr(0, nl);
  c.text = nl == std::string::npos ? pair.code : pair.code.substr(nl + 1);
  c.signature = c.text.substr(0, c.text.find('\n'));
  return c;
}

size_t rankOf(const std::vector<SearchHit>& hits, ChunkId target, size_t cutoff) {
  for (size_t r = 0; r < hits.size() && r < cutoff; ++r) {
    if (hits[r].id == target) return r + 1;
  }
  return 0;
}

}  // namespace

std::string renameIdentifiers(const std::string& code, const std::string& keep_name) {
  std::unordered_map<std::string, std::string> renamed;
  std::string out;
  out.reserve(code.size());
  size_t i = 0;
  bool in_string = false;
  char quote = 0;
  while (i < code.size()) {
    char c = code[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < code.size()) {
        out.push_back(code[++i]);
      } else if (c == quote) {
        in_string = false;
      }
      ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      in_string = true;
      quote = c;
      out.push_back(c);
      ++i;
      continue;
    }
    if (isIdentStart(c) && (i == 0 || !isIdentChar(code[i - 1]))) {
      size_t j = i;
      while (j < code.size() && isIdentChar(code[j])) ++j;
      std::string word = code.substr(i, j - i);
      const bool member = i > 0 && code[i - 1] == '.';  // obj.method: an API name, not a local
      if (word.size() <= 2 || member || word == keep_name || keywords().count(word) || (j < code.size() && code[j] == '(')) {
        out += word;
      } else {
        auto it = renamed.find(word);
        if (it == renamed.end()) it = renamed.emplace(word, "v" + std::to_string(renamed.size() + 1)).first;
        out += it->second;
      }
      i = j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

std::map<std::string, std::vector<std::vector<size_t>>> evaluationGroups(const std::vector<TrainingPair>& pairs,
                                                                        const EvalOptions& options) {
  std::map<std::string, std::vector<size_t>> by_language;
  for (size_t i = 0; i < pairs.size(); ++i) by_language[pairs[i].language].push_back(i);
  std::map<std::string, std::vector<std::vector<size_t>>> groups;
  for (auto& [language, indices] : by_language) {
    if (options.distractors == Distractors::kRandom) {
      std::mt19937_64 rng(options.seed ^ fnv1a(language));
      std::shuffle(indices.begin(), indices.end(), rng);
    }
    for (size_t begin = 0; begin + options.group_size <= indices.size() &&
                           groups[language].size() < options.max_groups_per_language;
         begin += options.group_size) {
      groups[language].emplace_back(indices.begin() + static_cast<long>(begin),
                                    indices.begin() + static_cast<long>(begin + options.group_size));
    }
  }
  return groups;
}

namespace {

using ScoreSums = std::map<std::string, std::map<std::string, RetrievalScores>>;  // mode -> language -> sums

// The exact 1-based rank of code `q` for query vector `q` among a group's codes.
size_t denseRank(const std::vector<float>& queries, const std::vector<float>& codes, size_t q, size_t group_size,
                 int dim) {
  const float* qv = queries.data() + q * dim;
  float target = 0;
  for (int d = 0; d < dim; ++d) target += qv[d] * codes[q * dim + d];
  size_t rank = 1;
  for (size_t j = 0; j < group_size; ++j) {
    if (j == q) continue;
    float s = 0;
    for (int d = 0; d < dim; ++d) s += qv[d] * codes[j * dim + d];
    if (s > target) ++rank;
  }
  return rank;
}

std::vector<float> rowOf(const std::vector<float>& matrix, size_t row, int dim) {
  return std::vector<float>(matrix.begin() + static_cast<long>(row * dim), matrix.begin() + static_cast<long>((row + 1) * dim));
}

// One CodeSearchNet-protocol group: each pair's doc (and its renamed code, for
// code-to-code) searched among the group's codes, dense exactly and lexical and
// hybrid through the daemon's own Index.
Status evaluateGroup(const std::vector<const TrainingPair*>& group, const std::string& language,
                     const CodeEncoder& encoder, const EvalOptions& options, ScoreSums& csn, ScoreSums& c2c) {
  const int dim = encoder.dim();
  std::vector<std::string> codes, docs, variants;
  for (const auto* p : group) {
    codes.push_back(p->code);
    docs.push_back(p->doc);
    variants.push_back(renameIdentifiers(p->code, p->name));
  }
  std::vector<float> code_vecs = encoder.encodeCode(codes);
  std::vector<float> doc_vecs = encoder.encodeQuery(docs);
  std::vector<float> variant_vecs = encoder.encodeCode(variants);
  if (code_vecs.size() != codes.size() * static_cast<size_t>(dim)) return makeError("encoder failed");

  IndexOptions index_options;
  index_options.dim = dim;
  index_options.model_id = encoder.modelId();
  index_options.shaping = options.shaping;
  auto index = Index::open(index_options);
  if (!index.ok()) return index.error();
  std::vector<ChunkId> ids(group.size());
  for (size_t i = 0; i < group.size(); ++i) {
    IndexedChunk ic;
    ic.chunk = chunkFor(*group[i], i);
    ic.content_hash = embeddingHash(ic.chunk) ^ i;  // distinct: duplicates must not collapse here
    ic.vector = rowOf(code_vecs, i, dim);
    std::string path = ic.chunk.path;
    (void)index.value()->replaceFile(path, FileStamp{}, {ic});
    ids[i] = index.value()->chunkAt(path, 0)->first;
  }
  const Index& searched = *index.value();
  auto rank = [&](const SearchRequest& request, size_t q) {
    return rankOf(searched.search(request).value(), ids[q], options.rank_cutoff);
  };
  for (size_t q = 0; q < group.size(); ++q) {
    csn["dense"][language].addRank(denseRank(doc_vecs, code_vecs, q, group.size(), dim));
    c2c["dense"][language].addRank(denseRank(variant_vecs, code_vecs, q, group.size(), dim));

    SearchRequest request;
    request.query = group[q]->doc;
    request.limit = static_cast<int>(options.rank_cutoff);
    request.mode = SearchMode::kLexical;
    csn["lexical"][language].addRank(rank(request, q));
    request.mode = SearchMode::kHybrid;
    request.query_vector = rowOf(doc_vecs, q, dim);
    csn["hybrid"][language].addRank(rank(request, q));
    for (const FusionOptions& fusion : options.fusion_sweep) {
      request.fusion = fusion;
      csn["hybrid[" + describeFusion(fusion) + "]"][language].addRank(rank(request, q));
    }

    SearchRequest similar;
    similar.query = variants[q];
    similar.limit = static_cast<int>(options.rank_cutoff);
    similar.mode = SearchMode::kHybrid;
    similar.code_query = true;
    similar.query_vector = rowOf(variant_vecs, q, dim);
    c2c["hybrid"][language].addRank(rank(similar, q));
    for (const FusionOptions& fusion : options.code_fusion_sweep) {
      similar.fusion = fusion;
      c2c["hybrid[" + describeFusion(fusion) + "]"][language].addRank(rank(similar, q));
    }
  }
  return {};
}

// The NL query file's lines, grouped by the codebase root they search.
Result<std::map<std::string, std::vector<nlohmann::json>>> readNlQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return makeError("cannot read " + path);
  std::map<std::string, std::vector<nlohmann::json>> by_root;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) return makeError(path + ": bad line");
    by_root[j.at("root").get<std::string>()].push_back(j);
  }
  return by_root;
}

// A codebase indexed in memory the way the daemon indexes a workspace.
Result<std::unique_ptr<Index>> indexCodebase(const std::string& root, const CodeEncoder& encoder,
                                             const EvalOptions& options) {
  IndexOptions index_options;
  index_options.dim = encoder.dim();
  index_options.model_id = vectorSpaceId(encoder.modelId(), options.nl_embedding);
  index_options.workspace_root = root;
  index_options.shaping = options.shaping;
  auto index = Index::open(index_options);
  if (!index.ok()) return index.error();
  WalkOptions walk;
  walk.roots = {root};
  WorkspaceWalker walker(walk);
  FileIndexerOptions file_options;
  file_options.embedding = options.nl_embedding;
  FileIndexer indexer(*index.value(), &encoder, file_options);
  std::vector<FileInput> inputs;
  for (const auto& file : walker.walk().files) {
    inputs.push_back(FileInput{file.path, std::nullopt});
    if (inputs.size() == 64) {
      indexer.indexBatch(inputs);
      inputs.clear();
    }
  }
  indexer.indexBatch(inputs);
  return index;
}

// One NL query in every reported variant (the three modes, then the hybrid
// fusion sweep), scored against its relevant (path, name) entries.
Status evaluateNlQuery(const nlohmann::json& q, const std::string& root, const Index& index,
                       const CodeEncoder& encoder, const EvalOptions& options, EvalReport& report) {
  auto log = [&](const std::string& s) {
    if (options.log) options.log(s);
  };
  std::vector<std::pair<std::string, std::string>> relevant;
  for (const auto& r : q.at("relevant"))
    relevant.emplace_back(root + "/" + r.at("path").get<std::string>(), r.at("name").get<std::string>());
  auto named = [](const Chunk& c, const std::string& name) { return c.qualified_name == name || c.name == name; };
  for (const auto& [path, name] : relevant) {
    const auto chunks = index.chunksOf(path);
    if (std::none_of(chunks.begin(), chunks.end(), [&](const Chunk& c) { return named(c, name); })) {
      report.nl_missing_relevant.push_back(q.value("id", "") + ": " + path + " " + name);
      log("relevant entry names no indexed chunk: " + report.nl_missing_relevant.back());
    }
  }
  auto is_relevant = [&](const Chunk& c) {
    for (const auto& [path, name] : relevant) {
      if (c.path == path && named(c, name)) return true;
    }
    return false;
  };
  const std::string text = q.at("query").get<std::string>();
  std::vector<float> qv = encoder.encodeQuery({text});
  std::vector<std::pair<std::string, SearchRequest>> variants;
  for (auto [name, mode] : {std::pair{"dense", SearchMode::kSemantic}, {"lexical", SearchMode::kLexical},
                            {"hybrid", SearchMode::kHybrid}}) {
    SearchRequest request;
    request.mode = mode;
    variants.emplace_back(name, std::move(request));
  }
  for (const FusionOptions& fusion : options.fusion_sweep) {
    SearchRequest request;
    request.fusion = fusion;
    variants.emplace_back("hybrid[" + describeFusion(fusion) + "]", std::move(request));
  }
  EvalReport::NlQueryRanks details{q.value("id", ""), text, {}, {}};
  for (auto& [name, request] : variants) {
    request.query = text;
    request.limit = static_cast<int>(options.rank_cutoff);
    if (request.mode != SearchMode::kLexical) request.query_vector = qv;
    auto hits = index.search(request);
    if (!hits.ok()) return hits.error();
    std::vector<bool> flags;
    for (const auto& h : hits.value()) flags.push_back(is_relevant(h.chunk));
    report.nl[name].addRanking(flags, relevant.size());
    report.nl_by_codebase[q.value("codebase", root)][name].addRanking(flags, relevant.size());
    auto first = std::find(flags.begin(), flags.end(), true);
    details.first_relevant[name] = first == flags.end() ? 0 : static_cast<size_t>(first - flags.begin()) + 1;
    details.ndcg10[name] = ndcgAt(flags, relevant.size(), 10);
  }
  report.nl_details.push_back(std::move(details));
  ++report.nl_queries;
  return {};
}

// Means over the NL queries, and hybrid minus lexical with its bootstrap interval.
void summariseNl(EvalReport& report) {
  for (auto& [mode, scores] : report.nl) scores = scores.mean();
  for (auto& [codebase, modes] : report.nl_by_codebase) {
    for (auto& [mode, scores] : modes) scores = scores.mean();
  }
  std::vector<double> ndcg, rr;
  for (const auto& d : report.nl_details) {
    ndcg.push_back(d.ndcg10.at("hybrid") - d.ndcg10.at("lexical"));
    rr.push_back(reciprocalRankOf(d.first_relevant.at("hybrid")) - reciprocalRankOf(d.first_relevant.at("lexical")));
  }
  if (!ndcg.empty()) {
    report.nl_hybrid_minus_lexical["ndcg@10"] = pairedBootstrap(ndcg);
    report.nl_hybrid_minus_lexical["mrr"] = pairedBootstrap(rr);
  }
}

}  // namespace

// Stages: the CodeSearchNet-protocol groups per language, then (with NL
// queries) each codebase indexed as the daemon would and its queries scored.
Result<EvalReport> evaluate(const std::vector<TrainingPair>& test_pairs, const CodeEncoder& encoder,
                            const EvalOptions& options) {
  auto log = [&](const std::string& s) {
    if (options.log) options.log(s);
  };
  EvalReport report;
  report.distractors = options.distractors == Distractors::kRandom ? "random" : "same-package";
  ScoreSums csn_sums, c2c_sums;
  for (const auto& [language, language_groups] : evaluationGroups(test_pairs, options)) {
    for (size_t g = 0; g < language_groups.size(); ++g) {
      std::vector<const TrainingPair*> group;
      for (size_t index : language_groups[g]) group.push_back(&test_pairs[index]);
      if (Status done = evaluateGroup(group, language, encoder, options, csn_sums, c2c_sums); !done.ok())
        return done.error();
      log("evaluated " + language + " group " + std::to_string(g + 1));
    }
  }
  for (auto& [mode, sums] : csn_sums) addScores(report.csn[mode], sums);
  for (auto& [mode, sums] : c2c_sums) addScores(report.code2code[mode], sums);
  if (options.nl_queries.empty()) return report;

  auto by_root = readNlQueries(options.nl_queries);
  if (!by_root.ok()) return by_root.error();
  for (const auto& [root, queries] : by_root.value()) {
    if (!std::filesystem::is_directory(root)) {
      log("skipping NL queries over " + root + " (not present)");
      continue;
    }
    auto index = indexCodebase(root, encoder, options);
    if (!index.ok()) return index.error();
    log("indexed " + root + ": " + std::to_string(index.value()->stats().chunks) + " chunks");
    for (const auto& q : queries) {
      if (Status done = evaluateNlQuery(q, root, *index.value(), encoder, options, report); !done.ok())
        return done.error();
    }
  }
  summariseNl(report);
  return report;
}

nlohmann::json EvalReport::toJson() const {
  auto scores = [](const RetrievalScores& s) {
    return nlohmann::json{{"mrr", s.mrr}, {"recall@1", s.recall1}, {"recall@5", s.recall5}, {"recall@10", s.recall10},
                          {"ndcg@10", s.ndcg10}, {"queries", s.queries}};
  };
  nlohmann::json j;
  j["distractors"] = distractors;
  for (const auto& [name, table] : std::map<std::string, const std::map<std::string, ModeScores>*>{
           {"codesearchnet", &csn}, {"code_to_code", &code2code}}) {
    for (const auto& [mode, m] : *table) {
      j[name][mode]["average"] = scores(m.average);
      for (const auto& [language, s] : m.by_language) j[name][mode]["languages"][language] = scores(s);
    }
  }
  for (const auto& [mode, s] : nl) j["natural_language"][mode] = scores(s);
  for (const auto& [codebase, modes] : nl_by_codebase) {
    for (const auto& [mode, s] : modes) j["natural_language_by_codebase"][codebase][mode] = scores(s);
  }
  j["natural_language_queries"] = nl_queries;
  for (const auto& d : nl_details) {
    j["natural_language_details"].push_back(
        {{"id", d.id}, {"query", d.query}, {"first_relevant_rank", d.first_relevant}, {"ndcg@10", d.ndcg10}});
  }
  if (!nl.empty()) j["natural_language_missing_relevant"] = nl_missing_relevant;
  for (const auto& [measure, d] : nl_hybrid_minus_lexical) {
    j["natural_language_hybrid_minus_lexical"][measure] = {
        {"mean", d.mean}, {"low95", d.low}, {"high95", d.high}, {"queries", d.queries}};
  }
  return j;
}

std::string EvalReport::toMarkdown() const {
  std::ostringstream out;
  out << std::fixed << std::setprecision(3);
  auto table = [&](const std::string& title, const std::map<std::string, ModeScores>& modes) {
    if (modes.empty()) return;
    out << "### " << title << "\n\n| mode | language | queries | MRR | R@1 | R@5 | R@10 |\n|---|---|---|---|---|---|---|\n";
    for (const auto& [mode, m] : modes) {
      for (const auto& [language, s] : m.by_language)
        out << "| " << mode << " | " << language << " | " << s.queries << " | " << s.mrr << " | " << s.recall1 << " | "
            << s.recall5 << " | " << s.recall10 << " |\n";
      out << "| **" << mode << "** | **average** | " << m.average.queries << " | **" << m.average.mrr << "** | "
          << m.average.recall1 << " | " << m.average.recall5 << " | " << m.average.recall10 << " |\n";
    }
    out << "\n";
  };
  table("CodeSearchNet protocol (description -> function among 999 distractors, " + distractors + ")", csn);
  table("Code to code (renamed-identifier copy -> original among 999 distractors)", code2code);
  if (!nl.empty()) {
    out << "### Natural-language queries (" << nl_queries << " queries)\n\n| mode | NDCG@10 | MRR | R@1 | R@10 |\n|---|---|---|---|---|\n";
    for (const auto& [mode, s] : nl)
      out << "| " << mode << " | " << s.ndcg10 << " | " << s.mrr << " | " << s.recall1 << " | " << s.recall10 << " |\n";
    out << "\n";
    if (nl_by_codebase.size() > 1) {
      out << "| codebase | queries | dense NDCG@10 | lexical NDCG@10 | hybrid NDCG@10 |\n|---|---|---|---|---|\n";
      for (const auto& [codebase, modes] : nl_by_codebase) {
        auto ndcg = [&](const char* mode) { return modes.count(mode) ? modes.at(mode).ndcg10 : 0.0; };
        const size_t queries = modes.count("hybrid") ? modes.at("hybrid").queries : 0;
        out << "| " << codebase << " | " << queries << " | " << ndcg("dense") << " | " << ndcg("lexical") << " | "
            << ndcg("hybrid") << " |\n";
      }
      out << "\n";
    }
    for (const auto& [measure, d] : nl_hybrid_minus_lexical) {
      out << "Hybrid minus lexical, " << measure << ": " << std::showpos << d.mean << " (95% paired bootstrap ["
          << d.low << ", " << d.high << "])" << std::noshowpos << "\n";
    }
    if (!nl_hybrid_minus_lexical.empty()) out << "\n";
    if (!nl_missing_relevant.empty()) {
      out << "Relevant entries that name no indexed chunk (" << nl_missing_relevant.size() << "):\n";
      for (const auto& entry : nl_missing_relevant) out << "- " << entry << "\n";
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace cs
