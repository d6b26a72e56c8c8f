// Loading rules: gitleaks/Betterleaks TOML configuration files as they are, and leakguard's
// built-in default rule set (rules/default.toml, embedded in the binary at build time).
//
// Semantics follow the gitleaks format: a config without `[extend]` replaces the defaults;
// `[extend] useDefault = true` adds the built-in rules, `[extend] path = "x.toml"` adds another
// file's rules (relative paths are resolved against the extending file), `disabledRules` removes
// rules by id. Rules defined in the extending file override same-id rules it extends.
//
// Errors (tier 2): invalid TOML, a missing/invalid field, an invalid regex, a `secretGroup` beyond
// the regex's groups, an extend cycle — a Status whose message names file, line and rule id.
// Unsupported but known fields are reported through `warnings`, not errors.
// Thread-safety: stateless functions.
#pragma once

#include <re2/re2.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rules/rule.h"

namespace leakguard::rules {

// The options every rule and allowlist regex is compiled with (byte semantics; see loader.cc).
RE2::Options RegexOptions();

struct LoadOptions {
  // Built-in rules are always available for `[extend] useDefault`.
  int max_extend_depth = 8;
};

// Parses `text` (TOML) as if read from `file_name`. `base_dir` resolves `[extend] path`.
// `compile_regexes` = false skips compiling the rule regexes to validate them; only for the
// built-in rules, which the test suite compiles and checks (the matcher compiles them on use).
Result<RuleSet> LoadConfigText(std::string_view text, std::string_view file_name,
                               std::vector<std::string>* warnings, int depth = 0,
                               bool compile_regexes = true);

// Reads and parses a config file.
Result<RuleSet> LoadConfigFile(const std::string& path, std::vector<std::string>* warnings,
                               int depth = 0);

// The built-in rules (rules/default.toml as embedded). Decoded once from the tables the build
// made of rules/default.toml (rules_table.h: no TOML is parsed at run time), then cached.
const RuleSet& DefaultRules();

// Parses the embedded rules/default.toml as DefaultRules() holds it (regexes not compiled); an
// error also when the loader warns. For the build-time generator of the tables and for tests.
Result<RuleSet> LoadDefaultRulesToml();

// The embedded rules/default.toml text.
std::string_view DefaultRulesToml();

}  // namespace leakguard::rules
