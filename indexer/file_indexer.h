// FileIndexer: the indexing pipeline for a batch of files — read (or take the
// editor's buffer text), extract chunks, reuse known embeddings, embed only
// chunks whose text changed, and swap the file's chunks in the Index.
// Used by the daemon's scheduler and, synchronously, by the CLI and tests.
//
// Thread-safety: a FileIndexer owns an Extractor; use one per thread. The
// Index and CodeEncoder it points at are shared and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "indexer/chunk_embedding.h"
#include "indexer/extractor.h"
#include "indexer/index.h"
#include "indexer/parsed_file_cache.h"
#include "model/code_encoder.h"
#include "support/result.h"

namespace cs {

struct FileIndexerOptions {
  size_t max_file_bytes = 1 << 20;  // larger files are skipped (and leave the index)
  size_t embed_batch = 256;         // chunks per encoder call
  ChunkEmbeddingOptions embedding;  // the index must be opened with vectorSpaceId(model, embedding)
  // The parse states of buffers, shared by every worker's FileIndexer, so a
  // buffer's next version is parsed incrementally; a file read from disk
  // drops its state. Null: every version is parsed from scratch.
  std::shared_ptr<ParsedFileCache> parsed_files;
};

struct FileInput {
  std::string path;                 // absolute
  std::optional<std::string> text;  // unsaved buffer text; nullopt = read from disk
  // For a buffer: the byte edits that turned the previous version submitted
  // for this path into `text`, in order. A hint for incremental parsing: the
  // extractor checks them against the text it parsed last and diffs the texts
  // when they do not fit (a superseded version, another session's edits).
  std::vector<TextEdit> edits;
};

struct FileOutcome {
  std::string path;
  enum class Kind { kIndexed, kRemoved, kSkipped } kind = Kind::kIndexed;
  size_t chunks = 0;
  size_t embedded = 0;  // chunks that needed a new embedding
  std::string reason;   // why skipped or removed
  IncrementalStats parse;  // how a buffer's parse went (parsed_files set); default for files from disk
};

class FileIndexer {
 public:
  FileIndexer(Index& index, const CodeEncoder* encoder, FileIndexerOptions options = {});

  // Indexes every input. A file that vanished is removed from the index; a file
  // that can't be read, is binary or too large is skipped (and removed, so
  // stale chunks don't linger). Never fails as a whole for one bad file.
  std::vector<FileOutcome> indexBatch(const std::vector<FileInput>& inputs);

 private:
  struct SourceText {
    std::string text;
    FileStamp stamp;
  };
  // A file whose chunks wait to be embedded and stored.
  struct PendingFile {
    std::string path;
    FileStamp stamp;
    std::vector<IndexedChunk> chunks;
    size_t outcome_index = 0;  // its FileOutcome in the batch
  };

  std::optional<SourceText> readSource(const FileInput& input, FileOutcome& outcome);
  std::optional<PendingFile> prepareFile(const FileInput& input, FileOutcome& outcome);
  void embedMissing(std::vector<PendingFile>& pending, std::vector<FileOutcome>& outcomes);
  void store(std::vector<PendingFile>& pending, std::vector<FileOutcome>& outcomes);
  // The chunks of `text`: a buffer's incrementally from its cached parse state.
  Result<std::vector<Chunk>> extract(const FileInput& input, const std::string& text, const std::string& language,
                                     FileOutcome& outcome);

  Index& index_;
  const CodeEncoder* encoder_;
  FileIndexerOptions options_;
  Extractor extractor_;
};

// Reads a whole regular file of at most `max_bytes` (readBoundedFile: a final
// symbolic link is not followed, a FIFO never blocks). Errors name the path and
// the reason (missing, permission, ...).
Result<std::string> readFileText(const std::string& path, size_t max_bytes);

}  // namespace cs
