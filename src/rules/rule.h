// The rule model: what one detection rule says, in the terms of the gitleaks/Betterleaks TOML
// format that leakguard reads (see docs/rule-writing.md); rules from Nosey Parker / Kingfisher /
// Titus YAML files are mapped onto the same fields (yaml_loader.h, docs/rule-formats.md).
//
// A `RuleSet` is plain data: loading (loader.h) fills it, the matcher (match/) compiles it. It is
// immutable once loaded and may be shared by any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace leakguard::rules {

// A regex compiled by the loader while validating it, kept so it is not compiled twice.
using CompiledRegex = std::shared_ptr<const re2::RE2>;

// What an allowlist's `regexes` are matched against.
enum class RegexTarget { kSecret, kMatch, kLine };
// How an allowlist's criteria combine: OR = any criterion allows; AND = all given criteria must.
enum class Condition { kOr, kAnd };

struct Allowlist {
  std::string description;
  Condition condition = Condition::kOr;
  RegexTarget regex_target = RegexTarget::kSecret;
  std::vector<std::string> regexes;       // RE2 syntax
  std::vector<std::string> paths;         // RE2 syntax, matched against the file path
  std::vector<std::string> stopwords;     // case-insensitive substrings of the secret
  std::vector<std::string> commits;       // commit ids (full or abbreviated)
  std::vector<std::string> target_rules;  // global allowlists only: empty = every rule
  std::vector<CompiledRegex> compiled_regexes, compiled_paths;  // parallel to regexes/paths

  bool HasContentCriteria() const { return !regexes.empty() || !stopwords.empty(); }
  bool HasLocationCriteria() const { return !paths.empty() || !commits.empty(); }
  bool Empty() const { return !HasContentCriteria() && !HasLocationCriteria(); }
};

// The file name of the embedded default rules.
inline constexpr std::string_view kBuiltInFile = "<built-in>";

// Where something was defined, for error messages.
struct SourcePos {
  std::string file;  // kBuiltInFile for the embedded default rules
  int line = 0;
};

// An example carried by the rule file itself: YAML `examples` / `negative_examples` (Nosey
// Parker, Kingfisher, Titus) or the same two fields in a TOML rule (a leakguard extension).
// `leakguard rules check` runs them.
struct RuleExample {
  std::string text;
  bool positive = true;  // false: must yield no finding of the rule
  int line = 0;          // line of the example in pos.file
};

struct Rule {
  std::string id;
  std::string description;
  std::string regex;                  // RE2 syntax; empty for a path-only rule
  std::string path;                   // RE2 syntax; empty = any path
  int secret_group = 0;               // 0 = first non-empty capture group, else the whole match
  double entropy = 0;                 // minimum Shannon entropy of the secret; 0 = no check
  std::vector<std::string> keywords;  // lower-cased; empty = no keyword requirement
  std::vector<std::string> tags;
  std::vector<Allowlist> allowlists;
  // leakguard extensions (gitleaks ignores them): an offline check of the token's checksum or
  // structure (match/validate.h names them), and the confidence of a finding of this rule when
  // no check raised it ("low", "medium", "high"; empty = low for rules tagged `generic`, else
  // medium).
  std::string validator;
  std::string confidence;
  SourcePos pos;
  std::vector<RuleExample> examples;            // may be empty
  CompiledRegex compiled_regex, compiled_path;  // set by the loader; may be null

  bool PathOnly() const { return regex.empty(); }
  bool HasTag(std::string_view tag) const {
    for (const auto& t : tags)
      if (t == tag) return true;
    return false;
  }
};

struct RuleSet {
  std::vector<Rule> rules;
  std::vector<Allowlist> allowlists;  // global
  std::string title;
  std::vector<std::string> sources;  // files the set was loaded from, in order

  const Rule* Find(std::string_view id) const {
    for (const auto& r : rules)
      if (r.id == id) return &r;
    return nullptr;
  }
};

}  // namespace leakguard::rules
