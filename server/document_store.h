// DocumentStore: the text of documents the editor has open, kept current from
// didOpen/didChange (full or incremental edits), so unsaved buffer contents are
// what gets indexed; each change also says which bytes it replaced, so the
// indexer can parse the new version incrementally.
// Thread-safety: all methods are safe to call from any thread (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "indexer/text_edit.h"
#include "protocol/lsp_types.h"
#include "server/position_encoding.h"
#include "support/result.h"

namespace cs {

struct OpenDocument {
  std::string path;
  std::string text;
  int version = 0;
};

// A document's text after a didChange, and the edits that made it from the
// text before, in UTF-8 byte offsets (LSP positions converted in the
// negotiated encoding). Empty edits when a change replaced the whole text:
// the extractor then diffs the two versions itself.
struct DocumentChange {
  std::string text;
  std::vector<TextEdit> edits;
};

class DocumentStore {
 public:
  explicit DocumentStore(PositionEncoding encoding = PositionEncoding::kUtf16) : encoding_(encoding) {}
  void setEncoding(PositionEncoding encoding);

  void open(const std::string& path, std::string text, int version);
  // Applies edits in order; returns the new text and the byte edits. Fails for a document that is not open.
  Result<DocumentChange> change(const std::string& path, int version,
                                const std::vector<protocol::TextDocumentContentChangeEvent>& changes);
  void close(const std::string& path);
  std::optional<OpenDocument> get(const std::string& path) const;
  std::vector<std::string> paths() const;  // the open documents

 private:
  mutable std::mutex mutex_;
  PositionEncoding encoding_;
  std::map<std::string, OpenDocument> documents_;
};

}  // namespace cs
