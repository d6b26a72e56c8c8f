// Git hooks that run leakguard: `leakguard hook install`.
//
// The pre-commit hook scans what the commit adds (`leakguard git --staged`); the pre-push hook
// scans the commits about to be pushed (`leakguard git --pre-push`, fed git's hook input). Hooks
// go to the repository's hooks directory, honouring core.hooksPath. An existing hook that
// leakguard did not write is never replaced silently: without `force` the install fails naming
// it; with `force` it is kept beside the new one as `<hook>.leakguard-backup`. A hook leakguard
// wrote earlier is rewritten in place (idempotent).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace leakguard::scan {

enum class HookKind { kPreCommit, kPrePush };

struct HookInstallOptions {
  std::vector<HookKind> hooks;
  bool force = false;
  std::string leakguard_path;  // absolute path written into the hook; PATH lookup as fallback
};

struct HookInstallResult {
  std::string path;      // the hook file written
  std::string backup;    // where an existing foreign hook was moved (force), or empty
  bool updated = false;  // a leakguard hook was there already and was rewritten
};

// The script text of a hook.
std::string HookScript(HookKind kind, const std::string& leakguard_path);
const char* HookName(HookKind kind);
// Whether `content` is a hook leakguard wrote.
bool IsLeakguardHook(const std::string& content);

// Installs into `hooks_dir` (created if missing). Fails before writing anything if a foreign
// hook is in the way and `force` is false.
Result<std::vector<HookInstallResult>> InstallHooks(const std::string& hooks_dir,
                                                    const HookInstallOptions& options);

}  // namespace leakguard::scan
