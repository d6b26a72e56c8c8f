// Rule examples: the positive and negative cases in rules/tests/<rule-id>.toml, run against a
// compiled rule set. Used by `leakguard rules test` and by the rule_examples test.
//
// File format:
//   [[positive]]
//   text = '''...'''     # must yield a finding of the rule
//   secret = '''...'''   # optional: the exact secret it must extract
//   path = "x/.npmrc"    # optional: the path the text is found at (for rules with `path`)
//   [[negative]]
//   text = '''...'''     # must yield no finding of the rule
// Each example is also checked for agreement between Matcher::Scan and Matcher::ScanSimple.
//
// With ExampleOptions::inline_examples, the examples a rule file carries itself (rules::Rule::
// examples: YAML `examples` / `negative_examples`, or the same TOML fields) run too; a positive
// must then also yield a non-empty capture group when the regex has groups. `leakguard rules
// check` uses this.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "match/rules_database.h"

namespace leakguard::match {

enum class ExampleProblem {
  kMalformed,         // an example without text
  kEnginesDisagree,   // Matcher::Scan and Matcher::ScanSimple differ
  kNotFound,          // a positive yields no finding of the rule
  kWrongSecret,       // a positive yields another secret than the one it names
  kEmptySecret,       // a positive's match has capture groups, none of them non-empty
  kNegativeReported,  // a negative yields a finding of the rule
};

struct ExampleFailure {
  std::string rule_id;
  std::string file;  // the examples file (the rule file itself for inline examples)
  int line = 0;      // line of the example in that file
  std::string what;  // what went wrong (may quote the example text: it is test data)
  ExampleProblem problem = ExampleProblem::kMalformed;
  std::string example;               // the example's text
  std::vector<std::string> secrets;  // what the rule extracted from it, if anything
};

struct ExampleReport {
  size_t rules_tested = 0;
  size_t positives = 0, negatives = 0;
  std::vector<std::string> rules_without_examples;
  std::vector<ExampleFailure> failures;
  std::map<std::string, std::pair<size_t, size_t>> per_rule;  // id -> (positives, negatives)
};

struct ExampleOptions {
  bool inline_examples = false;  // also run rules::Rule::examples
  // Which rules to test; null = all. Rules not selected are neither tested nor listed.
  std::function<bool(const rules::Rule&)> select;
};

// Runs the examples in `dir`/<id>.toml (none when `dir` is empty) for every rule of `db`.
// Tier-2 errors: unreadable or invalid example files.
Result<ExampleReport> RunRuleExamples(const RulesDatabase& db, const std::string& dir,
                                      const ExampleOptions& options = {});

}  // namespace leakguard::match
