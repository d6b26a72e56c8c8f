#include "scan/config.h"

#include <sys/stat.h>

#include "base/log.h"
#include "rules/loader.h"

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
  Result<rules::RuleSet> set = rules::DefaultRules();
  std::string origin = "<built-in>";
  std::string path = choice.explicit_path;
  if (path.empty() && choice.auto_discover && !choice.roots.empty() && IsDir(choice.roots[0])) {
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
