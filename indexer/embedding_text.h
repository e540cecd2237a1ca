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

// The text fed to CodeEncoder::encodeCode for this chunk.
std::string embeddingText(const Chunk& chunk);

// 64-bit hash of embeddingText(chunk); equal hashes share one embedding.
uint64_t embeddingHash(const Chunk& chunk);

}  // namespace cs
