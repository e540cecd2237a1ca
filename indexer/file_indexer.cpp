#include "indexer/file_indexer.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "indexer/bounded_file.h"
#include "indexer/embedding_text.h"
#include "indexer/workspace_walker.h"

namespace cs {

Result<std::string> readFileText(const std::string& path, size_t max_bytes) {
  return readBoundedFile(path, max_bytes);
}

namespace {

FileStamp stampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return FileStamp{static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                   static_cast<int64_t>(st.st_size)};
}

struct PendingFile {
  std::string path;
  FileStamp stamp;
  std::vector<IndexedChunk> chunks;
  size_t outcome_index = 0;
};

}  // namespace

FileIndexer::FileIndexer(Index& index, const CodeEncoder* encoder, FileIndexerOptions options)
    : index_(index), encoder_(encoder), options_(options) {}

Result<std::vector<Chunk>> FileIndexer::extract(const FileInput& input, const std::string& text,
                                                const std::string& language, FileOutcome& outcome) {
  ParsedFileCache* cache = options_.parsed_files.get();
  if (!cache || !input.text) return extractor_.extract(input.path, text, language);
  ParsedFile parsed = cache->take(input.path);
  auto chunks = extractor_.extract(input.path, text, language, parsed, input.edits, &outcome.parse);
  if (chunks.ok()) cache->put(input.path, std::move(parsed));
  return chunks;
}

std::vector<FileOutcome> FileIndexer::indexBatch(const std::vector<FileInput>& inputs) {
  std::vector<FileOutcome> outcomes;
  std::vector<PendingFile> pending;
  for (const FileInput& input : inputs) {
    FileOutcome outcome;
    outcome.path = input.path;
    auto language = languageForPath(input.path);
    if (!language) {
      outcome.kind = FileOutcome::Kind::kSkipped;
      outcome.reason = "unsupported language";
      outcomes.push_back(std::move(outcome));
      continue;
    }
    std::string text;
    FileStamp stamp;
    if (input.text) {
      text = *input.text;
      stamp = FileStamp{0, static_cast<int64_t>(text.size())};  // buffers never match a disk stamp
    } else {
      if (options_.parsed_files) options_.parsed_files->erase(input.path);  // the disk is the truth again
      auto read = readFileText(input.path, options_.max_file_bytes);
      if (!read.ok()) {
        // Vanished or unreadable: drop whatever we had, keep going.
        (void)index_.removeFile(input.path);
        outcome.kind = read.error().code == ENOENT ? FileOutcome::Kind::kRemoved : FileOutcome::Kind::kSkipped;
        outcome.reason = read.error().message;
        outcomes.push_back(std::move(outcome));
        continue;
      }
      text = std::move(read.value());
      stamp = stampOf(input.path);
    }
    std::string reason = text.size() > options_.max_file_bytes
                             ? "file is larger than the limit"
                             : unindexableReason(input.path, std::string_view(text).substr(0, 64 * 1024));
    if (!reason.empty()) {
      (void)index_.removeFile(input.path);
      outcome.kind = FileOutcome::Kind::kSkipped;
      outcome.reason = reason;
      outcomes.push_back(std::move(outcome));
      continue;
    }
    language = languageForSource(input.path, text);  // a .h header may hold C++
    auto chunks = extract(input, text, *language, outcome);
    if (!chunks.ok()) {
      outcome.kind = FileOutcome::Kind::kSkipped;
      outcome.reason = chunks.error().message;
      outcomes.push_back(std::move(outcome));
      continue;
    }
    PendingFile file{input.path, stamp, {}, outcomes.size()};
    file.chunks.reserve(chunks->size());
    for (Chunk& chunk : chunks.value()) {
      IndexedChunk indexed;
      indexed.content_hash = embeddingHash(chunk, options_.embedding.text);
      indexed.chunk = std::move(chunk);
      file.chunks.push_back(std::move(indexed));
    }
    outcome.chunks = file.chunks.size();
    outcomes.push_back(std::move(outcome));
    pending.push_back(std::move(file));
  }

  if (encoder_ != nullptr) {
    // Embed only chunks whose text is new; identical texts in the batch share one embedding.
    std::vector<std::pair<size_t, size_t>> missing;  // (file, chunk)
    for (size_t f = 0; f < pending.size(); ++f) {
      for (size_t c = 0; c < pending[f].chunks.size(); ++c) {
        IndexedChunk& ic = pending[f].chunks[c];
        if (auto cached = index_.cachedVector(ic.content_hash)) {
          ic.vector = std::move(*cached);
        } else {
          missing.emplace_back(f, c);
        }
      }
    }
    const int dim = encoder_->dim();
    for (size_t begin = 0; begin < missing.size(); begin += options_.embed_batch) {
      size_t end = std::min(missing.size(), begin + options_.embed_batch);
      std::vector<const Chunk*> chunks;
      chunks.reserve(end - begin);
      for (size_t i = begin; i < end; ++i) chunks.push_back(&pending[missing[i].first].chunks[missing[i].second].chunk);
      std::vector<float> vectors = embedChunks(*encoder_, chunks, options_.embedding);
      if (vectors.empty()) continue;  // encoder failure: lexical only
      for (size_t i = begin; i < end; ++i) {
        auto& ic = pending[missing[i].first].chunks[missing[i].second];
        const float* row = vectors.data() + (i - begin) * dim;
        ic.vector.assign(row, row + dim);
        outcomes[pending[missing[i].first].outcome_index].embedded++;
      }
    }
  }

  for (PendingFile& file : pending) {
    Status status = index_.replaceFile(file.path, file.stamp, std::move(file.chunks));
    if (!status.ok()) {
      FileOutcome& outcome = outcomes[file.outcome_index];
      outcome.kind = FileOutcome::Kind::kSkipped;
      outcome.reason = status.error().message;
    }
  }
  return outcomes;
}

}  // namespace cs
