#include "scan/config.h"

#include <fmt/core.h>
#include <sys/stat.h>

#include "base/log.h"
#include "rules/loader.h"
#include "rules/yaml_loader.h"

namespace leakguard::scan {
namespace {
bool IsFile(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

Result<LoadedRules> LoadRules(const ConfigChoice& choice) {
  std::vector<std::string> warnings;
  if (choice.rules_only && choice.rule_files.empty())
    return Err(InvalidArgument("--rules-only needs --rules PATH"));
  if (choice.rules_only && !choice.explicit_path.empty())
    return Err(InvalidArgument("--rules-only and --config cannot be used together"));
  Result<rules::RuleSet> set = rules::RuleSet{};
  std::string origin;
  std::string path = choice.explicit_path;
  if (path.empty() && !choice.rules_only && choice.auto_discover && !choice.roots.empty() &&
      IsDir(choice.roots[0])) {
    for (const char* name : {"/.leakguard.toml", "/.gitleaks.toml"}) {
      std::string candidate = choice.roots[0] + name;
      if (IsFile(candidate)) {
        path = candidate;
        Note("using rules from {}", PrintablePath(path));
        break;
      }
    }
  }
  if (!path.empty()) {
    set = rules::LoadConfigFile(path, &warnings);
    if (!set) return Err(set.error());
    origin = path;
  } else if (!choice.rules_only) {
    // Only when no file replaces them: parsing and copying the built-in rules costs start-up.
    set = rules::DefaultRules();
    origin = std::string(rules::kBuiltInFile);
  }
  if (!choice.rule_files.empty()) {
    auto files = rules::ExpandRulePaths(choice.rule_files);
    if (!files) return Err(files.error());
    for (const auto& file : *files) {
      auto more = rules::LoadRuleFile(file, &warnings);
      if (!more) return Err(more.error());
      if (Status s = rules::AddRules(&*set, std::move(*more)); !s.ok()) return Err(s);
    }
    origin += fmt::format("{}{} rule file{} (--rules)", origin.empty() ? "" : " + ", files->size(),
                          files->size() == 1 ? "" : "s");
  }
  for (const auto& w : warnings) Warn("{}", w);
  warnings.clear();
  match::BuildOptions bo;
  bo.disable_vectorscan = choice.disable_vectorscan;
  auto db = match::RulesDatabase::Build(std::move(*set), &warnings, bo);
  if (!db) return Err(db.error());
  for (const auto& w : warnings) Warn("{}", w);
  return LoadedRules{std::move(*db), origin};
}

}  // namespace leakguard::scan
