// codesearch eval: held-out retrieval quality of the model and the daemon's ranking.
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/semble_eval.h"
#include "server/result_items.h"
#include "server/search_service.h"
#include "training/allocator_tuning.h"
#include "training/retrieval_eval.h"

namespace cs {

namespace {

struct EvalCliOptions {
  std::string corpus = "corpus";
  std::string model;
  std::string nl_queries = "eval/nl_queries.jsonl";
  std::string json_out;
  size_t groups = 10;
  std::string split = "test";
  std::vector<std::string> sweep;       // parseFusion() specs
  std::vector<std::string> code_sweep;  // likewise, for code queries
  int threads = 2;
  bool nl_code_only = false;
  float doc_weight = ChunkEmbeddingOptions{}.doc_weight;
  std::string distractors = "random";
  SembleEvalCliOptions semble;
};

void addEvalFlags(CLI::App& command, EvalCliOptions& o) {
  command.add_option("--corpus", o.corpus, "Directory with test.jsonl");
  command.add_option("--model", o.model, "Model file (default: the shipped model)");
  command.add_option("--nl-queries", o.nl_queries, "Natural-language query set ('' to skip)");
  command.add_option("--groups", o.groups, "Max 1000-candidate groups per language");
  command.add_option("--split", o.split, "Corpus split to evaluate (tune on valid, report on test)");
  command.add_option("--fusion-sweep", o.sweep, "Extra hybrid fusions to report: rrf:DENSE:LEXICAL:K, score:DENSE:LEXICAL or z:DENSE:LEXICAL");
  command.add_option("--code-fusion-sweep", o.code_sweep, "Extra fusions for code queries (code to code), same syntax");
  command.add_flag("--nl-code-only", o.nl_code_only,
                   "Embed the NL codebases without their doc summaries (the daemon embeds them)");
  command.add_option("--doc-weight", o.doc_weight,
                     "Weight of the doc summary's query-tower vector in an NL codebase's (or, with --semble, every) chunk vector (0 = code tower only)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  command.add_option("--distractors", o.distractors,
                     "random: CodeSearchNet's shuffled groups; package: neighbours in corpus order (mostly the same package, harder)")
      ->check(CLI::IsMember({"random", "package"}));
  command.add_option("--json", o.json_out, "Also write the figures as JSON here");
  command.add_option("--threads", o.threads, "libtorch threads");
  command.add_option("--semble", o.semble.data_dir,
                     "Run the semble benchmark protocol over this data directory (../shared/semble-dev) instead");
  command.add_option("--semble-repos", o.semble.repos, "Only these benchmark repositories");
  command.add_option("--semble-work-dir", o.semble.work_dir, "Where repository trees are unpacked (default: <cache>/semble-trees)");
  command.add_option("--semble-mode", o.semble.mode, "hybrid, semantic or lexical");
  command.add_flag("--no-model", o.semble.no_model, "With --semble: lexical ranking only");
  command.add_option("--shaping", o.semble.shaping,
                     "Result-shaping options over the defaults, e.g. definition_boost=0,saturation_decay=1 (ranking.h)");
}

// The flags as EvalOptions; an error message for a bad fusion or shaping spec.
Result<EvalOptions> evalOptions(const EvalCliOptions& o) {
  EvalOptions options;
  options.max_groups_per_language = o.groups;
  options.distractors = o.distractors == "random" ? Distractors::kRandom : Distractors::kSamePackage;
  options.nl_queries = o.nl_queries;
  options.nl_embedding.text.include_doc = !o.nl_code_only;
  options.nl_embedding.doc_weight = o.doc_weight;
  for (auto [specs, out] : {std::pair{&o.sweep, &options.fusion_sweep}, std::pair{&o.code_sweep, &options.code_fusion_sweep}}) {
    for (const auto& text : *specs) {
      auto fusion = parseFusion(text);
      if (!fusion)
        return makeError("a fusion sweep expects rrf:DENSE:LEXICAL:K, score:DENSE:LEXICAL or z:DENSE:LEXICAL, got " + text);
      out->push_back(*fusion);
    }
  }
  if (!o.semble.shaping.empty()) {
    auto shaping = parseShaping(o.semble.shaping);
    if (!shaping) return makeError("bad --shaping spec " + o.semble.shaping);
    options.shaping = *shaping;
  }
  options.log = [](const std::string& line) { std::cerr << "eval: " << line << std::endl; };
  return options;
}

int runEval(EvalCliOptions& o) {
  if (!o.semble.data_dir.empty()) {
    o.semble.model_path = o.model;
    o.semble.threads = o.threads;
    o.semble.json_out = o.json_out;
    o.semble.doc_weight = o.doc_weight;
    return runSembleEval(o.semble);
  }
  auto options = evalOptions(o);
  if (!options.ok()) {
    std::cerr << "codesearch: " << options.error().message << "\n";
    return 2;
  }
  keepLargeAllocationsInHeap();  // batch job: large tensors every group (allocator_tuning.h)
  EncoderOptions encoder_options;
  encoder_options.threads = o.threads;
  auto encoder = CodeEncoder::load(o.model.empty() ? defaultModelPath() : o.model, encoder_options);
  if (!encoder.ok()) {
    std::cerr << "codesearch: " << encoder.error().message << "\n";
    return 1;
  }
  auto pairs = readPairs(o.corpus + "/" + o.split + ".jsonl");
  if (!pairs.ok()) {
    std::cerr << "codesearch: " << pairs.error().message << "\n";
    return 1;
  }
  auto report = evaluate(pairs.value(), *encoder.value(), options.value());
  if (!report.ok()) {
    std::cerr << "codesearch: " << report.error().message << "\n";
    return 1;
  }
  std::cout << "model " << encoder.value()->modelId() << "\n\n" << report->toMarkdown();
  if (!o.json_out.empty()) std::ofstream(o.json_out) << report->toJson().dump(2) << "\n";
  return 0;
}

}  // namespace

void registerEvalCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EvalCliOptions>();
  CLI::App* command = app.add_subcommand("eval", "Evaluate retrieval on the held-out test split and the NL query set");
  addEvalFlags(*command, *o);
  command->callback([o, &exit_code] { exit_code = runEval(*o); });
}

}  // namespace cs
