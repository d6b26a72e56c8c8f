// Ignore files: findings the team has reviewed and accepted.
//
// `.leakguardignore` (at the scan root, or --ignore-file): one entry per line, `#` comments.
// An entry is a finding's `fingerprint` (that secret at that path), its `secret_id` (that secret
// anywhere), or gitleaks' form `path:rule-id:line` / `commit:path:rule-id:line`.
// `.gitleaksignore` holds gitleaks' form and is read the same way, so a team switching keeps it.
// Thread-safety: immutable after loading; `Suppresses` may be called from any thread.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "findings/finding.h"

namespace leakguard::findings {

class IgnoreList {
 public:
  // Adds the entries of `path`. A missing file is not an error when `optional`.
  Status AddFile(const std::string& path, bool optional);
  // Adds the entries in `text` (for tests); `origin` names it in messages.
  void AddText(std::string_view text, std::string_view origin);

  bool Suppresses(const Finding& f) const;
  size_t size() const { return ids_.size() + gitleaks_.size(); }

 private:
  std::unordered_set<std::string> ids_;       // fingerprints and secret ids
  std::unordered_set<std::string> gitleaks_;  // "commit:path:rule:line" / "path:rule:line"
};

}  // namespace leakguard::findings
