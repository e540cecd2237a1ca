#include "training/trainer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "training/batch_order.h"
#include "model/identifier_split.h"
#include "model/model_file.h"
#include "training/retrieval_metrics.h"
#include "model/tokenizer.h"
#include "support/hash.h"

namespace cs {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

struct EncodedPair {
  std::vector<int> code;
  std::vector<int> doc;
  std::vector<int> name;
  uint64_t code_hash = 0;
  int language = 0;  // index into the run's language list
};

uint64_t hashIds(const std::vector<int>& ids) { return fnv1a(ids.data(), ids.size() * sizeof(int)); }

std::vector<EncodedPair> encodePairs(const std::vector<TrainingPair>& pairs, const Tokenizer& tokenizer,
                                     const NbowConfig& config, int threads) {
  std::vector<EncodedPair> out(pairs.size());
  std::map<std::string, int> languages;
  for (const auto& p : pairs) languages.emplace(p.language, static_cast<int>(languages.size()));
  for (size_t i = 0; i < pairs.size(); ++i) out[i].language = languages[pairs[i].language];
  std::vector<std::thread> workers;
  const size_t n = static_cast<size_t>(std::max(1, threads));
  for (size_t t = 0; t < n; ++t) {
    workers.emplace_back([&, t] {
      for (size_t i = t; i < pairs.size(); i += n) {
        out[i].code = codeInput(tokenizer, pairs[i].code, config);
        out[i].doc = queryInput(tokenizer, pairs[i].doc, config);
        out[i].name = queryInput(tokenizer, pairs[i].name, config);
        out[i].code_hash = hashIds(out[i].code);
      }
    });
  }
  for (auto& w : workers) w.join();
  return out;
}

torch::Device chooseDevice(const std::string& device) {
  if (device == "cpu") return torch::kCPU;
  if (torch::cuda::is_available()) return torch::kCUDA;
  return torch::kCPU;
}

// average <- average + (model - average) / count, parameter by parameter.
// parameters() lists each tensor once: a tied table is registered by the code
// tower only (model_file_test pins the count).
void accumulateAverage(NbowModel& average, NbowModel& model, int count) {
  torch::NoGradGuard no_grad;
  auto dst = average->parameters();
  auto src = model->parameters();
  for (size_t i = 0; i < dst.size(); ++i) {
    auto value = src[i].to(dst[i].device());
    if (count == 1) {
      dst[i].copy_(value);
    } else {
      dst[i].add_((value - dst[i]) / static_cast<double>(count));
    }
  }
}

}  // namespace

double validationMrr(NbowModel& model, const Tokenizer& tokenizer, const std::vector<TrainingPair>& pairs,
                     torch::Device device) {
  torch::NoGradGuard no_grad;
  model->eval();
  std::map<std::string, std::vector<size_t>> by_language;
  for (size_t i = 0; i < pairs.size(); ++i) by_language[pairs[i].language].push_back(i);
  std::map<std::string, RetrievalScores> scores;
  for (auto& [language, indices] : by_language) {
    // Random distractors, as the evaluation draws them: corpus order would fill a
    // group with one package's near neighbours, a harder and differently ranked task.
    std::mt19937_64 shuffle_rng(fnv1a(language));
    std::shuffle(indices.begin(), indices.end(), shuffle_rng);
    for (size_t begin = 0; begin + 100 <= indices.size(); begin += 1000) {  // groups smaller than 100 are skipped
      size_t end = std::min(indices.size(), begin + 1000);
      std::vector<std::vector<int>> codes, docs;
      for (size_t k = begin; k < end; ++k) {
        codes.push_back(codeInput(tokenizer, pairs[indices[k]].code, model->config));
        docs.push_back(queryInput(tokenizer, pairs[indices[k]].doc, model->config));
      }
      auto c = model->encodeCode(padIds(codes).to(device));
      auto q = model->encodeQuery(padIds(docs).to(device));
      auto sims = torch::mm(q, c.t()).to(torch::kCPU);
      auto diagonal = sims.diag().unsqueeze(1);
      auto ranks = (sims > diagonal).sum(1) + 1;  // 1-based rank of the true code
      auto r = ranks.accessor<int64_t, 1>();
      for (int64_t i = 0; i < r.size(0); ++i) scores[language].addRank(static_cast<size_t>(r[i]));
    }
  }
  model->train();
  if (scores.empty()) return 0;
  double total = 0;
  for (const auto& [language, s] : scores) total += s.mean().mrr;
  return total / static_cast<double>(scores.size());  // averaged over languages, as CodeSearchNet reports
}

Result<TrainReport> trainModel(const TrainOptions& options) {
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  const auto start = Clock::now();
  torch::manual_seed(options.seed);
  torch::set_num_threads(options.threads);
  const torch::Device device = chooseDevice(options.device);

  auto train_pairs = readPairs(options.corpus_dir + "/train.jsonl", options.max_train_pairs);
  if (!train_pairs.ok()) return train_pairs.error();
  auto valid_pairs = readPairs(options.corpus_dir + "/valid.jsonl");
  if (!valid_pairs.ok()) return valid_pairs.error();
  log("train pairs: " + std::to_string(train_pairs->size()) + ", valid pairs: " + std::to_string(valid_pairs->size()) +
      ", device: " + (device.is_cuda() ? "cuda" : "cpu"));
  if (train_pairs->size() < static_cast<size_t>(options.batch_size) / 10) return makeError("corpus too small to train");

  fs::create_directories(options.checkpoint_dir);
  const std::string checkpoint = options.checkpoint_dir + "/checkpoint.bin";
  const std::string state_path = options.checkpoint_dir + "/state.json";
  int first_epoch = 1;
  double best_mrr = -1;
  int best_epoch = 0;
  bool best_is_average = false;
  int averaged_epochs = 0;  // epochs folded into average.bin so far
  const std::string average_path = options.checkpoint_dir + "/average.bin";
  std::unique_ptr<Tokenizer> tokenizer;
  NbowModel model{nullptr};
  if (options.resume && fs::exists(checkpoint) && fs::exists(state_path)) {
    auto loaded = loadModelFile(checkpoint);
    if (!loaded.ok()) return loaded.error().withContext("resuming");
    auto state = nlohmann::json::parse(std::ifstream(state_path), nullptr, false);
    if (state.is_discarded()) return makeError("resuming: unreadable " + state_path);
    first_epoch = state.value("epoch", 0) + 1;
    best_mrr = state.value("best_mrr", -1.0);
    best_epoch = state.value("best_epoch", 0);
    best_is_average = state.value("best_is_average", false);
    averaged_epochs = fs::exists(average_path) ? state.value("averaged_epochs", 0) : 0;
    tokenizer = std::move(loaded->tokenizer);
    model = loaded->model;
    model->train();
    log("resuming after epoch " + std::to_string(first_epoch - 1));
  } else {
    // The vocabulary is learned from the training split only (codes and descriptions).
    std::vector<std::string> sentences;
    std::mt19937_64 rng(options.seed);
    std::vector<size_t> order(train_pairs->size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i < std::min<size_t>(order.size(), 400000); ++i) {
      sentences.push_back((*train_pairs)[order[i]].code);
      sentences.push_back((*train_pairs)[order[i]].doc);
    }
    TokenizerTrainingOptions tok;
    tok.vocab_size = options.vocab_size;
    tok.threads = options.threads;
    tok.seed = static_cast<uint32_t>(options.seed);
    tok.work_dir = options.checkpoint_dir + "/spm";
    auto trained = Tokenizer::train(sentences, tok);
    if (!trained.ok()) return trained.error();
    tokenizer = std::make_unique<Tokenizer>(std::move(trained.value()));
    NbowConfig config = options.model;
    config.vocab_size = tokenizer->vocabSize();
    model = NbowModel(config);
    log("tokenizer: " + std::to_string(tokenizer->vocabSize()) + " pieces");
  }
  model->to(device);
  NbowModel average{nullptr};  // running mean of the end-of-epoch weights (options.average_from_epoch)
  if (options.average_from_epoch > 0) {
    average = NbowModel(model->config);
    if (averaged_epochs > 0) {
      auto loaded = loadModelFile(average_path);
      if (!loaded.ok()) return loaded.error().withContext("resuming the weight average");
      accumulateAverage(average, loaded->model, 1);
    }
    average->to(device);
  }

  // Name pairs join after the vocabulary is trained: it is learned from documented pairs only.
  size_t name_pairs = 0;
  const std::string names_path = options.corpus_dir + "/train_names.jsonl";
  if (options.name_pair_ratio > 0 && fs::exists(names_path)) {
    auto names = readPairs(names_path);
    if (!names.ok()) return names.error();
    std::mt19937_64 name_rng(options.seed ^ 0x6e616d65ull);
    std::shuffle(names->begin(), names->end(), name_rng);
    name_pairs = std::min(names->size(), static_cast<size_t>(options.name_pair_ratio * static_cast<double>(train_pairs->size())));
    train_pairs->insert(train_pairs->end(), std::make_move_iterator(names->begin()),
                        std::make_move_iterator(names->begin() + static_cast<long>(name_pairs)));
    log("name pairs: " + std::to_string(name_pairs) + " of " + std::to_string(names->size()));
  }

  auto t0 = Clock::now();
  std::vector<EncodedPair> encoded = encodePairs(*train_pairs, *tokenizer, model->config, options.threads);
  log("tokenised in " + std::to_string(std::chrono::duration<double>(Clock::now() - t0).count()) + " s");

  // Embedding tables (token vectors and attention scores): Adagrad, whose
  // per-row step sizes suit rare tokens; the small dense layers: Adam.
  std::vector<torch::Tensor> sparse_params, dense_params;
  for (auto& item : model->named_parameters(true)) {
    const bool table = item.key().find("embedding") != std::string::npos || item.key().find("attention") != std::string::npos;
    (table ? sparse_params : dense_params).push_back(item.value());
  }
  torch::optim::Adagrad sparse_opt(sparse_params, torch::optim::AdagradOptions(options.embedding_lr));
  torch::optim::Adam dense_opt(dense_params, torch::optim::AdamOptions(options.dense_lr));

  std::vector<BatchKey> batch_keys(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) batch_keys[i] = BatchKey{encoded[i].language, encoded[i].code.size()};
  BatchOrderOptions batching;
  batching.batch_size = static_cast<size_t>(options.batch_size);
  batching.language_batches = options.language_batches;
  std::mt19937_64 rng(options.seed + static_cast<uint64_t>(first_epoch));
  size_t pairs_seen = 0;
  double train_seconds = 0;
  int epochs_run = 0;
  for (int epoch = first_epoch; epoch <= options.epochs; ++epoch) {
    auto epoch_start = Clock::now();
    const std::vector<std::vector<size_t>> batches = epochBatches(batch_keys, batching, rng);

    std::bernoulli_distribution use_name(options.name_query_fraction);
    std::bernoulli_distribution drop_token(options.code_token_dropout);
    double loss_sum = 0;
    size_t steps = 0;
    for (const std::vector<size_t>& members : batches) {
      std::vector<std::vector<int>> codes, queries;
      std::vector<uint64_t> hashes;
      for (size_t index : members) {
        const EncodedPair& p = encoded[index];
        if (options.code_token_dropout > 0) {
          std::vector<int> kept;
          kept.reserve(p.code.size());
          for (int id : p.code) {
            if (!drop_token(rng)) kept.push_back(id);
          }
          codes.push_back(kept.empty() ? p.code : std::move(kept));
        } else {
          codes.push_back(p.code);
        }
        queries.push_back(use_name(rng) && p.name.size() >= 2 ? p.name : p.doc);
        hashes.push_back(p.code_hash);
      }
      const int64_t n = static_cast<int64_t>(codes.size());
      auto code_ids = padIds(codes).to(device);
      auto query_ids = padIds(queries).to(device);
      // The same code twice in a batch is not a negative of itself.
      auto hash_tensor = torch::from_blob(hashes.data(), {n}, torch::kInt64).clone().to(device);
      auto same = hash_tensor.unsqueeze(0).eq(hash_tensor.unsqueeze(1));
      auto off_diagonal = torch::eye(n, torch::TensorOptions().dtype(torch::kBool).device(device)).logical_not();
      auto duplicate = same.logical_and(off_diagonal);
      auto targets = torch::arange(n, torch::TensorOptions().dtype(torch::kInt64).device(device));
      // Each member learns on its own: the loss is the mean of the members' symmetric InfoNCE.
      torch::Tensor loss;
      for (size_t m = 0; m < model->codes.size(); ++m) {
        auto code_vecs = model->codes[m]->forward(code_ids);
        auto query_vecs = model->queries[m]->forward(query_ids);
        auto scale = model->logit_scales[m].exp().clamp_max(100.0f);
        auto logits = (torch::mm(query_vecs, code_vecs.t()) * scale).masked_fill(duplicate, -1e4);
        auto member_loss = (torch::nn::functional::cross_entropy(logits, targets) +
                            torch::nn::functional::cross_entropy(logits.t(), targets)) / 2;
        loss = m == 0 ? member_loss : loss + member_loss;
      }
      loss = loss / static_cast<double>(model->codes.size());
      sparse_opt.zero_grad();
      dense_opt.zero_grad();
      loss.backward();
      sparse_opt.step();
      dense_opt.step();
      loss_sum += loss.item<double>();
      ++steps;
      pairs_seen += static_cast<size_t>(n);
      if (steps % 50 == 0) {
        log("epoch " + std::to_string(epoch) + " step " + std::to_string(steps) + "/" +
            std::to_string(batches.size()) + " loss " + std::to_string(loss_sum / static_cast<double>(steps)));
      }
    }
    double epoch_seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    train_seconds += epoch_seconds;
    ++epochs_run;
    double mrr = validationMrr(model, *tokenizer, *valid_pairs, device);
    log("epoch " + std::to_string(epoch) + ": loss " + std::to_string(loss_sum / std::max<size_t>(steps, 1)) +
        ", valid MRR " + std::to_string(mrr) + ", " + std::to_string(static_cast<int>(encoded.size() / epoch_seconds)) +
        " pairs/s, temperature " + std::to_string(1.0 / model->logit_scales[0].exp().item<double>()));
    // Saves `candidate` to `path`; it becomes best.bin when it beats every earlier candidate.
    auto saveCandidate = [&](NbowModel& candidate, const std::string& path, double candidate_mrr, bool is_average,
                             const nlohmann::json& metadata) -> Status {
      candidate->to(torch::kCPU);
      auto saved = saveModelFile(path, candidate, *tokenizer, metadata);
      candidate->to(device);
      if (!saved.ok()) return saved.error();
      if (candidate_mrr > best_mrr) {
        best_mrr = candidate_mrr;
        best_epoch = epoch;
        best_is_average = is_average;
        fs::copy_file(path, options.checkpoint_dir + "/best.bin", fs::copy_options::overwrite_existing);
      }
      return {};
    };
    if (Status saved = saveCandidate(model, checkpoint, mrr, false, {{"epoch", epoch}, {"valid_mrr", mrr}}); !saved.ok())
      return saved.error();
    if (average && epoch >= options.average_from_epoch) {
      accumulateAverage(average, model, ++averaged_epochs);
      double average_mrr = validationMrr(average, *tokenizer, *valid_pairs, device);
      log("epoch " + std::to_string(epoch) + ": mean of epochs " + std::to_string(epoch - averaged_epochs + 1) + "-" +
          std::to_string(epoch) + ", valid MRR " + std::to_string(average_mrr));
      Status saved = saveCandidate(average, average_path, average_mrr, true,
                                   {{"epoch", epoch}, {"averaged_epochs", averaged_epochs}, {"valid_mrr", average_mrr}});
      if (!saved.ok()) return saved.error();
    }
    std::ofstream(state_path) << nlohmann::json{{"epoch", epoch},
                                                {"best_mrr", best_mrr},
                                                {"best_epoch", best_epoch},
                                                {"best_is_average", best_is_average},
                                                {"averaged_epochs", averaged_epochs}}
                                     .dump();
  }

  // Ship the best epoch's weights (or the weight average, when it validated best).
  auto best = loadModelFile(options.checkpoint_dir + "/best.bin");
  if (!best.ok()) return best.error();
  nlohmann::json metadata = {{"best_epoch", best_epoch},
                             {"valid_mrr", best_mrr},
                             {"weights", best_is_average ? "mean of epochs " + std::to_string(options.average_from_epoch) +
                                                               "-" + std::to_string(best_epoch)
                                                         : "epoch " + std::to_string(best_epoch)},
                             {"train_pairs", encoded.size()},
                             {"name_pairs", name_pairs},
                             {"epochs", options.epochs},
                             {"batch_size", options.batch_size},
                             {"seed", options.seed}};
  fs::create_directories(fs::path(options.output_path).parent_path());
  auto id = saveModelFile(options.output_path, best->model, *best->tokenizer, metadata);
  if (!id.ok()) return id.error();

  TrainReport report;
  report.epochs_run = epochs_run;
  report.best_valid_mrr = best_mrr;
  report.best_epoch = best_epoch;
  report.best_is_average = best_is_average;
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  report.pairs_per_second = train_seconds > 0 ? static_cast<double>(pairs_seen) / train_seconds : 0;
  report.train_pairs = encoded.size();
  report.name_pairs = name_pairs;
  report.model_id = id.value();
  return report;
}

}  // namespace cs
