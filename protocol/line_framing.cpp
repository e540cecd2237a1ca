#include "protocol/line_framing.h"

#include <algorithm>

namespace cs::protocol {

std::optional<Result<std::string>> LineDecoder::next() {
  while (true) {
    size_t newline = buffer_.find('\n', std::max(start_, scanned_));
    if (newline == std::string::npos) {
      scanned_ = buffer_.size();
      const size_t pending = buffer_.size() - start_;
      if (!discarding_ && pending > max_line_bytes_) {
        discarding_ = true;
        buffer_.clear();
        start_ = scanned_ = 0;
        return Result<std::string>(makeError("line longer than " + std::to_string(max_line_bytes_) + " bytes"));
      }
      if (discarding_) {
        buffer_.clear();
        start_ = scanned_ = 0;
      } else if (start_ > 0) {
        buffer_.erase(0, start_);
        scanned_ -= start_;
        start_ = 0;
      }
      return std::nullopt;
    }
    std::string_view line(buffer_.data() + start_, newline - start_);
    start_ = newline + 1;
    if (discarding_) {  // the tail of an oversized line, already reported
      discarding_ = false;
      continue;
    }
    if (line.size() > max_line_bytes_) {
      return Result<std::string>(makeError("line longer than " + std::to_string(max_line_bytes_) + " bytes"));
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank line
    return Result<std::string>(std::string(line));
  }
}

std::string encodeLine(std::string_view body) {
  std::string line(body);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  line.push_back('\n');
  return line;
}

}  // namespace cs::protocol
