// Repository hygiene audit: what `git add .` would leak, and how to stop it.
//
// `Run` opens the git repository that holds a path and reports, each with a severity and a fix:
//   tracked      files in the index whose name or content marks them as secret material (the
//                kinds are rules/sensitive-files.toml plus a config's [[audit.files]]; content is
//                judged with the scanner's own rules and placeholder detection);
//   unprotected  untracked files of those kinds that no ignore rule covers (`git add .` would
//                commit them), each with the .gitignore line that would cover it;
//   history      (Options::history) such files anywhere in the history of every ref, even deleted,
//                each path once, with the commit that introduced it;
//   config       credentials in git config (repository, worktree, global, XDG, system): URLs with
//                user:token, credential.helper=store, http.extraHeader with a token,
//                sendemail.smtpPass;
//   hook         whether a secret-scanning pre-commit hook is installed (core.hooksPath honoured).
// `ApplyGitignoreFix` appends the proposed lines to the root .gitignore (--fix).
//
// Git configuration is read as git reads it, but from the `Environment` given (HOME,
// XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM), never from state
// cached by libgit2, so tests can point it at a temporary home. Nothing in the repository is
// executed. Findings never hold a secret: values from config are masked with Options::mask, and
// content findings name the rule and line, not the text.
//
// Errors: a path outside any repository, an unreadable repository or an invalid [audit] config is
// a Status (the run cannot start). A file that cannot be read or is over the size limit is counted
// in Summary::not_checked and named in a warning, never reported as clean.
// Thread-safety: Run and ApplyGitignoreFix change libgit2's process-wide search paths; call them
// from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit/file_kinds.h"
#include "base/status.h"
#include "match/rules_database.h"
#include "redact/redact.h"

namespace leakguard::audit {

// Where git looks for configuration, as git derives it from the process environment.
struct Environment {
  std::string home;                  // $HOME
  std::string xdg_config_home;       // $XDG_CONFIG_HOME ("" = $HOME/.config)
  std::string git_config_global;     // $GIT_CONFIG_GLOBAL ("" = $HOME/.gitconfig + XDG config)
  std::string git_config_system;     // $GIT_CONFIG_SYSTEM ("" = /etc/gitconfig)
  bool git_config_nosystem = false;  // $GIT_CONFIG_NOSYSTEM set to a true value
  std::string ceiling_directories;   // $GIT_CEILING_DIRECTORIES

  static Environment FromProcess();
  // The directory holding git's XDG files (config, ignore, credentials): $XDG_CONFIG_HOME/git.
  std::string XdgGitDir() const;
};

enum class Check : uint8_t { kTracked, kHistory, kUnprotected, kConfig, kHook };
std::string_view CheckName(Check c);
// "tracked", "unprotected", "config", "hook" (and "hooks"); history is chosen with --history.
Result<Check> ParseCheck(std::string_view name);

// The .gitignore line that would cover a file.
struct GitignoreProposal {
  std::string file = ".gitignore";  // relative to the worktree root
  std::string line;
  // False when a .gitignore negation re-includes the file on purpose: --fix does not override it.
  bool applicable = true;
  std::string blocked_by;  // "sub/.gitignore:3: !keep.pem" when not applicable
};

struct Finding {
  Check check = Check::kTracked;
  Severity severity = Severity::kLow;
  std::string kind;   // the file kind id, or the config/hook problem id
  std::string title;  // what it is, in words
  // Files: the path relative to the worktree root. Config: the config file. Hook: the hook path.
  std::string path;
  std::string reason;                 // why it is reported
  std::string fix;                    // what to do, in words
  std::vector<std::string> commands;  // shell commands that do (part of) the fix, quoted
  std::optional<GitignoreProposal> gitignore;
  bool ignored = false;  // tracked files: an ignore rule already covers it (git still tracks it)

  // Config findings.
  std::string config_key;    // e.g. "remote.origin.url"
  std::string config_scope;  // local, worktree, global, xdg, system
  std::string masked_value;  // the value with the credential masked

  // History: the commit that introduced the path (also set on tracked findings with --history).
  std::string commit, author, email, date, commit_summary;

  std::string fingerprint;  // stable id of (check, kind, path, key)
};

// Check 4: the pre-commit hook.
struct HookStatus {
  bool checked = false;
  std::string hooks_dir;               // as git resolves it
  bool hooks_path_configured = false;  // core.hooksPath
  std::string path;                    // the pre-commit hook
  bool exists = false;
  bool executable = false;
  std::vector<std::string> scanners;  // secret scanners the hook runs, e.g. "gitleaks"
  std::string via;                    // "" (the script itself), or the framework config read, e.g.
                                      // "pre-commit (.pre-commit-config.yaml)"
  bool Protected() const { return exists && executable && !scanners.empty(); }
};

struct Summary {
  uint64_t tracked_files = 0;
  uint64_t untracked_files = 0;    // untracked and not ignored
  uint64_t commits = 0;            // --history
  uint64_t allowed = 0;            // sensitive files accepted by [audit] allow / allowlist paths
  uint64_t not_checked = 0;        // content needed but unreadable or over the size limit
  std::vector<std::string> notes;  // why checks were skipped or limited
};

struct RepoLocation {
  std::string workdir;  // worktree root with a trailing '/', empty for a bare repository
  std::string gitdir;   // the repository's .git directory, trailing '/'
  bool bare = false;
};

// The repository holding `path` (the path itself or a parent, as git discovers it).
// NotFound when there is none.
Result<RepoLocation> FindRepository(const std::string& path, const Environment& env);

struct Options {
  std::string path = ".";  // any path inside the repository
  Environment env = Environment::FromProcess();
  // Rules for content checks (the run's rules: --config, .leakguard.toml or the built-in set).
  std::shared_ptr<const match::RulesDatabase> db;
  // The config file whose [audit] section extends the kinds; empty = built-in kinds only.
  std::string config_path;
  bool history = false;
  std::set<Check> skip;
  uint64_t max_file_size = 50ull << 20;
  redact::MaskPolicy mask;
};

struct FixResult {
  std::string file;                   // the .gitignore changed, relative to the worktree root
  std::vector<std::string> added;     // lines appended, in order
  bool created = false;               // the file did not exist
  std::vector<std::string> warnings;  // tracked files the new lines cover, re-included files
};

struct Report {
  RepoLocation repo;
  std::vector<Finding> findings;  // most severe first
  HookStatus hook;
  Summary summary;
  std::optional<FixResult> fix;  // set by the caller after ApplyGitignoreFix
};

Result<Report> Run(const Options& options);

// Appends to the root .gitignore every applicable proposed line of `report`'s tracked and
// unprotected findings that the file does not have yet: idempotent, the file's content and line
// endings kept (CRLF stays CRLF, a missing final newline is added first), written atomically with
// its mode kept. Refuses a .gitignore that is a symlink or not a regular file. Each warning names
// a tracked file a new line covers (git keeps tracking it: `git rm --cached`) or a file a
// negation keeps re-included.
Result<FixResult> ApplyGitignoreFix(const Options& options, const Report& report);

// Whether any finding is at or above `threshold`.
bool AnyAtOrAbove(const Report& report, Severity threshold);

}  // namespace leakguard::audit
