// Status and Result: errors as values.
//
// A `Status` is either OK or carries an error code and a message meant for a person
// ("config.toml:12: rule 'x': invalid regex: missing )"). `Result<T>` is
// `std::expected<T, Status>`. Messages never contain secret material: callers that build a
// message from scanned content must redact it first.
//
// Thread-safety: plain values, no shared state.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace leakguard {

enum class StatusCode { kOk = 0, kInvalidArgument, kNotFound, kIoError, kParseError, kInternal };

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFound(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status IoError(std::string m) { return Status(StatusCode::kIoError, std::move(m)); }
inline Status ParseError(std::string m) { return Status(StatusCode::kParseError, std::move(m)); }
inline Status Internal(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }

template <typename T>
using Result = std::expected<T, Status>;

// Returns an unexpected<Status> usable as `return Err(IoError("..."));`.
inline std::unexpected<Status> Err(Status s) { return std::unexpected<Status>(std::move(s)); }

}  // namespace leakguard
