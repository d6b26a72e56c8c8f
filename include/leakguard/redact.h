// leakguard::Redact: text in, the same text out with every detected secret masked.
//
//   std::string line = leakguard::Redact(request_dump);   // "... token=[REDACTED:github-pat] ..."
//   logger.info("{}", line);
//
// Uses leakguard's built-in rules (the same as `leakguard scan` with no config). For your own
// rules, or a mask of your choosing, build a leakguard::Scanner once and call Scanner::Redact.
//
// Every byte outside a secret comes out as it went in (line endings, invalid UTF-8, NUL bytes).
// A secret is replaced by `[REDACTED:<rule-id>]` by default; a secret spanning lines (a PEM
// private key) is masked line by line, so the text keeps its number of lines.
//
// The first call compiles the rules (a few seconds the very first time on a machine; the
// compiled form is then cached under $XDG_CACHE_HOME/leakguard, or LEAKGUARD_CACHE_DIR) and
// later calls reuse them. If the built-in rules cannot be set up at all (a broken invariant of
// the library), Redact fails closed: it returns "[REDACTED:leakguard-unavailable]" for any
// non-empty input rather than the input.
//
// Thread-safety: Redact may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace leakguard {

struct RedactOptions {
  // The replacement for each secret; "{rule}" stands for the rule id. Empty: the default,
  // "[REDACTED:{rule}]".
  std::string mask;
  // Characters at the start of each secret left visible (a hint such as "ghp_"), never more than
  // a quarter of the secret. 0: none.
  std::size_t keep = 0;
};

// `text` with every secret found by the built-in rules masked.
std::string Redact(std::string_view text, const RedactOptions& options = {});

}  // namespace leakguard
