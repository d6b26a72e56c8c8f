// leakguard::Scanner: find the secrets in a buffer, or mask them, with leakguard's rules.
//
//   auto scanner = leakguard::Scanner::Create();                // the built-in rules
//   if (!scanner) { std::cerr << scanner.error().message << "\n"; return 2; }
//   for (const leakguard::Finding& f : scanner->Scan(text, "config/app.yaml"))
//     fmt::print("{}:{}:{} {} {}\n", "config/app.yaml", f.line, f.column, f.rule_id, f.secret);
//     // prints the secret as ********** — f.secret.Reveal() gives it, e.g. to revoke it
//   std::string safe = scanner->Redact(text);
//
// Rules: the built-in set, or a gitleaks / Betterleaks TOML configuration (a file or text), with
// the same semantics as `leakguard scan --config`: a config without `[extend]` replaces the
// built-in rules, `[extend] useDefault = true` adds to them; allowlists, entropy thresholds,
// keywords and rule paths apply. Scan reports what `leakguard scan` reports for the same bytes at
// the same path (inline `leakguard:allow` markers included); rules that match file names only,
// with no regex, do not apply to a buffer.
//
// Compiling the rules takes a few seconds the first time on a machine, milliseconds afterwards
// (the compiled form is cached under $XDG_CACHE_HOME/leakguard, or LEAKGUARD_CACHE_DIR; set
// LEAKGUARD_NO_CACHE=1 to disable): create a Scanner once and keep it.
//
// Thread-safety: a Scanner is immutable once created; Scan and Redact may be called from any
// number of threads at once. Copies share the compiled rules (copying is cheap).
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leakguard/error.h"
#include "leakguard/redact.h"
#include "leakguard/secret.h"

namespace leakguard {

// A secret found in a buffer.
struct Finding {
  std::string rule_id;      // e.g. "github-pat"
  std::string description;  // the rule's description
  std::vector<std::string> tags;
  // Where the secret is: 1-based lines and columns (columns count UTF-8 characters; end_column is
  // the column of its last character), and byte offsets [offset, end_offset) in the buffer.
  std::size_t line = 0, column = 0, end_line = 0, end_column = 0;
  std::size_t offset = 0, end_offset = 0;
  Secret secret;       // the secret itself: prints as **********, Reveal() gives it
  std::string masked;  // how reports show it: at most its first 4 characters, then ****
  double entropy = 0;  // Shannon entropy of the secret, bits per byte
  // "high" (checksum or structure verified offline), "medium" (a specific format) or "low"
  // (generic and entropy rules); `validation`: what the offline check found, if the rule has one.
  std::string confidence;
  std::string validation;
  std::string secret_id;    // hash of rule and secret: the same secret anywhere
  std::string fingerprint;  // hash of rule, secret and path: what .leakguardignore lists
  // Found inside encoded text (base64, hex, percent-encoding, string escapes; two levels deep, as
  // `leakguard scan` decodes by default): the encodings undone, outermost first, e.g. {"base64"}.
  // The location is then the encoded text's. Empty for a secret written as is.
  std::vector<std::string> decoded;
};

class Scanner {
 public:
  // The built-in rules.
  static std::expected<Scanner, Error> Create();
  // Rules from a gitleaks / Betterleaks TOML file. Errors: kNotFound / kIoError when it cannot be
  // read, kParseError for invalid TOML or an invalid rule (the message names file, line, rule).
  static std::expected<Scanner, Error> FromConfigFile(const std::string& path);
  // Rules from TOML text; `name` stands for the file in error messages.
  static std::expected<Scanner, Error> FromConfigText(std::string_view toml,
                                                      std::string_view name = "<config>");

  // The secrets in `data`, in order. `path` is where the data comes from, for rules and
  // allowlists that look at paths and for fingerprints; empty for data from nowhere in particular.
  std::vector<Finding> Scan(std::string_view data, std::string_view path = {}) const;

  // `text` with every secret masked (see leakguard/redact.h). Unlike Scan, an inline
  // `leakguard:allow` marker does not unmask a secret: text being redacted is usually a log,
  // whose content whoever writes to the log controls.
  std::string Redact(std::string_view text, const RedactOptions& options = {},
                     std::string_view path = {}) const;

  std::size_t rule_count() const;
  // Notes from loading the configuration (unsupported fields, rules Vectorscan cannot take).
  const std::vector<std::string>& warnings() const;

  struct Impl;

 private:
  explicit Scanner(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace leakguard
