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

// A batch goes through three stages: each file is read and extracted
// (prepareFile), the chunks whose text is new are embedded together
// (embedMissing), and each file's chunks are swapped into the index (store).
std::vector<FileOutcome> FileIndexer::indexBatch(const std::vector<FileInput>& inputs) {
  std::vector<FileOutcome> outcomes;
  std::vector<PendingFile> pending;
  for (const FileInput& input : inputs) {
    FileOutcome outcome;
    outcome.path = input.path;
    std::optional<PendingFile> file = prepareFile(input, outcome);
    if (file) {
      file->outcome_index = outcomes.size();
      pending.push_back(std::move(*file));
    }
    outcomes.push_back(std::move(outcome));
  }
  if (encoder_ != nullptr) embedMissing(pending, outcomes);
  store(pending, outcomes);
  return outcomes;
}

// The text to index: the buffer's, or the file's as read from disk. An
// unreadable or vanished file leaves the index; the outcome says why.
std::optional<FileIndexer::SourceText> FileIndexer::readSource(const FileInput& input, FileOutcome& outcome) {
  if (input.text) return SourceText{*input.text, FileStamp{0, static_cast<int64_t>(input.text->size())}};  // buffers never match a disk stamp
  if (options_.parsed_files) options_.parsed_files->erase(input.path);  // the disk is the truth again
  auto read = readFileText(input.path, options_.max_file_bytes);
  if (!read.ok()) {
    (void)index_.removeFile(input.path);  // vanished or unreadable: drop whatever we had, keep going
    outcome.kind = read.error().code == ENOENT ? FileOutcome::Kind::kRemoved : FileOutcome::Kind::kSkipped;
    outcome.reason = read.error().message;
    return std::nullopt;
  }
  return SourceText{std::move(read.value()), stampOf(input.path)};
}

// One file up to its chunks, hashed but not embedded; nullopt (and the outcome
// says why) when it is skipped or removed.
std::optional<FileIndexer::PendingFile> FileIndexer::prepareFile(const FileInput& input, FileOutcome& outcome) {
  auto skip = [&](std::string reason) -> std::optional<PendingFile> {
    outcome.kind = FileOutcome::Kind::kSkipped;
    outcome.reason = std::move(reason);
    return std::nullopt;
  };
  if (!languageForPath(input.path)) return skip("unsupported language");
  std::optional<SourceText> source = readSource(input, outcome);
  if (!source) return std::nullopt;
  const std::string& text = source->text;
  std::string reason = text.size() > options_.max_file_bytes
                           ? "file is larger than the limit"
                           : unindexableReason(input.path, std::string_view(text).substr(0, 64 * 1024));
  if (!reason.empty()) {
    (void)index_.removeFile(input.path);  // stale chunks must not linger
    return skip(std::move(reason));
  }
  const auto language = languageForSource(input.path, text);  // a .h header may hold C++
  auto chunks = extract(input, text, *language, outcome);
  if (!chunks.ok()) return skip(chunks.error().message);
  PendingFile file{input.path, source->stamp, {}, 0};
  file.chunks.reserve(chunks->size());
  for (Chunk& chunk : chunks.value()) {
    IndexedChunk indexed;
    indexed.content_hash = embeddingHash(chunk, options_.embedding.text);
    indexed.chunk = std::move(chunk);
    file.chunks.push_back(std::move(indexed));
  }
  outcome.chunks = file.chunks.size();
  return file;
}

// Embeds only chunks whose text is new (the index knows the others' vectors),
// `embed_batch` at a time. An encoder failure leaves a batch lexical only.
void FileIndexer::embedMissing(std::vector<PendingFile>& pending, std::vector<FileOutcome>& outcomes) {
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
    const size_t end = std::min(missing.size(), begin + options_.embed_batch);
    std::vector<const Chunk*> chunks;
    chunks.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) chunks.push_back(&pending[missing[i].first].chunks[missing[i].second].chunk);
    std::vector<float> vectors = embedChunks(*encoder_, chunks, options_.embedding);
    if (vectors.empty()) continue;
    for (size_t i = begin; i < end; ++i) {
      auto& ic = pending[missing[i].first].chunks[missing[i].second];
      const float* row = vectors.data() + (i - begin) * dim;
      ic.vector.assign(row, row + dim);
      outcomes[pending[missing[i].first].outcome_index].embedded++;
    }
  }
}

// Swaps each file's chunks into the index; a failure is that file's outcome.
void FileIndexer::store(std::vector<PendingFile>& pending, std::vector<FileOutcome>& outcomes) {
  for (PendingFile& file : pending) {
    Status status = index_.replaceFile(file.path, file.stamp, std::move(file.chunks));
    if (!status.ok()) {
      FileOutcome& outcome = outcomes[file.outcome_index];
      outcome.kind = FileOutcome::Kind::kSkipped;
      outcome.reason = status.error().message;
    }
  }
}

}  // namespace cs
