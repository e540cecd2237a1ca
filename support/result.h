// Errors as values: Result<T> holds either a T or an Error (message + optional
// code). Library code returns these instead of throwing; exceptions from third
// party libraries (libtorch, nlohmann_json, hnswlib, sqlite) are caught at the
// boundary of the module that calls them and converted with context.
// Thread-safety: plain value types; no shared state.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace cs {

struct Error {
  std::string message;
  int code = 0;  // optional machine-readable code; 0 when unused

  // Prefixes context, e.g. err.withContext("loading model") -> "loading model: <msg>".
  Error withContext(const std::string& context) const {
    return Error{context + ": " + message, code};
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}    // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<T>(state_); }
  const T& value() const& { assert(ok()); return std::get<T>(state_); }
  // By value: `for (auto& x : f().value())` must not iterate a destroyed temporary
  // (ASan found that in the tests when this returned T&&).
  T value() && { assert(ok()); return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT
  static Status success() { return Status(); }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(failed_); return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

inline Error makeError(std::string message, int code = 0) { return Error{std::move(message), code}; }

}  // namespace cs
