#include "indexer/saved_graph.h"

#include "indexer/binary_reader.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <unordered_map>

namespace cs {
namespace {

constexpr uint32_t kMagic = 0x4b475343;  // "CSGK", little-endian
constexpr uint32_t kVersion = 1;

class Writer {
 public:
  template <class T>
  void pod(T value) {
    out_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void text(const std::string& s) {
    pod(static_cast<uint32_t>(s.size()));
    out_ += s;
  }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

using Reader = BinaryReader;

constexpr size_t kElementBytes = 3 * sizeof(uint32_t) + sizeof(uint64_t);

}  // namespace

SavedGraphPaths savedGraphPaths(const std::string& store_path) {
  return SavedGraphPaths{store_path + ".hnsw", store_path + ".hnsw-keys"};
}

Status writeSavedGraphKeys(const std::string& path, const SavedGraphKeys& keys) {
  // Paths once each: a file's chunks share theirs.
  std::vector<const std::string*> paths;
  std::unordered_map<std::string_view, uint32_t> path_index;
  for (const auto& e : keys.elements) {
    if (path_index.try_emplace(e.chunk.path, static_cast<uint32_t>(paths.size())).second)
      paths.push_back(&e.chunk.path);
  }
  Writer w;
  w.pod(kMagic);
  w.pod(kVersion);
  w.pod(static_cast<int32_t>(keys.dim));
  w.pod(static_cast<int32_t>(keys.m));
  w.pod(keys.graph_bytes);
  w.pod(keys.graph_checksum);
  w.text(keys.model_id);
  w.pod(static_cast<uint32_t>(paths.size()));
  for (const std::string* p : paths) w.text(*p);
  w.pod(static_cast<uint64_t>(keys.elements.size()));
  for (const auto& e : keys.elements) {
    w.pod(e.slot);
    w.pod(path_index.at(e.chunk.path));
    w.pod(e.chunk.ord);
    w.pod(e.chunk.content_hash);
  }
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      return makeError("cannot write " + partial);
    }
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) return makeError("cannot rename " + partial + ": " + error.message());
  return {};
}

Result<SavedGraphKeys> readSavedGraphKeys(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError("no saved graph keys at " + path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Reader r(bytes);
  SavedGraphKeys keys;
  if (r.pod<uint32_t>() != kMagic || r.pod<uint32_t>() != kVersion) return makeError(path + ": not a graph keys file");
  keys.dim = r.pod<int32_t>();
  keys.m = r.pod<int32_t>();
  keys.graph_bytes = r.pod<uint64_t>();
  keys.graph_checksum = r.pod<uint64_t>();
  keys.model_id = std::string(r.text());
  const uint32_t path_count = r.pod<uint32_t>();
  if (!r.ok() || path_count > r.left() / sizeof(uint32_t)) return makeError(path + ": truncated");
  std::vector<std::string> paths(path_count);
  for (auto& p : paths) p = std::string(r.text());
  const uint64_t count = r.pod<uint64_t>();
  if (!r.ok() || count > r.left() / kElementBytes) return makeError(path + ": truncated");
  keys.elements.resize(count);
  for (auto& e : keys.elements) {
    e.slot = r.pod<uint32_t>();
    const uint32_t p = r.pod<uint32_t>();
    if (p >= paths.size()) return makeError(path + ": an element names no path");
    e.chunk.path = paths[p];
    e.chunk.ord = r.pod<uint32_t>();
    e.chunk.content_hash = r.pod<uint64_t>();
  }
  if (!r.ok() || !r.atEnd()) return makeError(path + ": truncated or overlong");
  return keys;
}

Result<uint64_t> fileChecksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError("cannot read " + path);
  uint64_t hash = 1469598103934665603ull;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const size_t got = static_cast<size_t>(in.gcount());
    size_t i = 0;
    for (; i + 8 <= got; i += 8) {
      uint64_t word;
      std::memcpy(&word, buffer.data() + i, 8);
      hash = (hash ^ word) * 1099511628211ull;
    }
    for (; i < got; ++i) hash = (hash ^ static_cast<unsigned char>(buffer[i])) * 1099511628211ull;
  }
  return hash;
}

}  // namespace cs
