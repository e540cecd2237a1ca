#include "protocol/framing.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace cs::protocol {
namespace {

constexpr std::string_view kContentLength = "content-length";

bool iequalsPrefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

void FrameDecoder::compact() {
  if (start_ > 0 && (start_ > 64 * 1024 || start_ * 2 > buffer_.size())) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
}

static size_t findHeader(std::string_view text, size_t from) {
  for (size_t i = from; i + kContentLength.size() <= text.size(); ++i) {
    if (iequalsPrefix(text.substr(i), kContentLength)) return i;
  }
  return std::string_view::npos;
}

void FrameDecoder::resync(size_t from) {
  std::string_view rest(buffer_.data() + start_, buffer_.size() - start_);
  size_t pos = findHeader(rest, from);
  if (pos == std::string_view::npos) {
    // Keep a tail that may be the beginning of a header split across reads.
    size_t keep = std::min(rest.size(), kContentLength.size() - 1);
    start_ = buffer_.size() - keep;
  } else {
    start_ += pos;
  }
  compact();
}

std::optional<Result<std::string>> FrameDecoder::next() {
  std::string_view rest(buffer_.data() + start_, buffer_.size() - start_);
  if (rest.empty()) return std::nullopt;
  size_t header_end = rest.find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    if (rest.size() > options_.max_header_bytes) {
      resync(1);
      return Result<std::string>(makeError("header block too long or not terminated by CRLFCRLF"));
    }
    return std::nullopt;
  }
  std::string_view headers = rest.substr(0, header_end);
  std::optional<size_t> length;
  std::string problem;
  size_t line_start = 0;
  while (line_start <= headers.size()) {
    size_t line_end = headers.find("\r\n", line_start);
    if (line_end == std::string_view::npos) line_end = headers.size();
    std::string_view line = headers.substr(line_start, line_end - line_start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      problem = "malformed header line";
    } else if (iequalsPrefix(line, kContentLength) && colon == kContentLength.size()) {
      std::string_view value = trim(line.substr(colon + 1));
      size_t parsed = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
        problem = "invalid Content-Length value";
      } else {
        length = parsed;
      }
    }
    line_start = line_end + 2;
  }
  if (problem.empty() && !length) problem = "missing Content-Length header";
  if (problem.empty() && *length > options_.max_body_bytes) problem = "Content-Length exceeds the limit";
  if (!problem.empty()) {
    // Garbage followed by a real header (e.g. the tail of a frame whose
    // Content-Length was too short): restart at that header. Otherwise drop the
    // bad block; whatever body followed it is skipped up to the next header.
    size_t later = findHeader(headers, 1);
    if (later != std::string_view::npos) {
      start_ += later;
      compact();
    } else {
      start_ += header_end + 4;
      resync(0);
    }
    return Result<std::string>(makeError(problem));
  }
  size_t body_start = header_end + 4;
  if (rest.size() - body_start < *length) return std::nullopt;
  std::string body(rest.substr(body_start, *length));
  start_ += body_start + *length;
  compact();
  return Result<std::string>(std::move(body));
}

std::string encodeFrame(std::string_view body) {
  std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  frame.append(body);
  return frame;
}

}  // namespace cs::protocol
