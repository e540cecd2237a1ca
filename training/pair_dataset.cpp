#include "training/pair_dataset.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace cs {

Result<std::vector<TrainingPair>> readPairs(const std::string& path, size_t limit) {
  std::ifstream in(path);
  if (!in) return makeError("cannot read " + path);
  std::vector<TrainingPair> pairs;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return makeError(path + ":" + std::to_string(line_number) + ": not JSON");
    pairs.push_back(TrainingPair{j.value("language", ""), j.value("package", ""), j.value("name", ""),
                                 j.value("code", ""), j.value("doc", "")});
    if (limit && pairs.size() >= limit) break;
  }
  return pairs;
}

}  // namespace cs
