// The model file: one binary file holding the tokenizer vocabulary, the
// network configuration and its weights (fp16), identified by a model id.
// Layout in model/MODEL_FORMAT.md. A wrong magic or version is a clear error.
//
// Thread-safety: free functions; a loaded model is owned by the caller.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/nbow_model.h"
#include "model/tokenizer.h"
#include "support/result.h"

namespace cs {

constexpr char kModelMagic[4] = {'C', 'S', 'M', 'D'};
constexpr uint32_t kModelFormatVersion = 1;

struct LoadedModel {
  std::string model_id;
  NbowModel model{nullptr};
  std::unique_ptr<Tokenizer> tokenizer;
  nlohmann::json metadata;  // training provenance: corpus counts, command, eval figures
};

// Writes `model` + `tokenizer`. The model id is derived from the weights, so
// identical weights always get the same id and any change gets a new one.
Result<std::string> saveModelFile(const std::string& path, NbowModel& model, const Tokenizer& tokenizer,
                                  const nlohmann::json& metadata);
Result<LoadedModel> loadModelFile(const std::string& path);

}  // namespace cs
