// Options shared by the CLI subcommands that run the search engine in-process
// (index, query, similar) or as a daemon (serve): model, device, cache, threads.
// Used on the main thread during argument parsing.
#pragma once

#include <string>

#include "server/search_service.h"

namespace CLI {
class App;
}

namespace cs {

struct EngineCliOptions {
  std::string model_path;  // default: defaultModelPath()
  bool no_model = false;
  std::string device = "auto";
  std::string cache_dir;   // default: defaultCacheDir()
  bool no_cache = false;
  int index_threads = 2;
  int torch_threads = 0;
  size_t max_file_bytes = 1 << 20;

  void addTo(CLI::App& command);
  SearchServiceOptions toServiceOptions() const;
};

}  // namespace cs
