// A RuleSet as flat tables of strings, integers and numbers, so that the built-in rules are
// compiled into the binary already parsed: decoding the tables takes a fraction of a millisecond
// where parsing rules/default.toml took about 6 ms of every start-up.
//
// At build time `leakguard_rules_gen` (rules_gen.cc) loads rules/default.toml with the loader, as
// DefaultRules() once did, and writes the tables as C++ source (WriteRulesTableSource); at run
// time DefaultRules() decodes them (DecodeRulesTable). Encoder and decoder walk the fields in one
// function, so they cannot disagree; a test checks that the decoded set equals the loaded one.
// Compiled regexes are not part of a table (they are compiled on use, as for every built-in rule).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace leakguard::rules {

struct RulesTable {
  std::span<const std::string_view> strings;  // each distinct string once
  std::span<const uint32_t> words;            // counts, integers and indexes into the others
  std::span<const double> numbers;
};

// A RulesTable's contents, owned: what the encoder produces.
struct EncodedRules {
  std::vector<std::string> strings;
  std::vector<uint32_t> words;
  std::vector<double> numbers;
  bool operator==(const EncodedRules&) const = default;
};

EncodedRules EncodeRules(const RuleSet& set);

// The inverse of EncodeRules. The table must come from EncodeRules (it is not validated).
RuleSet DecodeRulesTable(const RulesTable& table);

// C++ source defining `RulesTable FUNCTION()` in namespace leakguard::rules that returns the
// tables of `set`.
std::string WriteRulesTableSource(const RuleSet& set, std::string_view function,
                                  std::string_view origin);

}  // namespace leakguard::rules

namespace leakguard::rules {

// The tables of rules/default.toml, generated at build time (builtin_rules_table.cc).
RulesTable BuiltInRulesTable();

}  // namespace leakguard::rules
