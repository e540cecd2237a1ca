// codesearch train: reproduces the shipped model from the mined corpus.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "training/allocator_tuning.h"
#include "training/trainer.h"

namespace cs {

void registerTrainCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* command = app.add_subcommand("train", "Train the code search model on the mined corpus");
  command->add_option("--corpus", o->corpus_dir, "Directory with train.jsonl and valid.jsonl");
  command->add_option("--out", o->output_path, "Model file to write");
  command->add_option("--checkpoint-dir", o->checkpoint_dir, "Checkpoints (for --resume)");
  command->add_flag("--resume", o->resume, "Continue an interrupted run from its last checkpoint");
  command->add_option("--epochs", o->epochs, "Epochs");
  command->add_option("--batch", o->batch_size, "Batch size (in-batch negatives)");
  command->add_option("--embedding-lr", o->embedding_lr, "Adagrad learning rate for embeddings");
  command->add_option("--dense-lr", o->dense_lr, "Adam learning rate for the other parameters");
  command->add_option("--threads", o->threads, "libtorch threads");
  command->add_option("--device", o->device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  command->add_option("--seed", o->seed, "Random seed");
  command->add_option("--max-pairs", o->max_train_pairs, "Use at most this many training pairs (0 = all)");
  command->add_option("--name-pairs", o->name_pair_ratio,
                      "Name pairs (corpus/train_names.jsonl) mixed in per documented pair; 0 = none");
  command->add_option("--name-query-fraction", o->name_query_fraction,
                      "Fraction of documented pairs whose query is the function name's words instead of the doc");
  command->add_option("--code-dropout", o->code_token_dropout, "Probability of dropping each code token in training");
  command->add_flag("--language-batches", o->language_batches,
                    "Draw each batch from one language (same-language in-batch negatives)");
  command->add_option("--average-from-epoch", o->average_from_epoch,
                      "Also validate the running mean of the weights from this epoch on; ship it when best (0 = off)");
  command->add_option("--vocab", o->vocab_size, "Tokenizer vocabulary size");
  command->add_option("--dim", o->model.embedding_dim, "Embedding width");
  command->add_option("--bigram-buckets", o->model.bigram_buckets, "Hashed token-bigram table rows (0 = unigrams only)");
  command->add_option("--members", o->model.members,
                      "Independently initialised tower pairs trained side by side; their vectors are concatenated (an ensemble)");
  command->add_flag("--tied", o->model.tied, "Share one embedding table between the code and query towers");
  command->callback([o, &exit_code] {
    keepLargeAllocationsInHeap();  // batch job: large tensors every step (allocator_tuning.h)
    o->model.output_dim = o->model.embedding_dim;
    o->log = [](const std::string& line) { std::cerr << "train: " << line << std::endl; };
    auto report = trainModel(*o);
    if (!report.ok()) {
      std::cerr << "codesearch: " << report.error().message << "\n";
      exit_code = 1;
      return;
    }
    std::cout << "model " << report->model_id << " written to " << o->output_path << ": best valid MRR "
              << report->best_valid_mrr << " (" << (report->best_is_average ? "mean of epochs up to " : "epoch ") << report->best_epoch << "), " << report->train_pairs
              << " pairs, " << static_cast<int>(report->pairs_per_second) << " pairs/s, " << report->seconds
              << " s total\n";
  });
}

}  // namespace cs
