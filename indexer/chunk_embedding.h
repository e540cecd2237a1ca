// How a chunk becomes its index vector. The code tower embeds the chunk's
// embedding text (embedding_text.h); when the chunk has a doc summary, the
// query tower's embedding of that summary is added with a weight and the sum
// renormalised. The query tower was trained on exactly such descriptions, so
// a developer's question lands close to them: on the development query set
// this lifts dense NDCG@10 from 0.435 to 0.55 (MODEL_CARD.md).
// Pure functions over a loaded encoder; thread-safe (CodeEncoder is).
#pragma once

#include <string>
#include <vector>

#include "indexer/chunk.h"
#include "indexer/embedding_text.h"
#include "model/code_encoder.h"

namespace cs {

struct ChunkEmbeddingOptions {
  EmbeddingTextOptions text;
  // Weight of the doc summary's query-tower vector against the code vector
  // (both unit length). 0 = code tower only. Ignored when text.include_doc is
  // false: the training corpus and the CodeSearchNet protocol embed no doc.
  float doc_weight = 0.7f;
};

// texts.size() * encoder.dim() floats, row-major, each row L2-normalised; empty
// when the encoder returns a malformed answer.
std::vector<float> embedChunks(const CodeEncoder& encoder, const std::vector<const Chunk*>& chunks,
                               const ChunkEmbeddingOptions& options = {});

// The identity of the vectors embedChunks writes: the model id, plus the doc
// recipe when it applies. An index records it, so changing either re-embeds.
std::string vectorSpaceId(const std::string& model_id, const ChunkEmbeddingOptions& options = {});

}  // namespace cs
