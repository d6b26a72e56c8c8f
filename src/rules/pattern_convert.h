// Turning the regexes of Nosey Parker / Kingfisher / Titus rule files into RE2 syntax, and deriving
// prefilter keywords from a regex.
//
// Those rules are written for Vectorscan (PCRE syntax) and Rust's regex crate, mostly in extended
// mode: `(?x)` makes whitespace insignificant and starts a comment at `#`. RE2 has no `x` flag, so
// `ConvertPattern` removes what extended mode ignores (outside character classes and escapes, as
// PCRE does; `\ ` and `\#` stay literal) wherever `x` is on — `(?x)`, `(?xi)`, `(?x: ...)`,
// `(?-x)` are tracked per group — and drops `x` and `u` (RE2 here matches bytes) from flag
// groups. `(?<name>` and `(?'name'` become `(?P<name>`, `(?#...)` comments go. Constructs RE2
// cannot run (look-around, back-references, atomic groups, recursion, conditionals, Rust class
// set operations, nested classes, `\<` `\>` `\b{...}`) are refused with their offset, never
// passed through with another meaning. The result is not compiled here: the caller does.
//
// `DeriveKeywords` computes literals of which every match contains at least one (compared
// case-insensitively), using RE2's own prefilter analysis; empty when there is no such set.
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace leakguard::rules {

// The RE2 form of `pattern`. Error: InvalidArgument naming the construct and its byte offset.
Result<std::string> ConvertPattern(std::string_view pattern);

// Lower-case literals (at least 3 bytes, ASCII) such that every match of `re2_pattern` (compiled
// with RegexOptions()) contains one of them; empty if none can be found or the pattern does not
// compile. At most `max_keywords`: a larger set is no use as a prefilter and is dropped.
std::vector<std::string> DeriveKeywords(std::string_view re2_pattern, size_t max_keywords = 32);

}  // namespace leakguard::rules
