// Tokenizer: identifier-aware subword tokenisation shared by queries and code.
// Text is first split into lower-cased identifier words (model/identifier_split.h),
// then each word is segmented into pieces of a unigram vocabulary trained with
// sentencepiece (spm_train) on the corpus; segmentation is the Viterbi path
// maximising the sum of piece log-probabilities, as sentencepiece does.
//
// Thread-safety: a built Tokenizer is immutable except for an internal,
// mutex-guarded word cache; encode() may be called from any thread.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "support/result.h"

namespace cs {

struct TokenizerTrainingOptions {
  int vocab_size = 16000;
  size_t max_sentences = 2'000'000;  // sentences sampled for training
  int threads = 2;
  uint32_t seed = 13;                // spm_train --random_seed: the same corpus gives the same vocabulary
  std::string work_dir;              // scratch directory for spm_train files
  std::string spm_train = "spm_train";
  std::string spm_export_vocab = "spm_export_vocab";
};

class Tokenizer {
 public:
  static constexpr int kPad = 0;
  static constexpr int kUnknown = 1;

  // pieces[i] is the text of id i (ids 0 and 1 are <pad> and <unk>), scores[i] its log-probability.
  static Result<Tokenizer> fromPieces(std::vector<std::string> pieces, std::vector<float> scores);
  // Trains a vocabulary on `sentences` (each a document's text) with sentencepiece's trainer.
  static Result<Tokenizer> train(const std::vector<std::string>& sentences, const TokenizerTrainingOptions& options);

  Tokenizer(Tokenizer&& other) noexcept;
  Tokenizer& operator=(Tokenizer&& other) noexcept;

  // Ids for `text`, at most `max_tokens` (0 = unlimited).
  std::vector<int> encode(const std::string& text, size_t max_tokens = 0) const;
  std::vector<std::string> pieces(const std::string& text) const;  // for tests and debugging

  int vocabSize() const { return static_cast<int>(pieces_.size()); }
  const std::vector<std::string>& pieceTexts() const { return pieces_; }
  const std::vector<float>& pieceScores() const { return scores_; }

 private:
  Tokenizer() = default;
  // By value: a reference into cache_ would dangle once another thread clears it.
  std::vector<int> wordIds(const std::string& word) const;
  std::vector<int> segment(const std::string& word) const;

  std::vector<std::string> pieces_;
  std::vector<float> scores_;
  std::unordered_map<std::string, int> id_of_;
  size_t max_piece_bytes_ = 1;
  mutable std::unique_ptr<std::mutex> cache_mutex_ = std::make_unique<std::mutex>();
  mutable std::unordered_map<std::string, std::vector<int>> cache_;
};

}  // namespace cs
