// Rule configs shared by the rules module's tests.
#pragma once

#include <string_view>

namespace leakguard::rules {

// One rule using every gitleaks rule field, and an allowlist using every allowlist field
// (loader_test.cc checks each; rules_table_test.cc round-trips it). The rule starts on line 3.
inline constexpr std::string_view kEveryGitleaksRuleField = R"(
title = "custom"
[[rules]]
id = "acme-token"
description = "Acme token"
regex = '''(?i)acme[_-]?token\s*=\s*['"]?(acme_[a-z0-9]{16})'''
secretGroup = 1
entropy = 3.5
keywords = ["ACME_", "acme-token"]
path = '''\.env$'''
tags = ["acme", "saas"]
  [[rules.allowlists]]
  description = "fixtures"
  condition = "AND"
  regexTarget = "line"
  regexes = ['''fixture''']
  paths = ['''^test/''']
  stopwords = ["Dummy"]
  commits = ["abc123"]
)";

}  // namespace leakguard::rules
