// DefaultRules(): the built-in rules, decoded from the tables the build generated from
// rules/default.toml (see rules_table.h). Not part of leakguard_rules_core, so that the generator
// (rules_gen.cc) can be built from the core before the tables exist.
#include "rules/loader.h"
#include "rules/rules_table.h"

namespace leakguard::rules {

const RuleSet& DefaultRules() {
  static const RuleSet* set = new RuleSet(DecodeRulesTable(BuiltInRulesTable()));
  return *set;
}

}  // namespace leakguard::rules
