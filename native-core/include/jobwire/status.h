// Status and Result<T>: how every part of the core reports failure.
// Codes come from one list; each has a stable name that crosses to JS and HTTP as-is.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace jobwire {

// X(enumerator, wire name, HTTP status)
#define JOBWIRE_STATUS_CODES(X)                      \
  X(ok, "ok", 200)                                   \
  X(invalid_argument, "invalid_argument", 400)       \
  X(unauthorized, "unauthorized", 401)               \
  X(forbidden, "forbidden", 403)                     \
  X(not_found, "not_found", 404)                     \
  X(timeout, "timeout", 408)                         \
  X(invalid_transition, "invalid_transition", 409)   \
  X(conflict, "conflict", 409)                       \
  X(reset, "reset", 410)                             \
  X(too_large, "too_large", 413)                     \
  X(too_many_requests, "too_many_requests", 429)     \
  X(headers_too_large, "headers_too_large", 431)     \
  X(closed, "closed", 503)                           \
  X(unavailable, "unavailable", 503)                 \
  X(io_error, "io_error", 500)                       \
  X(internal, "internal", 500)

enum class Code {
#define JOBWIRE_ENUM(name, wire, http) name,
  JOBWIRE_STATUS_CODES(JOBWIRE_ENUM)
#undef JOBWIRE_ENUM
};

// The wire name of a code: "invalid_transition", "not_found", …
const char* code_name(Code code) noexcept;
// The HTTP status an error of this code is answered with.
int code_http_status(Code code) noexcept;

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const noexcept { return code_ == Code::ok; }
  Code code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

 private:
  Code code_ = Code::ok;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return status_.ok(); }
  const Status& status() const noexcept { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace jobwire
