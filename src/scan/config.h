// Choosing the rules for a run: --config, else `.leakguard.toml` (or `.gitleaks.toml`) at the
// first scanned directory, else the built-in rules. Then compiled into a RulesDatabase.
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
  bool disable_vectorscan = false;  // --engine=re2
};

struct LoadedRules {
  std::shared_ptr<const match::RulesDatabase> db;
  std::string origin;  // "<built-in>" or the config path
};

Result<LoadedRules> LoadRules(const ConfigChoice& choice);

}  // namespace leakguard::scan
