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

#include "model/identifier_split.h"
#include "model/model_file.h"
#include "model/tokenizer.h"
#include "support/hash.h"
#include "training/batch_order.h"
#include "training/retrieval_metrics.h"

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

namespace {

// Where a run stands between epochs: what state.json records, so a resumed run
// continues as the uninterrupted one would have.
struct RunState {
  int first_epoch = 1;
  double best_mrr = -1;
  int best_epoch = 0;
  bool best_is_average = false;
  int averaged_epochs = 0;  // epochs folded into average.bin so far
};

// One training run, as a list of stages (trainModel calls them in order).
class TrainingRun {
 public:
  explicit TrainingRun(const TrainOptions& options)
      : options_(options),
        device_(chooseDevice(options.device)),
        checkpoint_(options.checkpoint_dir + "/checkpoint.bin"),
        state_path_(options.checkpoint_dir + "/state.json"),
        average_path_(options.checkpoint_dir + "/average.bin") {}

  Status readCorpus();
  Status startOrResume();
  Status prepareAverage();
  Status addNamePairs();
  void encode();
  Status runEpochs();
  Result<TrainReport> ship();

 private:
  void log(const std::string& line) const {
    if (options_.log) options_.log(line);
  }
  Status resume();
  Status trainTokenizerAndModel();
  double trainEpoch(int epoch, std::mt19937_64& rng, torch::optim::Optimizer& sparse, torch::optim::Optimizer& dense);
  torch::Tensor batchLoss(const std::vector<std::vector<int>>& codes, const std::vector<std::vector<int>>& queries,
                          std::vector<uint64_t>& hashes);
  Status saveCandidate(NbowModel& candidate, const std::string& path, double mrr, bool is_average, int epoch,
                       const nlohmann::json& metadata);
  Status endEpoch(int epoch);

  const TrainOptions& options_;
  const Clock::time_point start_ = Clock::now();
  const torch::Device device_;
  const std::string checkpoint_, state_path_, average_path_;
  std::vector<TrainingPair> train_pairs_, valid_pairs_;
  RunState state_;
  std::unique_ptr<Tokenizer> tokenizer_;
  NbowModel model_{nullptr};
  NbowModel average_{nullptr};  // running mean of the end-of-epoch weights (options.average_from_epoch)
  size_t name_pairs_ = 0;
  std::vector<EncodedPair> encoded_;
  std::vector<BatchKey> batch_keys_;  // per encoded pair: what epoch batching groups by
  size_t pairs_seen_ = 0;
  double train_seconds_ = 0;
  int epochs_run_ = 0;
};

Status TrainingRun::readCorpus() {
  auto train = readPairs(options_.corpus_dir + "/train.jsonl", options_.max_train_pairs);
  if (!train.ok()) return train.error();
  auto valid = readPairs(options_.corpus_dir + "/valid.jsonl");
  if (!valid.ok()) return valid.error();
  train_pairs_ = std::move(train.value());
  valid_pairs_ = std::move(valid.value());
  log("train pairs: " + std::to_string(train_pairs_.size()) + ", valid pairs: " + std::to_string(valid_pairs_.size()) +
      ", device: " + (device_.is_cuda() ? "cuda" : "cpu"));
  if (train_pairs_.size() < static_cast<size_t>(options_.batch_size) / 10) return makeError("corpus too small to train");
  return {};
}

Status TrainingRun::startOrResume() {
  fs::create_directories(options_.checkpoint_dir);
  Status started = options_.resume && fs::exists(checkpoint_) && fs::exists(state_path_) ? resume()
                                                                                          : trainTokenizerAndModel();
  if (!started.ok()) return started;
  model_->to(device_);
  return {};
}

Status TrainingRun::resume() {
  auto loaded = loadModelFile(checkpoint_);
  if (!loaded.ok()) return loaded.error().withContext("resuming");
  auto state = nlohmann::json::parse(std::ifstream(state_path_), nullptr, false);
  if (state.is_discarded()) return makeError("resuming: unreadable " + state_path_);
  state_.first_epoch = state.value("epoch", 0) + 1;
  state_.best_mrr = state.value("best_mrr", -1.0);
  state_.best_epoch = state.value("best_epoch", 0);
  state_.best_is_average = state.value("best_is_average", false);
  state_.averaged_epochs = fs::exists(average_path_) ? state.value("averaged_epochs", 0) : 0;
  tokenizer_ = std::move(loaded->tokenizer);
  model_ = loaded->model;
  model_->train();
  log("resuming after epoch " + std::to_string(state_.first_epoch - 1));
  return {};
}

// The vocabulary is learned from the training split only (codes and descriptions).
Status TrainingRun::trainTokenizerAndModel() {
  std::vector<std::string> sentences;
  std::mt19937_64 rng(options_.seed);
  std::vector<size_t> order(train_pairs_.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t i = 0; i < std::min<size_t>(order.size(), 400000); ++i) {
    sentences.push_back(train_pairs_[order[i]].code);
    sentences.push_back(train_pairs_[order[i]].doc);
  }
  TokenizerTrainingOptions tok;
  tok.vocab_size = options_.vocab_size;
  tok.threads = options_.threads;
  tok.seed = static_cast<uint32_t>(options_.seed);
  tok.work_dir = options_.checkpoint_dir + "/spm";
  auto trained = Tokenizer::train(sentences, tok);
  if (!trained.ok()) return trained.error();
  tokenizer_ = std::make_unique<Tokenizer>(std::move(trained.value()));
  NbowConfig config = options_.model;
  config.vocab_size = tokenizer_->vocabSize();
  model_ = NbowModel(config);
  log("tokenizer: " + std::to_string(tokenizer_->vocabSize()) + " pieces");
  return {};
}

Status TrainingRun::prepareAverage() {
  if (options_.average_from_epoch <= 0) return {};
  average_ = NbowModel(model_->config);
  if (state_.averaged_epochs > 0) {
    auto loaded = loadModelFile(average_path_);
    if (!loaded.ok()) return loaded.error().withContext("resuming the weight average");
    accumulateAverage(average_, loaded->model, 1);
  }
  average_->to(device_);
  return {};
}

// Name pairs join after the vocabulary is trained: it is learned from documented pairs only.
Status TrainingRun::addNamePairs() {
  const std::string names_path = options_.corpus_dir + "/train_names.jsonl";
  if (options_.name_pair_ratio <= 0 || !fs::exists(names_path)) return {};
  auto names = readPairs(names_path);
  if (!names.ok()) return names.error();
  std::mt19937_64 name_rng(options_.seed ^ 0x6e616d65ull);
  std::shuffle(names->begin(), names->end(), name_rng);
  name_pairs_ = std::min(names->size(),
                         static_cast<size_t>(options_.name_pair_ratio * static_cast<double>(train_pairs_.size())));
  train_pairs_.insert(train_pairs_.end(), std::make_move_iterator(names->begin()),
                      std::make_move_iterator(names->begin() + static_cast<long>(name_pairs_)));
  log("name pairs: " + std::to_string(name_pairs_) + " of " + std::to_string(names->size()));
  return {};
}

void TrainingRun::encode() {
  auto t0 = Clock::now();
  encoded_ = encodePairs(train_pairs_, *tokenizer_, model_->config, options_.threads);
  batch_keys_.resize(encoded_.size());
  for (size_t i = 0; i < encoded_.size(); ++i) batch_keys_[i] = BatchKey{encoded_[i].language, encoded_[i].code.size()};
  log("tokenised in " + std::to_string(std::chrono::duration<double>(Clock::now() - t0).count()) + " s");
}

Status TrainingRun::runEpochs() {
  // Embedding tables (token vectors and attention scores): Adagrad, whose
  // per-row step sizes suit rare tokens; the small dense layers: Adam.
  std::vector<torch::Tensor> sparse_params, dense_params;
  for (auto& item : model_->named_parameters(true)) {
    const bool table = item.key().find("embedding") != std::string::npos || item.key().find("attention") != std::string::npos;
    (table ? sparse_params : dense_params).push_back(item.value());
  }
  torch::optim::Adagrad sparse_opt(sparse_params, torch::optim::AdagradOptions(options_.embedding_lr));
  torch::optim::Adam dense_opt(dense_params, torch::optim::AdamOptions(options_.dense_lr));
  std::mt19937_64 rng(options_.seed + static_cast<uint64_t>(state_.first_epoch));
  for (int epoch = state_.first_epoch; epoch <= options_.epochs; ++epoch) {
    auto epoch_start = Clock::now();
    const double loss = trainEpoch(epoch, rng, sparse_opt, dense_opt);
    double epoch_seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    train_seconds_ += epoch_seconds;
    ++epochs_run_;
    double mrr = validationMrr(model_, *tokenizer_, valid_pairs_, device_);
    log("epoch " + std::to_string(epoch) + ": loss " + std::to_string(loss) + ", valid MRR " + std::to_string(mrr) +
        ", " + std::to_string(static_cast<int>(encoded_.size() / epoch_seconds)) + " pairs/s, temperature " +
        std::to_string(1.0 / model_->logit_scales[0].exp().item<double>()));
    if (Status saved = saveCandidate(model_, checkpoint_, mrr, false, epoch, {{"epoch", epoch}, {"valid_mrr", mrr}});
        !saved.ok())
      return saved;
    if (Status ended = endEpoch(epoch); !ended.ok()) return ended;
  }
  return {};
}

// One pass over the batches; returns the mean loss.
double TrainingRun::trainEpoch(int epoch, std::mt19937_64& rng, torch::optim::Optimizer& sparse_opt,
                               torch::optim::Optimizer& dense_opt) {
  BatchOrderOptions batching;
  batching.batch_size = static_cast<size_t>(options_.batch_size);
  batching.language_batches = options_.language_batches;
  const std::vector<std::vector<size_t>> batches = epochBatches(batch_keys_, batching, rng);
  std::bernoulli_distribution use_name(options_.name_query_fraction);
  std::bernoulli_distribution drop_token(options_.code_token_dropout);
  double loss_sum = 0;
  size_t steps = 0;
  for (const std::vector<size_t>& members : batches) {
    std::vector<std::vector<int>> codes, queries;
    std::vector<uint64_t> hashes;
    for (size_t index : members) {
      const EncodedPair& p = encoded_[index];
      if (options_.code_token_dropout > 0) {
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
    torch::Tensor loss = batchLoss(codes, queries, hashes);
    sparse_opt.zero_grad();
    dense_opt.zero_grad();
    loss.backward();
    sparse_opt.step();
    dense_opt.step();
    loss_sum += loss.item<double>();
    ++steps;
    pairs_seen_ += codes.size();
    if (steps % 50 == 0) {
      log("epoch " + std::to_string(epoch) + " step " + std::to_string(steps) + "/" + std::to_string(batches.size()) +
          " loss " + std::to_string(loss_sum / static_cast<double>(steps)));
    }
  }
  return loss_sum / static_cast<double>(std::max<size_t>(steps, 1));
}

// Each member learns on its own: the loss is the mean of the members'
// symmetric InfoNCE over the batch. The same code twice in a batch is not a
// negative of itself.
torch::Tensor TrainingRun::batchLoss(const std::vector<std::vector<int>>& codes,
                                     const std::vector<std::vector<int>>& queries, std::vector<uint64_t>& hashes) {
  const int64_t n = static_cast<int64_t>(codes.size());
  auto code_ids = padIds(codes).to(device_);
  auto query_ids = padIds(queries).to(device_);
  auto hash_tensor = torch::from_blob(hashes.data(), {n}, torch::kInt64).clone().to(device_);
  auto same = hash_tensor.unsqueeze(0).eq(hash_tensor.unsqueeze(1));
  auto off_diagonal = torch::eye(n, torch::TensorOptions().dtype(torch::kBool).device(device_)).logical_not();
  auto duplicate = same.logical_and(off_diagonal);
  auto targets = torch::arange(n, torch::TensorOptions().dtype(torch::kInt64).device(device_));
  torch::Tensor loss;
  for (size_t m = 0; m < model_->codes.size(); ++m) {
    auto code_vecs = model_->codes[m]->forward(code_ids);
    auto query_vecs = model_->queries[m]->forward(query_ids);
    auto scale = model_->logit_scales[m].exp().clamp_max(100.0f);
    auto logits = (torch::mm(query_vecs, code_vecs.t()) * scale).masked_fill(duplicate, -1e4);
    auto member_loss = (torch::nn::functional::cross_entropy(logits, targets) +
                        torch::nn::functional::cross_entropy(logits.t(), targets)) / 2;
    loss = m == 0 ? member_loss : loss + member_loss;
  }
  return loss / static_cast<double>(model_->codes.size());
}

// Saves `candidate` to `path`; it becomes best.bin when it beats every earlier candidate.
Status TrainingRun::saveCandidate(NbowModel& candidate, const std::string& path, double mrr, bool is_average,
                                  int epoch, const nlohmann::json& metadata) {
  candidate->to(torch::kCPU);
  auto saved = saveModelFile(path, candidate, *tokenizer_, metadata);
  candidate->to(device_);
  if (!saved.ok()) return saved.error();
  if (mrr > state_.best_mrr) {
    state_.best_mrr = mrr;
    state_.best_epoch = epoch;
    state_.best_is_average = is_average;
    fs::copy_file(path, options_.checkpoint_dir + "/best.bin", fs::copy_options::overwrite_existing);
  }
  return {};
}

// The weight average (when due) and state.json, after the epoch's checkpoint.
Status TrainingRun::endEpoch(int epoch) {
  if (average_ && epoch >= options_.average_from_epoch) {
    accumulateAverage(average_, model_, ++state_.averaged_epochs);
    double average_mrr = validationMrr(average_, *tokenizer_, valid_pairs_, device_);
    log("epoch " + std::to_string(epoch) + ": mean of epochs " + std::to_string(epoch - state_.averaged_epochs + 1) +
        "-" + std::to_string(epoch) + ", valid MRR " + std::to_string(average_mrr));
    Status saved = saveCandidate(average_, average_path_, average_mrr, true, epoch,
                                 {{"epoch", epoch}, {"averaged_epochs", state_.averaged_epochs}, {"valid_mrr", average_mrr}});
    if (!saved.ok()) return saved;
  }
  std::ofstream(state_path_) << nlohmann::json{{"epoch", epoch},
                                               {"best_mrr", state_.best_mrr},
                                               {"best_epoch", state_.best_epoch},
                                               {"best_is_average", state_.best_is_average},
                                               {"averaged_epochs", state_.averaged_epochs}}
                                    .dump();
  return {};
}

// Ship the best epoch's weights (or the weight average, when it validated best).
Result<TrainReport> TrainingRun::ship() {
  auto best = loadModelFile(options_.checkpoint_dir + "/best.bin");
  if (!best.ok()) return best.error();
  nlohmann::json metadata = {
      {"best_epoch", state_.best_epoch},
      {"valid_mrr", state_.best_mrr},
      {"weights", state_.best_is_average ? "mean of epochs " + std::to_string(options_.average_from_epoch) + "-" +
                                               std::to_string(state_.best_epoch)
                                         : "epoch " + std::to_string(state_.best_epoch)},
      {"train_pairs", encoded_.size()},
      {"name_pairs", name_pairs_},
      {"epochs", options_.epochs},
      {"batch_size", options_.batch_size},
      {"seed", options_.seed}};
  fs::create_directories(fs::path(options_.output_path).parent_path());
  auto id = saveModelFile(options_.output_path, best->model, *best->tokenizer, metadata);
  if (!id.ok()) return id.error();
  TrainReport report;
  report.epochs_run = epochs_run_;
  report.best_valid_mrr = state_.best_mrr;
  report.best_epoch = state_.best_epoch;
  report.best_is_average = state_.best_is_average;
  report.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  report.pairs_per_second = train_seconds_ > 0 ? static_cast<double>(pairs_seen_) / train_seconds_ : 0;
  report.train_pairs = encoded_.size();
  report.name_pairs = name_pairs_;
  report.model_id = id.value();
  return report;
}

}  // namespace

Result<TrainReport> trainModel(const TrainOptions& options) {
  torch::manual_seed(options.seed);
  torch::set_num_threads(options.threads);
  TrainingRun run(options);
  for (auto stage : {&TrainingRun::readCorpus, &TrainingRun::startOrResume, &TrainingRun::prepareAverage,
                     &TrainingRun::addNamePairs}) {
    if (Status done = (run.*stage)(); !done.ok()) return done.error();
  }
  run.encode();
  if (Status trained = run.runEpochs(); !trained.ok()) return trained.error();
  return run.ship();
}

}  // namespace cs
