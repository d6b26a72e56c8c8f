// RulesDatabase: a RuleSet compiled for scanning — one Vectorscan database holding every rule's
// regex (exactly, or in prefilter mode when Vectorscan cannot take it exactly) and every keyword
// as a caseless literal, plus one RE2 per rule that confirms candidates and extracts the secret.
//
// No rule is ever dropped: a regex Vectorscan rejects even as a prefilter runs under RE2 on every
// blob that contains one of its keywords, or on every blob when it has none (a warning says so).
//
// Build once, then share read-only (`std::shared_ptr<const RulesDatabase>`) between threads; each
// thread scans through its own `Matcher` (matcher.h).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "match/validate.h"
#include "rules/rule.h"

namespace re2 {
class RE2;
}

namespace leakguard::match {

// How a rule is prefiltered.
enum class PrefilterMode {
  kExact,      // Vectorscan reports the regex's exact end offsets
  kPrefilter,  // Vectorscan reports a superset (HS_FLAG_PREFILTER)
  kKeywords,   // no Vectorscan pattern: RE2 over the whole blob when a keyword is present
  kAlways,     // no pattern and no keywords: RE2 over every blob
  kPathOnly,   // no regex: the rule matches file paths only
};

std::string_view PrefilterModeName(PrefilterMode m);

struct CompiledAllowlist {
  const rules::Allowlist* src = nullptr;
  std::vector<size_t> target_rules;  // global allowlists: rule indexes (empty = all)
  bool location_dependent = false;   // has paths or commits: decided per location

  // The allowlist's regexes (and paths): one combined alternation when there are several.
  // Those of the built-in rules are compiled on first use (most never run in a given scan, and
  // compiling them all took a sixth of the start-up time); thread-safe.
  const std::vector<std::shared_ptr<const re2::RE2>>& Regexes() const {
    EnsureCompiled();
    return regexes_;
  }
  const std::vector<std::shared_ptr<const re2::RE2>>& Paths() const {
    EnsureCompiled();
    return paths_;
  }
  void EnsureCompiled() const;

  mutable std::vector<std::shared_ptr<const re2::RE2>> regexes_, paths_;
  bool deferred_ = false;  // regexes_ and paths_ are still to be compiled
  std::unique_ptr<std::once_flag> once_ = std::make_unique<std::once_flag>();
};

struct CompiledRule {
  const rules::Rule* rule = nullptr;
  std::shared_ptr<const re2::RE2> path;  // null when the rule applies to every path
  std::vector<CompiledAllowlist> allowlists;
  std::vector<uint32_t> keyword_ids;  // indexes into RulesDatabase::keywords()
  PrefilterMode mode = PrefilterMode::kAlways;
  ValidatorId validator = ValidatorId::kNone;   // the rule's offline check (validate.h)
  Confidence confidence = Confidence::kMedium;  // of its findings when no check raises it
  bool line_bounded = false;  // a match lies on one line but for its edges (see regex_info.h)
  bool generic = false;       // tagged `generic`: the value-shape filters apply (value_shape.h)

  // The rule's RE2 and what is derived from it are built on first use: the built-in rules number
  // in the hundreds and most never fire in a given scan, so compiling them all up front would
  // dominate the start-up time. Thread-safe. Not for path-only rules.
  const re2::RE2& Regex() const {
    EnsureCompiled();
    return *re_;
  }
  int num_groups() const {
    EnsureCompiled();
    return num_groups_;
  }
  // Longest possible match in bytes; SIZE_MAX when unbounded.
  size_t max_width() const {
    EnsureCompiled();
    return max_width_;
  }
  void EnsureCompiled() const;

  mutable std::shared_ptr<const re2::RE2> re_;  // preset when the loader compiled it already
  mutable int num_groups_ = 0;
  // Preset (width_known_) when the database came from the cache, which records every rule's
  // width: Vectorscan's analysis of a pattern costs more than RE2 compiling it.
  mutable size_t max_width_ = 0;
  bool width_known_ = false;
  std::unique_ptr<std::once_flag> once_ = std::make_unique<std::once_flag>();
};

struct BuildOptions {
  // For tests: compile nothing into Vectorscan, so every rule takes the keyword/always path.
  bool disable_vectorscan = false;
};

class RulesDatabase {
 public:
  ~RulesDatabase();
  RulesDatabase(const RulesDatabase&) = delete;
  RulesDatabase& operator=(const RulesDatabase&) = delete;

  // Compiles `set`. Fails (tier 2) only when a regex does not compile in RE2, which the loader
  // has already checked for loaded files. `warnings` receives notes on rules that cannot be
  // prefiltered.
  static Result<std::shared_ptr<const RulesDatabase>> Build(rules::RuleSet set,
                                                            std::vector<std::string>* warnings,
                                                            BuildOptions options = {});

  const rules::RuleSet& rule_set() const { return set_; }
  const std::vector<CompiledRule>& rules() const { return rules_; }
  const std::vector<CompiledAllowlist>& global_allowlists() const { return global_; }
  const std::vector<std::string>& keywords() const { return keywords_; }
  // Rules that must run on every blob (kAlways) and on keyword presence (kKeywords).
  const std::vector<uint32_t>& always_rules() const { return always_; }
  const std::vector<uint32_t>& keyword_rules() const { return keyword_only_; }
  const std::vector<uint32_t>& path_rules() const { return path_only_; }

  // Opaque Vectorscan handles (hs_database_t*), null when nothing was compiled.
  void* hs_database() const { return hs_db_; }
  uint32_t hs_rule_count() const { return static_cast<uint32_t>(rules_.size()); }

 private:
  RulesDatabase() = default;

  rules::RuleSet set_;
  std::vector<CompiledRule> rules_;
  std::vector<CompiledAllowlist> global_;
  std::vector<std::string> keywords_;
  std::vector<uint32_t> always_, keyword_only_, path_only_;
  void* hs_db_ = nullptr;
  // When the database was loaded from the cache: the memory it lives in (mapped by Build, see
  // DeserializeMapped), else null and hs_db_ is Vectorscan's own allocation.
  void* hs_mem_ = nullptr;
  size_t hs_mem_size_ = 0;
};

}  // namespace leakguard::match
