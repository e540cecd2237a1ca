#include "cli/engine_options.h"

#include <CLI/CLI.hpp>

namespace cs {

void EngineCliOptions::addTo(CLI::App& command) {
  command.add_option("--model", model_path, "Model file (default: the shipped model)");
  command.add_flag("--no-model", no_model, "Run without a model: lexical ranking only");
  command.add_option("--device", device, "Inference device: auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  command.add_option("--cache-dir", cache_dir, "Where the persistent index lives (default: $XDG_CACHE_HOME/codesearch)");
  command.add_flag("--no-cache", no_cache, "Keep the index in memory only");
  command.add_option("--index-threads", index_threads, "Indexing worker threads")->check(CLI::Range(1, 64));
  command.add_option("--torch-threads", torch_threads, "libtorch intra-op threads (0 = all cores)")
      ->check(CLI::Range(0, 256));
  command.add_option("--max-file-bytes", max_file_bytes, "Skip files larger than this");
}

SearchServiceOptions EngineCliOptions::toServiceOptions() const {
  SearchServiceOptions options;
  if (!no_model) options.model_path = model_path.empty() ? defaultModelPath() : model_path;
  options.encoder.device = device;
  options.encoder.threads = torch_threads;
  if (!no_cache) options.cache_dir = cache_dir.empty() ? defaultCacheDir() : cache_dir;
  options.index_threads = index_threads;
  options.max_file_bytes = max_file_bytes;
  return options;
}

}  // namespace cs
