// The saved lexical index's file (saved_lexical.h):
//   magic "CSLX", version, store id, store generation,
//   paths: count, then each (u32 length, bytes),
//   slots: count, then each (u32 path index or ~0 for none, u32 ord,
//          u64 content hash, u64 text hash, f32 length, u32 term count),
//   terms: count, then each (u32 length, stem bytes, u32 postings,
//          postings as (u32 slot, u16 tf)),
//   trailer: u64 bytes before it, u64 checksum of those bytes (FNV-1a over
//   8-byte words, as fileChecksum), magic again.
// Written through a buffer of whole 8-byte words, so the running checksum
// equals the one the reader computes over the bytes at once.
#include "indexer/saved_lexical.h"

#include "indexer/binary_reader.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unordered_map>

namespace cs {
namespace {

constexpr uint32_t kMagic = 0x584c5343;  // "CSLX", little-endian
constexpr uint32_t kVersion = 1;
constexpr uint32_t kNoPath = UINT32_MAX;
constexpr size_t kSlotBytes = 4 + 4 + 8 + 8 + 4 + 4;
constexpr size_t kTrailerBytes = 8 + 8 + 4;

uint64_t checksumWords(const char* data, size_t size, uint64_t hash) {
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    hash = (hash ^ word) * 1099511628211ull;
  }
  for (; i < size; ++i) hash = (hash ^ static_cast<unsigned char>(data[i])) * 1099511628211ull;
  return hash;
}

// Buffered, checksummed writes to a FILE.
class FileWriter {
 public:
  explicit FileWriter(std::FILE* file) : file_(file) { buffer_.reserve(kBuffer); }
  template <class T>
  void pod(const T& value) {
    bytes(&value, sizeof value);
  }
  void text(const std::string& s) {
    pod(static_cast<uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void bytes(const void* data, size_t size) {
    const char* in = static_cast<const char*>(data);
    while (size > 0) {
      const size_t n = std::min(size, kBuffer - buffer_.size());
      buffer_.append(in, n);
      in += n;
      size -= n;
      if (buffer_.size() == kBuffer) flush();  // whole words: kBuffer is a multiple of 8
    }
  }
  // Flushes the rest and appends the trailer; false on a write error.
  bool finish() {
    flush();
    const uint64_t total = written_, checksum = checksum_;
    buffer_.append(reinterpret_cast<const char*>(&total), 8);
    buffer_.append(reinterpret_cast<const char*>(&checksum), 8);
    buffer_.append(reinterpret_cast<const char*>(&kMagic), 4);
    return std::fwrite(buffer_.data(), 1, buffer_.size(), file_) == buffer_.size() && ok_;
  }

 private:
  static constexpr size_t kBuffer = 1 << 20;
  void flush() {
    checksum_ = checksumWords(buffer_.data(), buffer_.size(), checksum_);
    written_ += buffer_.size();
    ok_ &= std::fwrite(buffer_.data(), 1, buffer_.size(), file_) == buffer_.size();
    buffer_.clear();
  }
  std::FILE* file_;
  std::string buffer_;
  uint64_t checksum_ = 1469598103934665603ull;
  uint64_t written_ = 0;
  bool ok_ = true;
};

using Reader = BinaryReader;

}  // namespace

std::string savedLexicalPath(const std::string& store_path) { return store_path + ".lexical"; }

Status writeSavedLexical(const std::string& path, const IndexStore::Version& version,
                         const std::vector<SavedLexicalSlot>& slots, const LexicalIndex& lexical) {
  std::vector<const std::string*> paths;
  std::unordered_map<std::string_view, uint32_t> path_index;
  for (const SavedLexicalSlot& s : slots) {
    if (s.used && path_index.try_emplace(s.chunk.path, static_cast<uint32_t>(paths.size())).second)
      paths.push_back(&s.chunk.path);
  }
  const std::string partial = path + ".partial";
  std::FILE* file = std::fopen(partial.c_str(), "wb");
  if (!file) return makeError("cannot write " + partial);
  FileWriter w(file);
  w.pod(kMagic);
  w.pod(kVersion);
  w.pod(version.id);
  w.pod(version.generation);
  w.pod(static_cast<uint32_t>(paths.size()));
  for (const std::string* p : paths) w.text(*p);
  const uint32_t slot_count = static_cast<uint32_t>(std::max(slots.size(), lexical.slots()));
  w.pod(slot_count);
  for (uint32_t slot = 0; slot < slot_count; ++slot) {
    const bool used = slot < slots.size() && slots[slot].used && lexical.documentLength(slot) > 0;
    w.pod(used ? path_index.at(slots[slot].chunk.path) : kNoPath);
    w.pod(used ? slots[slot].chunk.ord : 0u);
    w.pod(used ? slots[slot].chunk.content_hash : uint64_t{0});
    w.pod(used ? slots[slot].text_hash : uint64_t{0});
    w.pod(used ? lexical.documentLength(slot) : 0.0f);
    w.pod(used ? lexical.documentTerms(slot) : 0u);
  }
  // Terms with postings only of used slots (any other would be an index bug; dropped, never saved).
  uint32_t term_count = 0;
  lexical.forEachTerm([&](const std::string&, const LexicalIndex::Posting*, size_t) { ++term_count; });
  w.pod(term_count);
  std::vector<LexicalIndex::Posting> kept;
  lexical.forEachTerm([&](const std::string& stem, const LexicalIndex::Posting* postings, size_t count) {
    kept.clear();
    for (size_t i = 0; i < count; ++i) {
      const uint32_t slot = postings[i].doc;  // a slot, as forEachTerm gives them
      if (slot < slots.size() && slots[slot].used) kept.push_back(postings[i]);
    }
    w.text(stem);
    w.pod(static_cast<uint32_t>(kept.size()));
    w.bytes(kept.data(), kept.size() * sizeof(LexicalIndex::Posting));
  });
  const bool written = w.finish();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return makeError("cannot write " + partial);
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) return makeError("cannot rename " + partial + ": " + error.message());
  return {};
}

Result<SavedLexical> SavedLexical::read(const std::string& path) {
  SavedLexical saved;
  {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return makeError("no saved lexical index at " + path);
    const std::streamoff size = in.tellg();
    if (size < static_cast<std::streamoff>(kTrailerBytes)) return makeError(path + ": truncated");
    saved.bytes_.resize(static_cast<size_t>(size));
    in.seekg(0);
    if (!in.read(saved.bytes_.data(), size)) return makeError("cannot read " + path);
  }
  const std::string_view all = saved.bytes_;
  Reader trailer(all, all.size() - kTrailerBytes);
  const uint64_t payload = trailer.pod<uint64_t>();
  const uint64_t checksum = trailer.pod<uint64_t>();
  if (trailer.pod<uint32_t>() != kMagic || payload != all.size() - kTrailerBytes)
    return makeError(path + ": not a saved lexical index, or truncated");
  if (checksumWords(all.data(), payload, 1469598103934665603ull) != checksum) return makeError(path + ": checksum mismatch");
  Reader r(all.substr(0, payload));
  if (r.pod<uint32_t>() != kMagic || r.pod<uint32_t>() != kVersion) return makeError(path + ": another version");
  saved.version_.id = r.pod<uint64_t>();
  saved.version_.generation = r.pod<uint64_t>();
  const uint32_t path_count = r.pod<uint32_t>();
  if (!r.ok() || path_count > r.left() / 4) return makeError(path + ": damaged path table");
  std::vector<std::string> paths(path_count);
  for (auto& p : paths) p = std::string(r.text());
  const uint32_t slot_count = r.pod<uint32_t>();
  if (!r.ok() || slot_count > r.left() / kSlotBytes) return makeError(path + ": damaged slot table");
  saved.slots_.resize(slot_count);
  saved.lengths_.resize(slot_count);
  saved.term_counts_.resize(slot_count);
  for (uint32_t slot = 0; slot < slot_count; ++slot) {
    SavedLexicalSlot& s = saved.slots_[slot];
    const uint32_t p = r.pod<uint32_t>();
    s.chunk.ord = r.pod<uint32_t>();
    s.chunk.content_hash = r.pod<uint64_t>();
    s.text_hash = r.pod<uint64_t>();
    saved.lengths_[slot] = r.pod<float>();
    saved.term_counts_[slot] = r.pod<uint32_t>();
    if (p == kNoPath) continue;
    if (p >= paths.size() || !(saved.lengths_[slot] > 0)) return makeError(path + ": a slot names no path");
    s.used = true;
    s.chunk.path = paths[p];
  }
  saved.terms_at_ = r.at();
  // Every posting must name a used slot, and add up to each slot's term count.
  std::vector<uint32_t> seen(slot_count, 0);
  const uint32_t term_count = r.pod<uint32_t>();
  for (uint32_t t = 0; t < term_count && r.ok(); ++t) {
    r.text();
    const uint32_t count = r.pod<uint32_t>();
    const char* postings = r.skip(static_cast<size_t>(count) * sizeof(LexicalIndex::Posting));
    if (!postings) break;
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t slot;
      std::memcpy(&slot, postings + i * sizeof(LexicalIndex::Posting), 4);
      if (slot >= slot_count || !saved.slots_[slot].used) return makeError(path + ": a posting names an empty slot");
      ++seen[slot];
    }
  }
  if (!r.ok() || r.left() != 0) return makeError(path + ": damaged term section");
  for (uint32_t slot = 0; slot < slot_count; ++slot)
    if (seen[slot] != saved.term_counts_[slot]) return makeError(path + ": term counts do not add up");
  return saved;
}

void SavedLexical::restoreInto(LexicalIndex& lexical) const {
  for (uint32_t slot = 0; slot < slots_.size(); ++slot)
    if (slots_[slot].used) lexical.restoreDocument(slot, lengths_[slot], term_counts_[slot]);
  Reader r(std::string_view(bytes_).substr(0, bytes_.size() - kTrailerBytes), terms_at_);
  const uint32_t term_count = r.pod<uint32_t>();
  std::vector<LexicalIndex::Posting> postings;
  for (uint32_t t = 0; t < term_count; ++t) {
    const std::string stem(r.text());
    const uint32_t count = r.pod<uint32_t>();
    postings.resize(count);
    const char* bytes = r.skip(static_cast<size_t>(count) * sizeof(LexicalIndex::Posting));
    if (count > 0) std::memcpy(postings.data(), bytes, static_cast<size_t>(count) * sizeof(LexicalIndex::Posting));
    lexical.restoreTerm(stem, postings.data(), postings.size());
  }
  lexical.endRestore();
}

}  // namespace cs
