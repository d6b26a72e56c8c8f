// Choosing the rules for a run: --config, else `.leakguard.toml` (or `.gitleaks.toml`) at the
// first scanned directory, else the built-in rules; then the rule files of `--rules` (Nosey
// Parker / Kingfisher / Titus YAML, or TOML) are added to that set — or, with `--rules-only`, make
// up the whole set. Then compiled into a RulesDatabase.
// Errors are tier 2 (the run cannot start): the message names file, line and rule.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "match/rules_database.h"

namespace leakguard::scan {

struct ConfigChoice {
  std::string explicit_path;       // --config
  std::vector<std::string> roots;  // scanned paths, for auto-discovery
  bool auto_discover = true;
  bool disable_vectorscan = false;      // --engine=re2
  std::vector<std::string> rule_files;  // --rules: files or directories, added to the set
  bool rules_only = false;              // --rules-only: only the rules of `rule_files`
};

struct LoadedRules {
  std::shared_ptr<const match::RulesDatabase> db;
  std::string origin;  // "<built-in>" or the config path, then "+ N rule files" with --rules
};

Result<LoadedRules> LoadRules(const ConfigChoice& choice);

}  // namespace leakguard::scan
