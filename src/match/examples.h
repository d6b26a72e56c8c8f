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
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "match/rules_database.h"

namespace leakguard::match {

struct ExampleFailure {
  std::string rule_id;
  std::string file;  // the examples file
  int line = 0;      // line of the example in that file
  std::string what;  // what went wrong (may quote the example text: it is test data)
};

struct ExampleReport {
  size_t rules_tested = 0;
  size_t positives = 0, negatives = 0;
  std::vector<std::string> rules_without_examples;
  std::vector<ExampleFailure> failures;
  std::map<std::string, std::pair<size_t, size_t>> per_rule;  // id -> (positives, negatives)
};

// Runs the examples in `dir`/<id>.toml for every rule of `db`. Tier-2 errors: unreadable or
// invalid example files.
Result<ExampleReport> RunRuleExamples(const RulesDatabase& db, const std::string& dir);

}  // namespace leakguard::match
