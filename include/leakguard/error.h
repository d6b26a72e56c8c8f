// leakguard::Error: what the library's fallible functions return instead of throwing.
//
// Functions that can fail return `std::expected<T, leakguard::Error>`. The message is meant for a
// person ("rules.toml:12: rule 'acme': invalid regex: missing )", "environment variable
// 'API_TOKEN' is not set") and never contains secret material: it names files, lines, rule ids
// and variable names, never values.
//
// Thread-safety: a plain value.
#pragma once

#include <string>

namespace leakguard {

enum class ErrorCode {
  kInvalidArgument,  // a bad argument (an empty variable name, a malformed option)
  kNotFound,         // a missing file or environment variable
  kIoError,          // a file could not be read
  kParseError,       // a rules file is not valid TOML or a rule is invalid
  kInternal,         // a broken invariant inside the library
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

}  // namespace leakguard
