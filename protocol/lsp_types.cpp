#include "protocol/lsp_types.h"

#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

namespace cs::protocol {
namespace {

// A whole number that fits an int, or nlohmann's out_of_range (the binding
// answers InvalidParams): get<int>() of 1e47, or of a number with a fraction,
// was a float-to-int conversion out of range (undefined; the fuzzer found it).
int wholeNumber(const Json& j, const char* key) {
  const Json& value = j.at(key);
  if (!value.is_number()) return value.get<int>();  // throws the usual type error
  const bool fits = value.is_number_unsigned()
                        ? value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int>::max())
                        : value.is_number_integer() && value.get<int64_t>() >= std::numeric_limits<int>::min() &&
                              value.get<int64_t>() <= std::numeric_limits<int>::max();
  if (!fits) throw Json::out_of_range::create(406, std::string(key) + " must be a whole number that fits 32 bits", &value);
  return static_cast<int>(value.get<int64_t>());
}

}  // namespace

void to_json(Json& j, const Position& p) { j = Json{{"line", p.line}, {"character", p.character}}; }
void from_json(const Json& j, Position& p) {
  p.line = wholeNumber(j, "line");
  p.character = wholeNumber(j, "character");
}
void to_json(Json& j, const Range& r) { j = Json{{"start", r.start}, {"end", r.end}}; }
void from_json(const Json& j, Range& r) {
  r.start = j.at("start").get<Position>();
  r.end = j.at("end").get<Position>();
}
void from_json(const Json& j, TextDocumentContentChangeEvent& e) {
  e.text = j.at("text").get<std::string>();
  if (auto it = j.find("range"); it != j.end() && !it->is_null()) e.range = it->get<Range>();
}
void from_json(const Json& j, FileEvent& e) {
  e.uri = j.at("uri").get<std::string>();
  e.type = wholeNumber(j, "type");
}

namespace {

bool isUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string pathToUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : path) {
    if (isUnreserved(c)) {
      uri.push_back(static_cast<char>(c));
    } else {
      uri.push_back('%');
      uri.push_back(kHex[c >> 4]);
      uri.push_back(kHex[c & 15]);
    }
  }
  return uri;
}

std::optional<std::string> uriToPath(const std::string& uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.compare(0, kScheme.size(), kScheme) != 0) return std::nullopt;
  std::string_view rest(uri);
  rest.remove_prefix(kScheme.size());
  // file://host/path: only local files (empty host or localhost) are ours.
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost") return std::nullopt;
  rest.remove_prefix(slash);
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%') {
      int hi = i + 1 < rest.size() ? hexValue(rest[i + 1]) : -1;
      int lo = i + 2 < rest.size() ? hexValue(rest[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        path.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    path.push_back(rest[i]);
  }
  return path;
}

}  // namespace cs::protocol
