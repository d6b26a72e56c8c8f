// Reading typed fields of a TOML table with errors that name the file and line: shared by the
// rule loader (rules/loader.cc) and the sensitive-file kinds of the audit (audit/file_kinds.cc).
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace leakguard::rules {

// "FILE:LINE" of a node, for messages.
std::string TomlWhere(std::string_view file, const toml::node& n);

// t[key] into *out when present; an error when it is not a string.
Status ReadTomlString(std::string_view file, const toml::table& t, std::string_view key,
                      std::string* out, std::string_view what);

// t[key] appended to *out when present: an array of strings (or, with `single_ok`, one string
// as well); an error naming the offending node otherwise.
Status ReadTomlStrings(std::string_view file, const toml::table& t, std::string_view key,
                       std::vector<std::string>* out, std::string_view what,
                       bool single_ok = false);

}  // namespace leakguard::rules
