#include "indexer/chunk_embedding.h"

#include <cmath>
#include <cstdio>

#include "indexer/doc_summary.h"

namespace cs {
namespace {

bool blendsDoc(const ChunkEmbeddingOptions& options) { return options.text.include_doc && options.doc_weight > 0; }

}  // namespace

std::vector<float> embedChunks(const CodeEncoder& encoder, const std::vector<const Chunk*>& chunks,
                               const ChunkEmbeddingOptions& options) {
  const size_t dim = static_cast<size_t>(encoder.dim());
  std::vector<std::string> texts;
  texts.reserve(chunks.size());
  for (const Chunk* chunk : chunks) texts.push_back(embeddingText(*chunk, options.text));
  std::vector<float> vectors = encoder.encodeCode(texts);
  if (vectors.size() != chunks.size() * dim) return {};
  if (!blendsDoc(options)) return vectors;

  std::vector<std::string> summaries;
  std::vector<size_t> rows;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i]->doc.empty()) continue;
    std::string summary = docSummary(chunks[i]->doc, chunks[i]->language);
    if (summary.empty()) continue;
    summaries.push_back(std::move(summary));
    rows.push_back(i);
  }
  if (summaries.empty()) return vectors;
  std::vector<float> doc_vectors = encoder.encodeQuery(summaries);
  if (doc_vectors.size() != summaries.size() * dim) return {};
  for (size_t j = 0; j < rows.size(); ++j) {
    float* row = vectors.data() + rows[j] * dim;
    const float* doc = doc_vectors.data() + j * dim;
    double norm = 0;
    for (size_t k = 0; k < dim; ++k) {
      row[k] += options.doc_weight * doc[k];
      norm += static_cast<double>(row[k]) * row[k];
    }
    if (norm <= 0) continue;  // the doc vector cancelled the code vector exactly: leave the zero row
    const float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (size_t k = 0; k < dim; ++k) row[k] *= scale;
  }
  return vectors;
}

std::string vectorSpaceId(const std::string& model_id, const ChunkEmbeddingOptions& options) {
  if (!blendsDoc(options)) return model_id;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "+doc%g", options.doc_weight);
  return model_id + suffix;
}

}  // namespace cs
