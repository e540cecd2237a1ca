// Small builders shared by the Index tests (index_test, index_store_test).
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "indexer/embedding_text.h"
#include "indexer/index.h"
#include "random_unit_vectors.h"

namespace cs {

inline IndexedChunk make(const std::string& path, const std::string& name, const std::string& language,
                  std::vector<float> vector = {}, uint32_t line = 0, uint32_t end_line = 3) {
  IndexedChunk ic;
  ic.chunk.path = path;
  ic.chunk.name = name;
  ic.chunk.qualified_name = name;
  ic.chunk.language = language;
  ic.chunk.kind = "function";
  ic.chunk.text = "def " + name + "(): pass";
  ic.chunk.start.line = line;
  ic.chunk.end.line = end_line;
  ic.content_hash = embeddingHash(ic.chunk);
  ic.vector = std::move(vector);
  return ic;
}

inline std::vector<float> unit(int dim, int axis) {
  std::vector<float> v(dim, 0.0f);
  v[axis] = 1.0f;
  return v;
}

// The name of the best dense hit for `query`, or "(none)".
inline std::string topDenseName(const Index& index, const std::vector<float>& query) {
  SearchRequest request;
  request.query_vector = query;
  request.mode = SearchMode::kSemantic;
  request.limit = 1;
  auto hits = index.search(request);
  return hits.ok() && !hits->empty() ? hits->front().chunk.name : std::string("(none)");
}

}  // namespace cs
