#include "training/corpus_miner.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "indexer/doc_summary.h"
#include "indexer/embedding_text.h"
#include "indexer/extractor.h"
#include "indexer/path_filter.h"
#include "indexer/workspace_walker.h"
#include "model/identifier_split.h"
#include "support/hash.h"

namespace cs {
namespace fs = std::filesystem;
namespace {

// Exact duplicates modulo formatting: the code's words in order.
uint64_t exactKey(const std::string& code) {
  uint64_t hash = kFnvOffsetBasis;
  for (const auto& w : splitIdentifierWords(code)) hash = fnv1a(w + " ", hash);
  return hash;
}

// Near duplicates: the same multiset of words (reordered, reformatted copies).
uint64_t bagKey(const std::string& code) {
  auto words = splitIdentifierWords(code);
  std::sort(words.begin(), words.end());
  uint64_t hash = 88172645463325252ull;
  for (const auto& w : words) hash = fnv1a(w + " ", hash);
  return hash;
}

// Bundler output (webpack, esbuild, rollup's UMD wrapper, SystemJS) inlines other packages'
// code, so its functions are vendored copies under the wrong package.
bool isBundledJavaScript(std::string_view head) {
  for (std::string_view marker : {"__webpack_require__", "__commonJS(", "__toESM(", "(function (global, factory)",
                                  "(function(global,factory)", "System.register(", "parcelRequire"}) {
    if (head.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

// Why a function's code cannot be a training example ("" when it can).
std::string codeRejection(const std::string& name, const std::string& code, size_t max_code_bytes) {
  std::string lower_name;
  for (char c : name) lower_name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower_name.rfind("test", 0) == 0) return "test function";
  if (code.size() > max_code_bytes) return "code too long";
  size_t lines = static_cast<size_t>(std::count(code.begin(), code.end(), '\n'));
  if (lines < 3 || splitIdentifierWords(code).size() < 12) return "trivial body";
  return {};
}

struct PackageResult {
  std::vector<MinedPair> pairs;
  std::vector<MinedPair> name_pairs;  // code unmasked here; masked when written
  std::map<std::string, size_t> dropped;
};

PackageResult minePackage(const CorpusPackage& package, const MineOptions& options, Extractor& extractor) {
  PackageResult result;
  // Held-out splits stay CodeSearchNet's task (functions only) so their figures compare across passes.
  const bool type_pairs = options.type_pairs && splitForPackage(package.name, options) == "train";
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(package.directory, fs::directory_options::skip_permission_denied, ec), end;
       it != end; it.increment(ec)) {
    if (ec) break;
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    std::string path = it->path().string();
    if (path.find("/usr/share/doc/") != std::string::npos) continue;
    if (!languageForPath(path)) continue;
    if (path.find("/node_modules/") != std::string::npos || path.find("/bower_components/") != std::string::npos) {
      ++result.dropped["vendored dependency"];
      continue;
    }
    files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  for (const std::string& path : files) {
    if (result.pairs.size() >= options.max_per_package) break;
    std::string relative = path.substr(package.directory.size());
    if (isTestPath(relative)) {
      ++result.dropped["test file"];
      continue;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || st.st_size > (1 << 20)) continue;
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!unindexableReason(path, std::string_view(text).substr(0, 64 * 1024)).empty()) {
      ++result.dropped["generated or binary file"];
      continue;
    }
    auto language = languageForPath(path);
    if ((*language == "javascript" || *language == "typescript") &&
        isBundledJavaScript(std::string_view(text).substr(0, 64 * 1024))) {
      ++result.dropped["bundled file"];
      continue;
    }
    auto chunks = extractor.extract(path, text, *language);
    if (!chunks.ok()) continue;
    for (const Chunk& chunk : *chunks) {
      const bool callable = chunk.kind == "function" || chunk.kind == "method" || chunk.kind == "constructor";
      const bool type_like = chunk.kind == "class" || chunk.kind == "struct" || chunk.kind == "interface" ||
                             chunk.kind == "trait" || chunk.kind == "enum";
      if (!callable && !(type_like && type_pairs && chunk.part == 0)) continue;
      if (chunk.doc.empty()) {
        if (!callable) continue;  // an undocumented type gives no pair
        ++result.dropped["no doc"];
        if (options.name_pairs && result.name_pairs.size() < options.max_per_package) {
          std::string code = embeddingText(chunk, EmbeddingTextOptions{.include_doc = false});
          auto words = splitIdentifierWords(chunk.name);
          std::string query;
          for (const auto& w : words) query += (query.empty() ? "" : " ") + w;
          if (words.size() >= 2 && codeRejection(chunk.name, code, options.max_code_bytes).empty()) {
            result.name_pairs.push_back(MinedPair{chunk.language, package.name, relative, chunk.name,
                                                  chunk.qualified_name, std::move(code), std::move(query), ""});
          }
        }
        continue;
      }
      std::string code = embeddingText(chunk, EmbeddingTextOptions{.include_doc = false});
      // A type's doc describes the whole type, and its head (the fields and first
      // members) is what the encoder reads of it anyway: long types are cut, not dropped.
      if (type_like && code.size() > options.max_code_bytes) {
        const size_t cut = code.rfind('\n', options.max_code_bytes);
        code.resize(cut == std::string::npos ? options.max_code_bytes : cut);
      }
      std::string reason;
      std::string description = trainingDescription(chunk.doc, chunk.name, code, relative, options.max_code_bytes, reason,
                                                    chunk.language);
      if (description.empty()) {
        ++result.dropped[reason];
        continue;
      }
      result.pairs.push_back(MinedPair{chunk.language, package.name, relative, chunk.name, chunk.qualified_name,
                                       std::move(code), std::move(description), type_like ? chunk.kind : ""});
    }
  }
  return result;
}

}  // namespace

std::string splitForPackage(const std::string& package, const MineOptions& options) {
  if (std::find(options.test_packages.begin(), options.test_packages.end(), package) != options.test_packages.end())
    return "test";
  uint64_t bucket = fnv1a(package) % 10;
  return bucket < 8 ? "train" : bucket == 8 ? "valid" : "test";
}

std::string trainingDescription(const std::string& doc, const std::string& name, const std::string& code,
                                const std::string& path, size_t max_code_bytes, std::string& reason,
                                const std::string& language) {
  reason = codeRejection(name, code, max_code_bytes);
  if (!reason.empty()) return {};
  std::string summary = docSummary(doc, language);
  if (splitIdentifierWords(summary).size() < 3) {
    reason = "description under 3 words";
    return {};
  }
  // Boilerplate descriptions that say nothing about the code.
  for (std::string_view boiler : {"Auto-generated", "auto generated", "Generated by", "Inherited from", "@inheritdoc",
                                  "{@inheritDoc}", "Implements", "See the documentation"}) {
    if (summary.find(boiler) != std::string::npos) {
      reason = "boilerplate description";
      return {};
    }
  }
  (void)path;
  return summary;
}

std::string maskName(const std::string& code, const std::string& name) {
  size_t newline = code.find('\n');
  std::string body = newline == std::string::npos ? code : code.substr(newline + 1);
  if (name.empty()) return body;
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    if (body.compare(i, name.size(), name) == 0 && (i == 0 || !is_word(body[i - 1])) &&
        (i + name.size() >= body.size() || !is_word(body[i + name.size()]))) {
      out += '_';
      i += name.size();
    } else {
      out += body[i++];
    }
  }
  return out;
}

Result<MineStats> mineCorpus(const std::vector<CorpusPackage>& packages, const MineOptions& options) {
  auto start = std::chrono::steady_clock::now();
  std::vector<PackageResult> results(packages.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < std::max(1, options.threads); ++t) {
    workers.emplace_back([&] {
      Extractor extractor;
      for (size_t i; (i = next.fetch_add(1)) < packages.size();) {
        results[i] = minePackage(packages[i], options, extractor);
      }
    });
  }
  for (auto& w : workers) w.join();

  MineStats stats;
  std::error_code ec;
  fs::create_directories(options.output_dir, ec);
  // Train first: a function duplicated into a held-out package is dropped there,
  // so valid/test never contain code the model was trained on. Name pairs come
  // right after train, so held-out splits drop their copies too.
  std::vector<std::string> output_order = {"train", "valid", "test"};
  if (options.name_pairs) output_order.insert(output_order.begin() + 1, "train_names");
  std::map<std::string, std::ofstream> outputs;
  for (const std::string& output : output_order) {
    outputs[output].open(options.output_dir + "/" + output + ".jsonl", std::ios::trunc);
    if (!outputs[output]) return makeError("cannot write " + options.output_dir + "/" + output + ".jsonl");
  }
  std::unordered_set<uint64_t> seen;
  for (const std::string& output : output_order) {
    const bool names = output == "train_names";
    const std::string split = names ? "train" : output;
    for (size_t i = 0; i < packages.size(); ++i) {
      if (splitForPackage(packages[i].name, options) != split) continue;
      if (!names) {
        for (const auto& [reason, count] : results[i].dropped) stats.dropped[reason] += count;
      }
      bool contributed = false;
      for (const MinedPair& pair : names ? results[i].name_pairs : results[i].pairs) {
        uint64_t exact = exactKey(pair.code), bag = bagKey(pair.code);
        if (seen.count(exact) || seen.count(bag ^ 0x9e3779b97f4a7c15ull)) {
          ++stats.dropped["duplicate code"];
          continue;
        }
        // One function shipped twice by a package (TypeScript source beside its compiled
        // JavaScript, CommonJS beside ES module builds) differs in code but not in qualified
        // name and doc (methods of two classes differ in their qualified names).
        uint64_t build_copy = fnv1a(pair.package + '\0' + pair.qualified_name + '\0' + pair.doc, kFnvOffsetBasis ^ (names ? 0x5bu : 0x3du));
        if (!seen.insert(build_copy).second) {
          ++stats.dropped["same function in another build"];
          continue;
        }
        seen.insert(exact);
        seen.insert(bag ^ 0x9e3779b97f4a7c15ull);
        nlohmann::json line = {{"language", pair.language}, {"package", pair.package}, {"path", pair.path},
                               {"name", pair.name}, {"qualified_name", pair.qualified_name},
                               {"code", names ? maskName(pair.code, pair.name) : pair.code}, {"doc", pair.doc}};
        if (!pair.type_kind.empty()) line["kind"] = pair.type_kind;
        outputs[output] << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        ++stats.pairs[output][pair.language];
        if (!pair.type_kind.empty()) ++stats.pairs["train_types"][pair.language];
        contributed = true;
      }
      if (contributed && !names) ++stats.packages[split];
    }
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json stats_json = {{"pairs", stats.pairs}, {"packages", stats.packages}, {"dropped", stats.dropped},
                               {"seconds", stats.seconds}};
  std::ofstream(options.output_dir + "/stats.json") << stats_json.dump(2) << '\n';
  return stats;
}

}  // namespace cs
