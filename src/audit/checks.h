// Internal to the audit module: the checks audit.cc runs, and helpers exposed for its tests.
// Not thread-safe (they use one GitRepo and one Classifier).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "audit/file_kinds.h"
#include "audit/git_repo.h"
#include "match/rules_database.h"
#include "redact/redact.h"

namespace leakguard::audit::internal {

// ---- git_config_check.cc ----

// Credentials in a URL: `scheme://user:password@host...` (or a token as the user name).
struct UrlCredentials {
  size_t userinfo_begin = 0, userinfo_end = 0;  // byte range of "user[:password]" in the text
  std::string user, password;
  bool has_password = false;
};
// Every URL in `text` that carries a user info part ("@" in its authority).
std::vector<UrlCredentials> FindUrlUserinfo(std::string_view text);

// Check 3 over every config entry; `db` (may be null) recognises tokens used as URL user names
// and in headers that do not say what they hold.
void CheckGitConfig(const GitRepo& repo, std::shared_ptr<const match::RulesDatabase> db,
                    const redact::MaskPolicy& mask, std::vector<Finding>* out);

// ---- hooks.cc ----

// Check 4: the pre-commit hook git would run, and whether it runs a secret scanner.
HookStatus InspectPreCommitHook(const GitRepo& repo);
// A finding for a hook that does not protect (none when `hook` is protected).
std::optional<Finding> HookFinding(const GitRepo& repo, const HookStatus& hook);
// The secret scanners named in `text` outside '#' comments, in a fixed order.
std::vector<std::string> ScannersNamedIn(std::string_view text);

// ---- history.cc ----

// A path of a sensitive kind in some commit, with the first commit where it was.
struct HistoryHit {
  std::string path;
  const FileKind* kind = nullptr;
  std::string reason;
  CommitInfo commit;
};
// Check 1 over the history of every ref: each path once, the first commit in which it is of a
// sensitive kind (by name, or by the content of that commit's version). Blobs over `max_size`
// or missing are counted in `*not_checked`.
Result<GitRepo::WalkStats> ScanHistory(const GitRepo& repo, Classifier* classifier,
                                       uint64_t max_size, std::vector<HistoryHit>* hits,
                                       uint64_t* not_checked);

// ---- shared (audit.cc) ----

// `s` quoted for a POSIX shell when it needs it ('it'\''s'); plain words stay as they are.
std::string ShellQuote(std::string_view s);
// `path` relative to the worktree root when it lies inside it, else as is.
std::string DisplayPath(const RepoLocation& loc, const std::string& path);

}  // namespace leakguard::audit::internal
