// BinaryReader: bounds-checked reads of fixed-size fields and length-prefixed
// texts from bytes in memory, for the files kept beside the store
// (saved_graph.h, saved_lexical.h). A read past the end reads nothing and
// leaves ok() false for good, so a parser checks once, at the end.
//
// Thread-safety: a value over borrowed bytes; one reader per thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace cs {

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view in, size_t at = 0) : in_(in), at_(at) {}
  template <class T>
  T pod() {
    T value{};
    if (take(sizeof value)) std::memcpy(&value, in_.data() + at_ - sizeof value, sizeof value);
    return value;
  }
  // A u32 length, then that many bytes (a view into the input).
  std::string_view text() {
    const uint32_t size = pod<uint32_t>();
    if (!take(size)) return {};
    return in_.substr(at_ - size, size);
  }
  const char* skip(size_t n) { return take(n) ? in_.data() + at_ - n : nullptr; }
  bool ok() const { return ok_; }
  size_t at() const { return at_; }
  size_t left() const { return in_.size() - at_; }
  bool atEnd() const { return at_ == in_.size(); }

 private:
  bool take(size_t n) {
    if (!ok_ || n > in_.size() - at_) return ok_ = false;
    at_ += n;
    return true;
  }
  std::string_view in_;
  size_t at_;
  bool ok_ = true;
};

}  // namespace cs
