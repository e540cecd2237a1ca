#include "server/document_store.h"

namespace cs {

void DocumentStore::setEncoding(PositionEncoding encoding) {
  std::lock_guard lock(mutex_);
  encoding_ = encoding;
}

void DocumentStore::open(const std::string& path, std::string text, int version) {
  std::lock_guard lock(mutex_);
  documents_[path] = OpenDocument{path, std::move(text), version};
}

Result<DocumentChange> DocumentStore::change(const std::string& path, int version,
                                             const std::vector<protocol::TextDocumentContentChangeEvent>& changes) {
  std::lock_guard lock(mutex_);
  auto it = documents_.find(path);
  if (it == documents_.end()) return makeError("didChange for a document that is not open: " + path);
  std::string& text = it->second.text;
  DocumentChange result;
  bool whole_text = false;  // a full replacement: no edits describe the change
  for (const auto& change : changes) {
    if (!change.range) {
      text = change.text;
      whole_text = true;
      continue;
    }
    size_t begin = byteOffsetAt(text, change.range->start, encoding_);
    size_t end = byteOffsetAt(text, change.range->end, encoding_);
    if (end < begin) std::swap(begin, end);
    text.replace(begin, end - begin, change.text);
    result.edits.push_back(TextEdit{static_cast<uint32_t>(begin), static_cast<uint32_t>(end), change.text});
  }
  it->second.version = version;
  if (whole_text) result.edits.clear();
  result.text = text;
  return result;
}

void DocumentStore::close(const std::string& path) {
  std::lock_guard lock(mutex_);
  documents_.erase(path);
}

std::optional<OpenDocument> DocumentStore::get(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = documents_.find(path);
  if (it == documents_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> DocumentStore::paths() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [path, doc] : documents_) out.push_back(path);
  return out;
}

}  // namespace cs
