#include "model/tokenizer.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "model/identifier_split.h"

namespace cs {
namespace {

const std::string kWordStart = "\xe2\x96\x81";  // U+2581, sentencepiece's word-boundary mark
constexpr size_t kCacheLimit = 500'000;

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

}  // namespace

Tokenizer::Tokenizer(Tokenizer&& other) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&& other) noexcept = default;

Result<Tokenizer> Tokenizer::fromPieces(std::vector<std::string> pieces, std::vector<float> scores) {
  if (pieces.size() < 3 || pieces.size() != scores.size()) return makeError("tokenizer: bad vocabulary");
  Tokenizer t;
  t.pieces_ = std::move(pieces);
  t.scores_ = std::move(scores);
  for (size_t i = 0; i < t.pieces_.size(); ++i) {
    t.id_of_.emplace(t.pieces_[i], static_cast<int>(i));
    t.max_piece_bytes_ = std::max(t.max_piece_bytes_, t.pieces_[i].size());
  }
  return t;
}

std::vector<int> Tokenizer::segment(const std::string& word) const {
  // Viterbi over byte positions: best[i] = best score of a segmentation of word[0, i).
  const std::string text = kWordStart + word;
  const size_t n = text.size();
  std::vector<float> best(n + 1, -INFINITY);
  std::vector<int> piece_at(n + 1, -1);
  std::vector<size_t> from(n + 1, 0);
  best[0] = 0;
  for (size_t end = 1; end <= n; ++end) {
    const size_t min_start = end > max_piece_bytes_ ? end - max_piece_bytes_ : 0;
    for (size_t start = min_start; start < end; ++start) {
      if (best[start] == -INFINITY) continue;
      auto it = id_of_.find(text.substr(start, end - start));
      if (it == id_of_.end()) continue;
      float score = best[start] + scores_[it->second];
      if (score > best[end]) {
        best[end] = score;
        piece_at[end] = it->second;
        from[end] = start;
      }
    }
    if (best[end] == -INFINITY && best[end - 1] != -INFINITY) {
      // A byte no piece covers: one <unk> with a heavy penalty keeps the path alive.
      best[end] = best[end - 1] - 20.0f;
      piece_at[end] = kUnknown;
      from[end] = end - 1;
    }
  }
  std::vector<int> ids;
  for (size_t pos = n; pos > 0; pos = from[pos]) ids.push_back(piece_at[pos]);
  std::reverse(ids.begin(), ids.end());
  // Merge runs of <unk> (one per byte of an unknown character) into one.
  std::vector<int> merged;
  for (int id : ids) {
    if (id == kUnknown && !merged.empty() && merged.back() == kUnknown) continue;
    merged.push_back(id);
  }
  return merged;
}

std::vector<int> Tokenizer::wordIds(const std::string& word) const {
  {
    std::lock_guard lock(*cache_mutex_);
    auto it = cache_.find(word);
    if (it != cache_.end()) return it->second;  // copied while the lock is held
  }
  std::vector<int> ids = segment(word);
  std::lock_guard lock(*cache_mutex_);
  if (cache_.size() > kCacheLimit) cache_.clear();
  cache_.emplace(word, ids);
  return ids;  // a copy: another thread may clear the cache as soon as the lock is released
}

std::vector<int> Tokenizer::encode(const std::string& text, size_t max_tokens) const {
  std::vector<int> ids;
  std::vector<std::string> words;
  appendIdentifierWords(text, words);
  for (const auto& word : words) {
    if (word.size() > 64) continue;  // hashes, base64 blobs: noise
    for (int id : wordIds(word)) {
      ids.push_back(id);
      if (max_tokens && ids.size() >= max_tokens) return ids;
    }
  }
  return ids;
}

std::vector<std::string> Tokenizer::pieces(const std::string& text) const {
  std::vector<std::string> out;
  for (int id : encode(text)) out.push_back(pieces_[static_cast<size_t>(id)]);
  return out;
}

Result<Tokenizer> Tokenizer::train(const std::vector<std::string>& sentences, const TokenizerTrainingOptions& options) {
  namespace fs = std::filesystem;
  std::string dir = options.work_dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/codesearch-spm-XXXXXX";
    if (!mkdtemp(tmpl)) return makeError("tokenizer: cannot create a temporary directory");
    dir = tmpl;
  }
  fs::create_directories(dir);
  const std::string input = dir + "/sentences.txt";
  {
    std::ofstream out(input);
    std::vector<std::string> words;
    for (const auto& sentence : sentences) {
      words.clear();
      appendIdentifierWords(sentence, words);
      std::string line;
      for (const auto& w : words) {
        if (w.size() > 64) continue;
        if (!line.empty()) line.push_back(' ');
        line += w;
        if (line.size() > 3000) break;  // spm_train skips overlong sentences
      }
      if (!line.empty()) out << line << '\n';
    }
  }
  const std::string prefix = dir + "/spm";
  std::ostringstream cmd;
  cmd << options.spm_train << " --input=" << shellQuote(input) << " --model_prefix=" << shellQuote(prefix)
      << " --vocab_size=" << options.vocab_size << " --model_type=unigram --character_coverage=0.9995"
      << " --input_sentence_size=" << options.max_sentences << " --shuffle_input_sentence=true"
      << " --num_threads=" << options.threads << " --max_sentencepiece_length=16"
      << " --random_seed=" << options.seed
      << " --pad_id=0 --unk_id=1 --bos_id=-1 --eos_id=-1 --hard_vocab_limit=false"
      << " --minloglevel=2 > " << shellQuote(dir + "/spm_train.log") << " 2>&1";
  if (std::system(cmd.str().c_str()) != 0) {
    return makeError("tokenizer: spm_train failed (see " + dir + "/spm_train.log)");
  }
  std::string export_cmd = options.spm_export_vocab + " --model=" + shellQuote(prefix + ".model") +
                           " --output=" + shellQuote(prefix + ".vocab.tsv");
  if (std::system(export_cmd.c_str()) != 0) return makeError("tokenizer: spm_export_vocab failed");
  std::ifstream vocab(prefix + ".vocab.tsv");
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::string line;
  while (std::getline(vocab, line)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    pieces.push_back(line.substr(0, tab));
    scores.push_back(std::stof(line.substr(tab + 1)));
  }
  // spm puts <pad> and <unk> at ids 0 and 1 as configured; make their scores harmless.
  if (pieces.size() >= 2) {
    pieces[0] = "<pad>";
    pieces[1] = "<unk>";
    scores[0] = scores[1] = -100.0f;
  }
  if (options.work_dir.empty()) fs::remove_all(dir);
  return fromPieces(std::move(pieces), std::move(scores));
}

}  // namespace cs
