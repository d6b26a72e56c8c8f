// `leakguard audit [REPO]`: repository hygiene (what `git add .` would leak, credentials in git
// config, whether a pre-commit hook protects the repository).
#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "audit/audit_report.h"
#include "base/log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "scan/config.h"

namespace leakguard::cli {
namespace {

struct AuditFlags {
  std::string repo = ".";
  CommonFlags common;
  std::string format = "text";
  std::string output;
  std::string redact;
  bool no_redact = false;
  std::string color = "auto";
  std::string fail_severity = "low";
  std::string max_file_size = "50M";
  bool history = false;
  bool fix = false;
  std::vector<std::string> skip;
};

int Run(const AuditFlags& f) {
  SetupLogging(f.common);
  auto format = audit::ParseFormat(f.format);
  if (!format) return UsageError(format.error().message());
  std::optional<audit::Severity> fail;  // nullopt: never fail (--fail-severity none)
  if (f.fail_severity != "none") {
    auto sev = audit::ParseSeverity(f.fail_severity);
    if (!sev)
      return UsageError(fmt::format("--fail-severity: {} (or none)", sev.error().message()));
    fail = *sev;
  }
  OutputFlags out;
  out.redact = f.redact;
  out.no_redact = f.no_redact;
  auto mask = MaskFromFlags(out);
  if (!mask) return UsageError(mask.error().message());
  auto max_size = ParseSize(f.max_file_size);
  if (!max_size) return UsageError(fmt::format("--max-file-size: {}", max_size.error().message()));
  if (f.color != "auto" && f.color != "always" && f.color != "never")
    return UsageError("--color must be auto, always or never");

  audit::Options o;
  o.path = f.repo;
  o.env = audit::Environment::FromProcess();
  o.history = f.history;
  o.max_file_size = *max_size;
  o.mask = *mask;
  for (const std::string& name : f.skip) {
    auto check = audit::ParseCheck(name);
    if (!check) return UsageError(fmt::format("--skip: {}", check.error().message()));
    o.skip.insert(*check);
  }

  auto loc = audit::FindRepository(o.path, o.env);
  if (!loc) return UsageError(loc.error().message());

  // The rules judge file contents: --config, else .leakguard.toml / .gitleaks.toml at the
  // worktree root, else the built-in rules. The same file's [audit] section extends the kinds.
  scan::ConfigChoice choice;
  choice.explicit_path = f.common.config;
  std::string root = loc->bare ? loc->gitdir : loc->workdir;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  choice.roots = {root};
  auto loaded = scan::LoadRules(choice);
  if (!loaded) return ConfigError(loaded.error().message());
  o.db = loaded->db;
  if (loaded->origin != "<built-in>") o.config_path = loaded->origin;

  auto report = audit::Run(o);
  if (!report) return ConfigError(report.error().message());
  if (f.fix) {
    auto fixed = audit::ApplyGitignoreFix(o, *report);
    if (!fixed) return ConfigError(fmt::format("--fix: {}", fixed.error().message()));
    for (const std::string& w : fixed->warnings) Warn("{}", w);
    if (!fixed->added.empty()) {
      // Report the state after the fix: the files the new lines cover are no longer unprotected.
      // The first run already printed its warnings; the second would repeat them.
      SetLogLevel(LogLevel::kError);
      auto after = audit::Run(o);
      SetupLogging(f.common);
      if (!after) return ConfigError(after.error().message());
      report = std::move(after);
    }
    report->fix = std::move(*fixed);
  }

  audit::RenderOptions ro;
  ro.tool_version = LEAKGUARD_VERSION;
  ro.fail_severity = f.fail_severity;
  const bool to_stdout = f.output.empty() || f.output == "-";
  ro.color = f.color == "always" || (f.color == "auto" && to_stdout && ::isatty(STDOUT_FILENO) &&
                                     !std::getenv("NO_COLOR"));
  if (int rc = WriteOutput(f.output, audit::Render(*report, *format, ro)); rc != 0) return rc;
  if (*format != audit::Format::kText || !to_stdout) Note("{}", audit::SummaryLine(*report));
  return fail && audit::AnyAtOrAbove(*report, *fail) ? kExitFindings : kExitClean;
}

}  // namespace

std::function<int()> RegisterAudit(CLI::App& app) {
  auto f = std::make_shared<AuditFlags>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Audit a git repository's hygiene: tracked files that hold secret material (keys, .env,\n"
      "credentials, Terraform state, dumps), untracked ones no .gitignore covers (what `git add "
      ".`\n"
      "would commit next, with the .gitignore line to add), credentials in git config, and\n"
      "whether a secret-scanning pre-commit hook is installed. Exit code: 0 nothing at or above\n"
      "--fail-severity, 1 something is, 2 usage or configuration error, or not a git repository.");
  cmd->add_option("repo", f->repo, "A path inside the repository to audit (default: .)");
  AddCommonFlags(cmd, &f->common);
  cmd->add_option("-f,--format", f->format, "Report format: text, json, sarif")
      ->capture_default_str();
  cmd->add_option("-o,--output", f->output,
                  "Write the report to this file (created with mode 0600); default: stdout");
  cmd->add_option("--redact", f->redact,
                  "--redact=PERCENT: percent of each credential from git config to hide (0-100); "
                  "default: show at most the first 4 characters")
      ->expected(0, 1)
      ->default_str("");
  cmd->add_flag("--no-redact", f->no_redact, "Show credentials from git config in full (careful)");
  cmd->add_option("--color", f->color,
                  "Colour in text output: auto (on a terminal), always, never");
  cmd->add_option("--fail-severity", f->fail_severity,
                  "Exit 1 when a problem at or above this severity is found: critical, high, "
                  "medium, low, or none (never)")
      ->capture_default_str();
  cmd->add_option("--max-file-size", f->max_file_size,
                  "Files whose content must be checked are read up to this size; larger ones are "
                  "named in a warning and counted as not checked (default 50M)");
  cmd->add_flag("--history", f->history,
                "Also find sensitive files anywhere in the history of every ref, even deleted, "
                "each with the commit that introduced it");
  cmd->add_flag("--fix", f->fix,
                "Append the missing lines to the root .gitignore (idempotent; content and line "
                "endings kept); warns about files git already tracks");
  cmd->add_option("--skip", f->skip,
                  "Skip a check: tracked, unprotected, config, hook (repeatable)")
      ->allow_extra_args(false);
  return [f]() { return Run(*f); };
}

}  // namespace leakguard::cli
