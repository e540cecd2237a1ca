// CodeEncoder: the trained bi-encoder that maps code chunks and natural-language
// queries into one vector space. Text in, L2-normalised float vectors out.
//
// Thread-safety: a loaded encoder is immutable; encodeCode/encodeQuery may be
// called concurrently from any thread (inference runs under NoGradGuard).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/result.h"

namespace cs {

struct EncoderOptions {
  std::string device = "auto";  // "auto" (cuda when available, else cpu), "cpu", "cuda"
  int threads = 0;              // intra-op threads for libtorch; 0 = hardware concurrency
};

class CodeEncoder {
 public:
  virtual ~CodeEncoder() = default;

  // Loads a model file written by the trainer (see model/README in MODEL_CARD.md for
  // the format). Fails with a clear message on a missing file, bad magic or version.
  static Result<std::unique_ptr<CodeEncoder>> load(const std::string& path,
                                                   const EncoderOptions& options = {});

  virtual const std::string& modelId() const = 0;  // stable id, changes with the weights
  virtual int dim() const = 0;
  virtual std::string device() const = 0;          // "cpu" or "cuda"

  // Embeds code texts (see indexer/embedding_text.h for how a chunk becomes text).
  // Returns texts.size() * dim() floats, row-major, each row L2-normalised.
  virtual std::vector<float> encodeCode(const std::vector<std::string>& texts) const = 0;
  // Embeds natural-language queries; same layout.
  virtual std::vector<float> encodeQuery(const std::vector<std::string>& texts) const = 0;
};

}  // namespace cs
