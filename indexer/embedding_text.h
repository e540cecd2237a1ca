// How a chunk is presented to the model: the same function serves the daemon
// and the training-corpus miner, so training and serving see identical inputs.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "indexer/chunk.h"

namespace cs {

// The chunk's code with its doc comment / docstring removed (CodeSearchNet style):
// the model must learn to read code, not to copy the description.
std::string codeWithoutDoc(const Chunk& chunk);

struct EmbeddingTextOptions {
  // The daemon embeds the doc summary with the code: in a real workspace the
  // doc says what the code is for. The training corpus and the CodeSearchNet
  // protocol must not (there the doc is the query), so the miner sets false.
  bool include_doc = true;
};

// The text fed to CodeEncoder::encodeCode for this chunk: its (qualified)
// name, then the doc summary when asked for, then the code without its doc.
std::string embeddingText(const Chunk& chunk, const EmbeddingTextOptions& options = {});

// 64-bit hash of embeddingText(chunk, options); equal hashes share one embedding.
uint64_t embeddingHash(const Chunk& chunk, const EmbeddingTextOptions& options = {});

}  // namespace cs
