// Trainer: trains the bi-encoder on the mined corpus with a contrastive loss
// (symmetric InfoNCE over in-batch negatives, learned temperature), logging
// loss and validation MRR per epoch and checkpointing so an interrupted run
// resumes. The same command reproduces the shipped model (MODEL_CARD.md).
//
// Thread-safety: trainModel runs on the calling thread (libtorch uses
// `threads` intra-op threads); one training run per process.
#pragma once

#include <functional>
#include <string>

#include "model/nbow_model.h"
#include "support/result.h"
#include "training/pair_dataset.h"

namespace cs {

struct TrainOptions {
  std::string corpus_dir = "corpus";            // train.jsonl, valid.jsonl
  std::string output_path = "model/weights/codesearch-model.bin";
  std::string checkpoint_dir = ".cache/train";  // checkpoint.bin + state.json, for --resume
  bool resume = false;
  int epochs = 10;
  int batch_size = 1000;
  double embedding_lr = 0.08;   // Adagrad on the embedding and attention tables
  double dense_lr = 1e-3;       // Adam on the attention vectors, projections and temperature
  double name_query_fraction = 0.1;  // CodeSearchNet: the function name stands in for the doc
  // Undocumented functions paired with their names (corpus/train_names.jsonl,
  // when present): at most this many per documented pair are mixed in; 0 = none.
  double name_pair_ratio = 1.0;
  double code_token_dropout = 0.0;   // training only: each code token is dropped with this probability
  // Batches drawn from one language at a time: the in-batch negatives are then
  // as hard as the evaluation's distractors (same language), not told apart by syntax.
  bool language_batches = false;
  // Weight averaging (SWA-style): from this epoch on, the running mean of the
  // weights at the end of each epoch is validated too and shipped when it beats
  // every single epoch. 0 = off.
  int average_from_epoch = 0;
  int threads = 2;
  std::string device = "auto";
  uint64_t seed = 13;
  size_t max_train_pairs = 0;   // 0 = all
  int vocab_size = 16000;
  NbowConfig model;             // vocab_size is overwritten by the trained tokenizer's
  std::function<void(const std::string&)> log;  // progress lines; may be empty
};

struct TrainReport {
  int epochs_run = 0;
  double best_valid_mrr = 0;
  int best_epoch = 0;
  bool best_is_average = false;  // the shipped weights are the mean of epochs average_from_epoch..best_epoch
  double seconds = 0;
  double pairs_per_second = 0;
  size_t train_pairs = 0;   // documented pairs + name pairs
  size_t name_pairs = 0;
  std::string model_id;
};

Result<TrainReport> trainModel(const TrainOptions& options);

// Validation MRR of `model` on `pairs`: each language's pairs are shuffled
// (fixed seed, as the CodeSearchNet protocol of `codesearch eval` does) and cut
// into groups of up to 1000; each description ranks its own code among the
// group's codes. Averaged over languages.
double validationMrr(NbowModel& model, const class Tokenizer& tokenizer, const std::vector<TrainingPair>& pairs,
                     torch::Device device);

}  // namespace cs
