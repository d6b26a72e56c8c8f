// Rendering an audit report: text for people, JSON for scripts, SARIF 2.1.0 for code-scanning
// dashboards (GitHub reads `security-severity` from each rule).
//
// Everything printed from the repository (paths, config keys, commit messages) is escaped for the
// terminal in text output; JSON and SARIF replace invalid UTF-8 instead of failing. Findings hold
// no secrets (config values are masked before they get here), so nothing is masked again.
// Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "audit/audit.h"
#include "base/status.h"

namespace leakguard::audit {

enum class Format { kText, kJson, kSarif };
// "text", "json" or "sarif".
Result<Format> ParseFormat(std::string_view name);

struct RenderOptions {
  bool color = false;                 // text only
  std::string tool_version;           // json/sarif
  std::string fail_severity = "low";  // recorded in json
};

std::string Render(const Report& report, Format format, const RenderOptions& options);

// "leakguard audit: 3 problems (1 critical, 2 high) in 12 tracked and 2 untracked files".
std::string SummaryLine(const Report& report);

}  // namespace leakguard::audit
