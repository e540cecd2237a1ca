// SavedGraph: the approximate-search graph kept beside the store, so that a
// warm start loads it instead of inserting every vector again (a kernel-sized
// index takes minutes to build on two cores, and seconds to load).
//
// Two files next to the store (INDEX_FORMAT.md): `<store>.hnsw`, the graph
// as HnswVectorIndex::save writes it, whose elements are named by the slots
// of the index that saved it, and `<store>.hnsw-keys`, what each of those
// slots held (its chunk's row in the store: path, ord, content hash), with
// the model, dimension and graph parameters, and the graph file's size and
// checksum. A later index, whose slots differ, renames the elements by key;
// an element whose chunk changed or went is left deleted, and a pair of files
// that do not match each other, the model or the graph shape is not used.
//
// Thread-safety: free functions over files; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "indexer/index_store.h"
#include "support/result.h"

namespace cs {

struct SavedGraphKeys {
  std::string model_id;
  int dim = 0;
  int m = 0;                    // HNSW links per element
  uint64_t graph_bytes = 0;     // size and checksum of the graph file they describe
  uint64_t graph_checksum = 0;
  struct Element {
    uint32_t slot = 0;          // the saved graph's name for it
    StoredChunkKey chunk;
  };
  std::vector<Element> elements;
};

struct SavedGraphPaths {
  std::string graph;  // <store>.hnsw
  std::string keys;   // <store>.hnsw-keys
};
SavedGraphPaths savedGraphPaths(const std::string& store_path);

// Written whole under a temporary name, then renamed over `path`.
Status writeSavedGraphKeys(const std::string& path, const SavedGraphKeys& keys);
// An error for a missing, truncated or foreign file; never reads past it.
Result<SavedGraphKeys> readSavedGraphKeys(const std::string& path);
// A 64-bit checksum of a file's bytes (FNV-1a over 8-byte words).
Result<uint64_t> fileChecksum(const std::string& path);

}  // namespace cs
