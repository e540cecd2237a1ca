// A tiny end-to-end training run on generated pairs: validation MRR must rise
// well above chance.
#include "training/trainer.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/model_file.h"

namespace cs {
namespace {

const std::vector<std::string> kVerbs = {"parse", "load", "save", "send", "validate", "render", "fetch", "merge",
                                         "split", "encode", "decode", "retry", "sort", "filter", "resolve", "compress",
                                         "hash", "sign", "open", "close"};
const std::vector<std::string> kNouns = {"config", "token", "request", "header", "matrix", "user", "session", "path",
                                         "buffer", "record", "image", "cache", "queue", "graph", "schema", "socket",
                                         "date", "email", "url", "archive"};
const std::vector<std::string> kFiller = {"result", "value", "data", "item", "tmp", "index", "count", "flag"};

void writeCorpus(const std::string& dir, int train, int valid, std::mt19937& rng) {
  std::filesystem::create_directories(dir);
  for (auto [name, n] : {std::pair<std::string, int>{"train", train}, {"valid", valid}}) {
    std::ofstream out(dir + "/" + name + ".jsonl");
    for (int i = 0; i < n; ++i) {
      // Functions whose bodies use words their descriptions mention, plus noise.
      const std::string& v = kVerbs[rng() % kVerbs.size()];
      const std::string& a = kNouns[rng() % kNouns.size()];
      const std::string& b = kNouns[rng() % kNouns.size()];
      std::string code = v + "_" + a + "\ndef " + v + "_" + a + "(" + b + "):\n    " + kFiller[rng() % kFiller.size()] +
                         " = " + b + "." + v + "()\n    return " + a + "_" + kFiller[rng() % kFiller.size()] + "\n";
      std::string doc = v + " the " + a + " from a " + b;
      out << nlohmann::json{{"language", "python"}, {"package", "p" + std::to_string(i % 7)}, {"name", v + "_" + a},
                            {"code", code}, {"doc", doc}}
                 .dump()
          << "\n";
    }
  }
}

// Options for a tiny run in `dir` (corpus under dir/corpus): a 200-piece
// vocabulary, batches of 200, `dim`-wide towers.
TrainOptions tinyRunOptions(const std::string& dir, int epochs, int dim) {
  TrainOptions options;
  options.corpus_dir = dir + "/corpus";
  options.output_path = dir + "/model.bin";
  options.checkpoint_dir = dir + "/ckpt";
  options.epochs = epochs;
  options.batch_size = 200;
  options.vocab_size = 200;
  options.model.embedding_dim = dim;
  options.model.output_dim = dim;
  options.threads = 2;
  return options;
}

TEST(Trainer, TinyRunLearnsFarAboveChanceAndResumes) {
  std::mt19937 rng(5);
  const std::string dir = std::filesystem::temp_directory_path() / ("codesearch-train-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  writeCorpus(dir + "/corpus", 6000, 400, rng);
  {  // Name pairs: undocumented functions with their name's words as the query.
    std::ofstream names(dir + "/corpus/train_names.jsonl");
    for (int i = 0; i < 1000; ++i) {
      const std::string& v = kVerbs[rng() % kVerbs.size()];
      const std::string& a = kNouns[rng() % kNouns.size()];
      names << nlohmann::json{{"language", "python"}, {"package", "n"}, {"name", v + "_" + a},
                              {"code", "def _(x):\n    return x." + v + "(" + a + ")\n"}, {"doc", v + " " + a}}
                   .dump()
            << "\n";
    }
  }
  TrainOptions options = tinyRunOptions(dir, 3, 32);
  auto report = trainModel(options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  // 400 validation pairs in one group: random ranking gives MRR ~ H(400)/400 ~ 0.016.
  EXPECT_GT(report->best_valid_mrr, 0.2);
  EXPECT_EQ(report->epochs_run, 3);
  EXPECT_EQ(report->name_pairs, 1000u);
  EXPECT_EQ(report->train_pairs, 7000u);
  auto loaded = loadModelFile(options.output_path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->model_id, report->model_id);

  // Resume: a run asked for 4 epochs continues after the 3 checkpointed ones.
  options.epochs = 4;
  options.resume = true;
  auto resumed = trainModel(options);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(resumed->epochs_run, 1);
  std::filesystem::remove_all(dir);
}

// Weight averaging: the shipped candidate from epoch 2 on is the running mean
// of the end-of-epoch weights, and it survives an interrupted run. Two
// ensemble members, so the multi-member loss and file layout train end to end.
TEST(Trainer, WeightAverageIsTheMeanOfEpochsAndResumes) {
  std::mt19937 rng(9);
  const std::string dir = std::filesystem::temp_directory_path() / ("codesearch-train-average-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  writeCorpus(dir + "/corpus", 3000, 300, rng);
  TrainOptions options = tinyRunOptions(dir, 2, 16);
  options.average_from_epoch = 2;
  options.model.members = 2;  // the members' losses train side by side; the average covers every member
  ASSERT_TRUE(trainModel(options).ok());
  auto epoch2 = loadModelFile(options.checkpoint_dir + "/checkpoint.bin");
  ASSERT_TRUE(epoch2.ok());

  options.epochs = 3;
  options.resume = true;
  auto report = trainModel(options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->epochs_run, 1);
  EXPECT_GT(report->best_valid_mrr, 0.2);
  auto epoch3 = loadModelFile(options.checkpoint_dir + "/checkpoint.bin");
  auto average = loadModelFile(options.checkpoint_dir + "/average.bin");
  ASSERT_TRUE(epoch3.ok());
  ASSERT_TRUE(average.ok());
  EXPECT_EQ(average->metadata.value("averaged_epochs", 0), 2);
  auto mean = (epoch2->model->codes[0]->projection->weight + epoch3->model->codes[0]->projection->weight) / 2;
  EXPECT_TRUE(torch::allclose(average->model->codes[0]->projection->weight, mean, 1e-2, 1e-3));
  EXPECT_FALSE(torch::allclose(epoch3->model->codes[0]->projection->weight, mean, 1e-3, 1e-4));
  auto table_mean = (epoch2->model->codes[1]->embedding->weight + epoch3->model->codes[1]->embedding->weight) / 2;
  EXPECT_TRUE(torch::allclose(average->model->codes[1]->embedding->weight, table_mean, 1e-2, 1e-3));
  EXPECT_EQ(average->model->config.vectorDim(), 32);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cs
