// `leakguard git [REPO]`: git history (every ref, each unique blob once), ranges, staged changes,
// the pre-push hook's input. `leakguard hook install`: the hooks that run it.
#include <fmt/core.h>
#include <limits.h>
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <string>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "findings/ignore_file.h"
#include "input/git.h"
#include "match/matcher.h"
#include "report/reporter.h"
#include "scan/config.h"
#include "scan/hooks.h"
#include "scan/scanner.h"

namespace leakguard::cli {
namespace {

struct GitFlags {
  std::string repo = ".";
  CommonFlags common;
  OutputFlags out;
  InputFlags in;

  bool all_objects = false;
  bool all_locations = false;
  std::string since;
  std::string range;
  std::vector<std::string> branches;
  uint64_t max_commits = 0;
  bool staged = false;
  bool pre_push = false;
  std::string remote;
  bool recurse_submodules = false;
};

// The commit's summary line may itself hold a secret ("add key AKIA..."): mask what the rules
// find in it, as for any other displayed text.
std::string MaskedSummary(match::Matcher& matcher, const std::string& summary,
                          const redact::MaskPolicy& mask) {
  if (!mask.enabled || summary.empty()) return summary;
  std::vector<match::Candidate> cands;
  matcher.Scan(summary, &cands);
  std::string out = summary;
  for (const auto& c : cands) {
    if (c.drop != match::DropReason::kNone) continue;
    const std::string secret(c.Secret(summary));
    if (!secret.empty()) out = redact::MaskIn(out, secret, mask);
  }
  return out;
}

// Keeps the findings whose secret the commit introduced at that path: a secret already in the
// file in a parent commit was introduced earlier (and reported there, or allowlisted there, or
// outside the range); a file edited for 500 commits around a secret is one finding, not 500.
// Then drops location-dropped findings unless --explain, and redacts. Findings arrive unredacted
// (the check needs the raw secret).
void KeepIntroductions(const input::GitHistorySource& history, scan::ScanResult* result,
                       bool explain, const redact::MaskPolicy& mask) {
  std::vector<findings::Finding> kept;
  uint64_t suppressed = 0;
  for (auto& x : result->findings) {
    // A decoded secret is looked for as it is written: its encoded span.
    const std::string& text = x.decoded.empty() ? x.secret : x.encoded;
    if (!x.commit.empty() && history.SecretInParents(x.commit, x.rel_path, text)) continue;
    if (x.dropped_by == "inline-allow" || x.dropped_by == "ignore-file") ++suppressed;
    if (!x.dropped_by.empty() && !explain) continue;
    findings::Redact(&x, mask);
    kept.push_back(std::move(x));
  }
  result->findings = std::move(kept);
  result->summary.suppressed = suppressed;
}

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  return std::string(buf, static_cast<size_t>(n));
}

int Run(const GitFlags& f) {
  SetupLogging(f.common);
  auto settings = ValidateScanFlags(f.out, f.in);
  if (!settings) return UsageError(settings.error().message());
  const redact::MaskPolicy mask = settings->mask;
  const bool history_filters =
      !f.since.empty() || !f.range.empty() || !f.branches.empty() || f.max_commits > 0;
  if (f.staged && (history_filters || f.all_objects || f.pre_push || f.all_locations))
    return UsageError("--staged scans the index only; it cannot be combined with history options");
  if (f.pre_push && (!f.since.empty() || !f.range.empty() || !f.branches.empty()))
    return UsageError(
        "--pre-push reads the refs to scan from standard input; drop "
        "--since/--range/--branch");
  if (!f.range.empty() && (!f.since.empty() || !f.branches.empty()))
    return UsageError("--range cannot be combined with --since or --branch");
  if (!f.remote.empty() && !f.pre_push) return UsageError("--remote goes with --pre-push");

  std::unique_ptr<input::GitHistorySource> history;
  std::unique_ptr<input::GitStagedSource> staged;
  input::GitRepo* repo = nullptr;
  if (f.staged) {
    staged = std::make_unique<input::GitStagedSource>(f.repo);
    if (Status st = staged->Prepare(); !st.ok()) return UsageError(st.message());
    repo = &staged->repo();
  } else {
    input::GitHistoryOptions o;
    o.all_objects = f.all_objects;
    o.all_locations = f.all_locations;
    o.max_commits = f.max_commits;
    o.recurse_submodules = f.recurse_submodules;
    o.range = f.range;
    o.revs = f.branches;
    if (!f.since.empty()) o.hide.push_back(f.since);
    if (f.pre_push) {
      std::string input(std::istreambuf_iterator<char>(std::cin), {});
      auto updates = input::ParsePrePush(input);
      if (!updates) return UsageError(updates.error().message());
      auto probe = input::GitRepo::Open(f.repo);
      if (!probe) return UsageError(probe.error().message());
      bool new_branch = false;
      for (const auto& u : *updates) {
        if (u.local_id.find_first_not_of('0') == std::string::npos) continue;  // a deletion
        o.revs.push_back(u.local_id);
        if (u.remote_id.find_first_not_of('0') != std::string::npos &&
            (*probe)->HasObject(u.remote_id))
          o.hide.push_back(u.remote_id);
        else
          new_branch = true;  // the remote has nothing we know of: compare with what it has
      }
      if (new_branch)
        o.hide_refs.push_back(f.remote.empty() ? "refs/remotes/*"
                                               : fmt::format("refs/remotes/{}/*", f.remote));
      if (o.revs.empty()) {
        if (!f.common.quiet) Note("pre-push: nothing to scan (only deletions or no refs)");
        return kExitClean;
      }
    }
    history = std::make_unique<input::GitHistorySource>(f.repo, o);
    if (Status st = history->Prepare(); !st.ok()) return UsageError(st.message());
    repo = &history->repo();
  }

  scan::ConfigChoice choice;
  choice.explicit_path = f.common.config;
  choice.rule_files = f.common.rules;
  choice.rules_only = f.common.rules_only;
  std::string root = repo->workdir();
  if (root.size() > 1 && root.back() == '/') root.pop_back();
  if (!root.empty()) choice.roots = {root};
  auto loaded = scan::LoadRules(choice);
  if (!loaded) return ConfigError(loaded.error().message());

  findings::IgnoreList ignore;
  if (Status s = LoadIgnoreFiles(choice.roots, f.in, &ignore); !s.ok())
    return UsageError(s.message());

  scan::ScanOptions so;
  so.threads = f.in.threads;
  so.read.max_file_size = settings->max_file_size;
  so.read.scan_binary = f.in.scan_binary;
  so.decode_depth = f.in.decode_depth;
  so.decode_budget = f.in.decode_budget;
  so.explain = f.out.explain;
  so.min_confidence = settings->min_confidence;
  so.mask = mask;
  so.ignore = &ignore;
  // A secret that stays in a file for many commits is in many blob versions; it is reported
  // where a commit introduced it (see KeepIntroductions). Allowlists and ignore files apply to
  // that finding, so location drops are kept until then.
  const bool first_only = history && !f.all_locations;
  so.keep_location_drops = first_only;
  if (first_only) so.mask.enabled = false;  // redacted after the introduction check

  scan::Scanner scanner(loaded->db, so);
  scan::ScanResult result = history ? scanner.Run(*history) : scanner.Run(*staged);
  result.summary.git = history != nullptr;  // staged: files of the index

  if (staged) {
    std::erase_if(result.findings, [&](const findings::Finding& x) {
      return !staged->TouchesAddedLines(x.rel_path, x.line, x.end_line);
    });
    result.summary.commits = 0;
  } else {
    const auto& st = history->stats();
    result.summary.commits = st.commits + st.unreachable_commits;
    if (st.shallow && !f.common.quiet)
      Note(
          "git: shallow clone: history before the shallow boundary is not in this repository "
          "and was not scanned (git fetch --unshallow, then scan again, to cover it)");
    if (!st.submodules_skipped.empty() && !f.common.quiet) {
      std::string list;
      for (size_t i = 0; i < st.submodules_skipped.size() && i < 5; ++i)
        list += (i ? ", " : "") + PrintablePath(st.submodules_skipped[i]);
      if (st.submodules_skipped.size() > 5) list += ", ...";
      Note("git: {} submodule(s) not followed ({}); --recurse-submodules scans them",
           st.submodules_skipped.size(), list);
    }
    if (st.missing_objects > 0) result.summary.skipped_unreadable += st.missing_objects;
    if (first_only) KeepIntroductions(*history, &result, f.out.explain, mask);
    // Commit metadata, once per commit.
    std::map<std::string, input::GitCommitInfo> infos;
    match::Matcher summary_matcher(loaded->db, match::MatcherOptions{});  // one for all commits
    for (auto& x : result.findings) {
      if (x.commit.empty()) continue;
      auto it = infos.find(x.commit);
      if (it == infos.end()) {
        auto info = history->CommitInfo(x.commit);
        input::GitCommitInfo ci;
        if (info) {
          ci = std::move(*info);
          ci.summary = MaskedSummary(summary_matcher, ci.summary, mask);
        }
        it = infos.emplace(x.commit, std::move(ci)).first;
      }
      x.author = it->second.author;
      x.email = it->second.email;
      x.date = it->second.date;
      x.message = it->second.summary;
    }
  }
  result.summary.findings = 0;
  for (const auto& x : result.findings)
    if (x.dropped_by.empty()) ++result.summary.findings;
  return WriteReport(f.out, settings->format, *loaded->db, result.findings, result.summary);
}

struct HookFlags {
  std::string repo = ".";
  bool pre_commit = false;
  bool pre_push = false;
  bool force = false;
  bool quiet = false;
};

int RunHookInstall(const HookFlags& f) {
  auto repo = input::GitRepo::Open(f.repo);
  if (!repo) return UsageError(repo.error().message());
  scan::HookInstallOptions o;
  if (f.pre_commit || !f.pre_push) o.hooks.push_back(scan::HookKind::kPreCommit);
  if (f.pre_push) o.hooks.push_back(scan::HookKind::kPrePush);
  o.force = f.force;
  o.leakguard_path = SelfPath();
  const std::string dir = (*repo)->HooksDir();
  auto done = scan::InstallHooks(dir, o);
  if (!done) return UsageError(done.error().message());
  if (!f.quiet)
    for (const auto& r : *done) {
      fmt::print("{} {}\n", r.updated ? "updated" : "installed", PrintablePath(r.path));
      if (!r.backup.empty())
        fmt::print("  the previous hook was moved to {}\n", PrintablePath(r.backup));
    }
  return kExitClean;
}

}  // namespace

std::function<int()> RegisterGit(CLI::App& app) {
  auto f = std::make_shared<GitFlags>();
  CLI::App* cmd = app.add_subcommand(
      "git",
      "Scan a git repository's history: every blob reachable from every ref (branches, tags,\n"
      "remote-tracking branches, notes, the stash and its reflog), each unique blob once, with\n"
      "the commit that introduced it. Exit code: 0 no findings, 1 findings, 2 usage error.");
  cmd->add_option("repo", f->repo, "Repository (work tree or bare); default: .");
  AddCommonFlags(cmd, &f->common);
  AddRuleFileFlags(cmd, &f->common);
  AddOutputFlags(cmd, &f->out);
  cmd->add_flag("--all-objects", f->all_objects,
                "Also scan what no ref reaches: commits and blobs left by amends, rebases, "
                "resets, deleted branches and dropped stashes");
  cmd->add_flag("--all-locations", f->all_locations,
                "Report a secret at every commit/path that introduced its blob, not only the "
                "first");
  cmd->add_option("--since", f->since,
                  "Only blobs introduced by commits not reachable from REV (REV..refs)");
  cmd->add_option("--range", f->range, "Only blobs introduced by the commits in A..B (or A...B)");
  cmd->add_option("--branch", f->branches,
                  "Walk from this branch (or any revision) instead of every ref; repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--max-commits", f->max_commits,
                  "Only the newest N commits of the selection (blobs they introduced)");
  cmd->add_flag("--staged", f->staged,
                "Scan only the lines the index adds (git diff --cached): the pre-commit check");
  cmd->add_flag("--pre-push", f->pre_push,
                "Read git's pre-push hook input on standard input and scan what is about to be "
                "pushed");
  cmd->add_option("--remote", f->remote,
                  "With --pre-push: the remote's name (the hook's first argument)");
  cmd->add_flag("--recurse-submodules", f->recurse_submodules,
                "Also scan the histories of checked-out submodules");
  AddInputFlags(cmd, &f->in, "blobs");
  return [f]() { return Run(*f); };
}

std::function<int()> RegisterHook(CLI::App& app) {
  auto f = std::make_shared<HookFlags>();
  CLI::App* cmd = app.add_subcommand("hook", "Manage the git hooks that run leakguard.");
  cmd->require_subcommand(1);
  CLI::App* install = cmd->add_subcommand(
      "install",
      "Install the pre-commit hook (default) and/or the pre-push hook into the repository's\n"
      "hooks directory (core.hooksPath is honoured). An existing hook not written by leakguard\n"
      "is never replaced unless --force (then it is kept as <hook>.leakguard-backup).");
  install->add_option("repo", f->repo, "Repository; default: .");
  install->add_flag("--pre-commit", f->pre_commit, "Install the pre-commit hook (git --staged)");
  install->add_flag("--pre-push", f->pre_push, "Install the pre-push hook (git --pre-push)");
  install->add_flag("--force", f->force,
                    "Replace an existing hook (kept as <hook>.leakguard-backup)");
  install->add_flag("-q,--quiet", f->quiet, "Print nothing on success");
  return [f]() { return RunHookInstall(*f); };
}

}  // namespace leakguard::cli
