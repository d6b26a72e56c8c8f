// Loading the YAML rule files of Nosey Parker, Kingfisher 1.x and Titus, and the rule files the
// user names with `--rules` (see docs/rule-formats.md for the field mapping).
//
// A file is a map with a `rules` list; each rule a map with `name`, `id`, `pattern` and optional
// `examples`, `negative_examples`, `categories`, `min_entropy`, `references`, `description`,
// `confidence`, `validation`, ... Mapping: id as it is (`np.github.1`), description = name,
// regex = pattern converted to RE2 (pattern_convert.h), secret = the first non-empty capture group
// (their convention) else the whole match, entropy = min_entropy, tags = categories, keywords
// derived from the pattern (the prefilter wants a literal per rule), examples kept for
// `leakguard rules check`.
//
// Errors (tier 2) name file, line and rule id: invalid YAML, a missing or mistyped field, a
// pattern RE2 cannot take, a duplicate id. Kingfisher's `pattern_requirements` (min_digits, ...,
// ignore_if_contains) become an allowlist of the rule. Unknown fields are warnings (file:line), as
// are known fields leakguard does not act on and that would change what is reported (`visible`,
// `depends_on_rule`, `pattern_requirements.checksum`: one warning per file and field).
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rules/rule.h"

namespace leakguard::rules {

// Parses `text` (YAML) as if read from `file_name`.
Result<RuleSet> LoadYamlRulesText(std::string_view text, std::string_view file_name,
                                  std::vector<std::string>* warnings);

// Reads and parses a YAML rule file.
Result<RuleSet> LoadYamlRulesFile(const std::string& path, std::vector<std::string>* warnings);

// Whether `path` names a YAML file (*.yml, *.yaml).
bool IsYamlRuleFile(std::string_view path);

// A rule file of either format, by its name: *.yml/*.yaml as YAML, anything else as a
// gitleaks/Betterleaks TOML config (with its `[extend]`).
Result<RuleSet> LoadRuleFile(const std::string& path, std::vector<std::string>* warnings);

// The files named by `--rules`: a file as it is, a directory searched recursively for *.yml and
// *.yaml (in sorted order). A file named twice is loaded once. Error: a path that does not exist,
// a directory holding no such file.
Result<std::vector<std::string>> ExpandRulePaths(const std::vector<std::string>& paths);

// Adds `more`'s rules and global allowlists to `set`. Error: an id `set` already has (the message
// names both definitions), unless it is the same definition (same file and line), kept once.
Status AddRules(RuleSet* set, RuleSet more);

}  // namespace leakguard::rules
