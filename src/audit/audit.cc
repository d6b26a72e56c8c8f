// The audit's driver: opens the repository, runs the checks, proposes .gitignore lines, applies
// them on request.
//
// Proposing a line: a kind lists .gitignore lines from the most general (`*.p12`) down; the first
// that covers the file and no file that should stay (any tracked or untracked-unignored file that
// is not itself reported) is proposed, else the file's own anchored path. A line appended to the
// root .gitignore takes effect unless a deeper .gitignore, or a later line, re-includes the file
// with a negation: that is a deliberate choice (`!keep.pem`), so it is reported with the line that
// makes it, and --fix does not override it.
#include "audit/audit.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "audit/checks.h"
#include "audit/git_repo.h"
#include "audit/gitignore.h"
#include "base/hash.h"
#include "base/log.h"

namespace leakguard::audit {

using internal::DisplayPath;
using internal::GitRepo;
using internal::ShellQuote;

std::string_view CheckName(Check c) {
  switch (c) {
    case Check::kTracked:
      return "tracked";
    case Check::kHistory:
      return "history";
    case Check::kUnprotected:
      return "unprotected";
    case Check::kConfig:
      return "config";
    case Check::kHook:
      return "hook";
  }
  return "unknown";
}

Result<Check> ParseCheck(std::string_view name) {
  if (name == "tracked") return Check::kTracked;
  if (name == "unprotected") return Check::kUnprotected;
  if (name == "config") return Check::kConfig;
  if (name == "hook" || name == "hooks") return Check::kHook;
  if (name == "history") return Err(InvalidArgument("the history check runs only with --history"));
  return Err(InvalidArgument(
      fmt::format("'{}' is not a check (tracked, unprotected, config or hook)", name)));
}

namespace internal {

std::string ShellQuote(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

std::string DisplayPath(const RepoLocation& loc, const std::string& path) {
  if (!loc.workdir.empty() && path.size() > loc.workdir.size() && path.starts_with(loc.workdir))
    return path.substr(loc.workdir.size());
  return path;
}

}  // namespace internal

namespace {

bool IsFileMode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// A working-tree file's bytes (regular files only, never through a symlink).
struct ReadOutcome {
  std::optional<std::string> content;
  bool too_large = false;
  std::string error;  // empty when read or too large
};

ReadOutcome ReadWorktreeFile(const std::string& path, uint64_t max_size) {
  ReadOutcome r;
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    r.error = std::strerror(errno);
    return r;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    r.error = "not a regular file";
    ::close(fd);
    return r;
  }
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    r.too_large = true;
    ::close(fd);
    return r;
  }
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      r.error = std::strerror(errno);
      ::close(fd);
      return r;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_size) {
      r.too_large = true;
      ::close(fd);
      return r;
    }
  }
  ::close(fd);
  r.content = std::move(out);
  return r;
}

// Whether a path is a symlink or not a regular file in the working tree (skipped: committing a
// symlink commits its target's name, not its content).
bool IsRegularInWorktree(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

struct Pending {
  Finding finding;
  const FileKind* kind = nullptr;
};

class Auditor {
 public:
  Auditor(const Options& o, GitRepo* repo, Classifier* cls) : o_(o), repo_(*repo), cls_(*cls) {}

  Status Run(Report* rep) {
    const RepoLocation& loc = repo_.location();
    rep->repo = loc;
    auto index = repo_.Index();
    if (!index) return index.error();
    std::vector<std::string> untracked, modified;
    if (loc.bare) {
      rep->summary.notes.push_back(
          "bare repository: tracked files are read from HEAD; the untracked-files and hook checks "
          "do not apply");
    } else {
      if (Status s = repo_.ModifiedFiles(&modified); !s.ok()) return s;
      std::string excludes = repo_.ConfigString("core.excludesfile").value_or("");
      if (excludes == "~" || excludes.starts_with("~/"))
        excludes = o_.env.home + excludes.substr(1);
      else if (!excludes.empty() && !excludes.starts_with("/"))
        excludes = loc.workdir + excludes;
      else if (excludes.empty() && !o_.env.XdgGitDir().empty())
        excludes = o_.env.XdgGitDir() + "/ignore";
      const std::string info = repo_.CommonDir() + "info/exclude";
      ignore_rules_.emplace(loc.workdir, info, DisplayPath(loc, info), excludes);
      std::unordered_set<std::string> tracked;
      for (const internal::IndexEntry& e : *index) tracked.insert(e.path);
      std::vector<std::string> unreadable;
      if (!o_.skip.contains(Check::kUnprotected))
        untracked = ListUntracked(loc.workdir, tracked, &*ignore_rules_, &unreadable);
      for (const std::string& d : unreadable) {
        ++rep->summary.not_checked;
        Warn("{}: directory cannot be read: the files in it were not checked", PrintablePath(d));
      }
    }
    rep->summary.tracked_files = index->size();
    rep->summary.untracked_files = untracked.size();
    modified_.insert(modified.begin(), modified.end());

    if (!o_.skip.contains(Check::kTracked))
      for (const internal::IndexEntry& e : *index) Tracked(e, rep);
    for (const std::string& p : untracked) Untracked(p, rep);
    Propose(*index, untracked);

    std::unordered_map<std::string, size_t> tracked_at;
    for (size_t i = 0; i < pending_.size(); ++i)
      if (pending_[i].finding.check == Check::kTracked) tracked_at[pending_[i].finding.path] = i;
    if (o_.history)
      if (Status s = History(tracked_at, rep); !s.ok()) return s;

    for (Pending& p : pending_) rep->findings.push_back(std::move(p.finding));
    if (!o_.skip.contains(Check::kConfig))
      internal::CheckGitConfig(repo_, o_.db, o_.mask, &rep->findings);
    if (!loc.bare && !o_.skip.contains(Check::kHook)) {
      rep->hook = internal::InspectPreCommitHook(repo_);
      if (auto f = internal::HookFinding(repo_, rep->hook)) rep->findings.push_back(std::move(*f));
    }
    for (Finding& f : rep->findings)
      f.fingerprint = FingerprintHex({CheckName(f.check), f.kind, f.path, f.config_key});
    std::stable_sort(rep->findings.begin(), rep->findings.end(),
                     [](const Finding& a, const Finding& b) {
                       if (a.severity != b.severity) return a.severity > b.severity;
                       if (a.check != b.check) return a.check < b.check;
                       if (a.path != b.path) return a.path < b.path;
                       return a.config_key < b.config_key;
                     });
    if (rep->summary.not_checked > 0)
      rep->summary.notes.push_back(fmt::format(
          "{} file(s) of a sensitive kind could not be read or were over the size limit: their "
          "content was not checked",
          rep->summary.not_checked));
    return Status::Ok();
  }

 private:
  bool IsAllowed(const std::string& path, Report* rep) {
    std::string why;
    if (!cls_.Allowed(path, &why)) return false;
    ++rep->summary.allowed;
    Debug("{}: accepted by {}", PrintablePath(path), why);
    return true;
  }

  void NotChecked(const std::string& path, std::string_view why, Report* rep) {
    ++rep->summary.not_checked;
    Warn("{}: {}: its content was not checked", PrintablePath(path), why);
  }

  void Tracked(const internal::IndexEntry& e, Report* rep) {
    if (!IsFileMode(e.mode)) return;  // symlinks and submodules hold no file content
    const std::vector<size_t> kinds = cls_.Candidates(e.path);
    if (kinds.empty() || IsAllowed(e.path, rep)) return;
    std::optional<std::string> content;
    const bool needs = cls_.NeedsContent(kinds);
    bool unchecked = false;
    std::string why_unchecked;
    if (needs) {
      bool too_large = false;
      auto blob = repo_.ReadBlob(e.id, o_.max_file_size, &too_large);
      if (!blob) {
        unchecked = true;
        why_unchecked = blob.error().message();
      } else if (too_large) {
        unchecked = true;
        why_unchecked = "over --max-file-size";
      } else {
        content = std::move(**blob);
      }
    }
    auto verdict =
        cls_.Classify(e.path, kinds, content ? std::optional<ByteView>(*content) : std::nullopt);
    std::string where;
    // The working-tree version is what `git add .` or `git commit -a` would commit next.
    if (!verdict && needs && modified_.contains(e.path) && !repo_.location().bare) {
      ReadOutcome w = ReadWorktreeFile(repo_.location().workdir + e.path, o_.max_file_size);
      if (w.content) {
        verdict = cls_.Classify(e.path, kinds, ByteView(*w.content));
        where = " in its working-tree version (modified, not staged yet)";
      }
    }
    if (!verdict) {
      if (unchecked) NotChecked(e.path, why_unchecked, rep);
      return;
    }
    Pending p;
    p.kind = verdict->kind;
    Finding& f = p.finding;
    f.check = Check::kTracked;
    f.severity = verdict->kind->severity;
    f.kind = verdict->kind->id;
    f.title = verdict->kind->description;
    f.path = e.path;
    f.reason = fmt::format("tracked in the index: {}{}", verdict->reason, where);
    if (ignore_rules_) f.ignored = ignore_rules_->Check(e.path, false).ignored;
    f.commands.push_back("git rm --cached -- " + ShellQuote(e.path));
    pending_.push_back(std::move(p));
  }

  void Untracked(const std::string& path, Report* rep) {
    const std::string full = repo_.location().workdir + path;
    if (!IsRegularInWorktree(full)) return;
    const std::vector<size_t> kinds = cls_.Candidates(path);
    if (kinds.empty() || IsAllowed(path, rep)) return;
    std::optional<std::string> content;
    bool unchecked = false;
    std::string why_unchecked;
    if (cls_.NeedsContent(kinds)) {
      ReadOutcome r = ReadWorktreeFile(full, o_.max_file_size);
      content = std::move(r.content);
      if (r.too_large) {
        unchecked = true;
        why_unchecked = "over --max-file-size";
      } else if (!r.error.empty()) {
        unchecked = true;
        why_unchecked = r.error;
      }
    }
    auto verdict =
        cls_.Classify(path, kinds, content ? std::optional<ByteView>(*content) : std::nullopt);
    if (!verdict) {
      if (unchecked) NotChecked(path, why_unchecked, rep);
      return;
    }
    Pending p;
    p.kind = verdict->kind;
    Finding& f = p.finding;
    f.check = Check::kUnprotected;
    f.severity = OneLower(verdict->kind->severity);
    f.kind = verdict->kind->id;
    f.title = verdict->kind->description;
    f.path = path;
    f.reason =
        fmt::format("untracked and no ignore rule covers it, so `git add .` would commit it: {}",
                    verdict->reason);
    pending_.push_back(std::move(p));
  }

  // The .gitignore line for each file reported tracked-but-not-ignored or unprotected.
  void Propose(const std::vector<internal::IndexEntry>& index,
               const std::vector<std::string>& untracked) {
    std::unordered_set<std::string> reported;
    for (const Pending& p : pending_) reported.insert(p.finding.path);
    std::vector<std::string_view> keep;
    for (const internal::IndexEntry& e : index)
      if (!reported.contains(e.path)) keep.push_back(e.path);
    for (const std::string& u : untracked)
      if (!reported.contains(u)) keep.push_back(u);
    std::map<std::string, bool> covers_keep;  // candidate line -> covers a file that must stay
    auto safe = [&](const std::string& line) {
      auto it = covers_keep.find(line);
      if (it == covers_keep.end()) {
        const std::vector<input::IgnorePattern> parsed = input::ParseIgnoreFile(line);
        const bool covers = std::any_of(keep.begin(), keep.end(),
                                        [&](std::string_view k) { return LineCovers(parsed, k); });
        it = covers_keep.emplace(line, covers).first;
      }
      return !it->second;
    };
    for (Pending& p : pending_) {
      Finding& f = p.finding;
      if (f.check == Check::kTracked && f.ignored) {
        f.fix = fmt::format(
            "stop tracking it (an ignore rule already covers it, but git keeps tracking a file "
            "once added), commit, and revoke or rotate what it holds: it is in the history{}",
            o_.history ? "" : " (see --history)");
        continue;
      }
      std::optional<std::string> line;
      for (const std::string& cand : p.kind->ignore)
        if (LineCovers(cand, f.path) && safe(cand)) {
          line = cand;
          break;
        }
      if (!line) line = ExactIgnoreLine(f.path);
      if (!line) {
        f.fix = "rename it: a name with a line break cannot be written in .gitignore";
        continue;
      }
      GitignoreProposal g;
      g.line = *line;
      if (f.check == Check::kUnprotected && ignore_rules_) {
        if (auto v = ignore_rules_->Check(f.path, false); v.rule && v.rule->negate) {
          g.applicable = false;
          g.blocked_by = fmt::format("{}:{}: {}", v.rule->file, v.rule->line, v.rule->text);
          f.reason += fmt::format(" (re-included on purpose by {})", g.blocked_by);
        }
      }
      if (f.check == Check::kTracked) {
        f.fix = fmt::format(
            "stop tracking it, add '{}' to .gitignore, commit, and revoke or rotate what it holds: "
            "it is in the history{}",
            g.line, o_.history ? "" : " (see --history)");
        f.commands.push_back("leakguard audit --fix");
      } else if (g.applicable) {
        f.fix = fmt::format("add '{}' to .gitignore (leakguard audit --fix does it)", g.line);
        f.commands.push_back("leakguard audit --fix");
      } else {
        f.fix = fmt::format(
            "if it must not be committed, delete the line {} and add '{}' to .gitignore; if it "
            "must, accept it with [audit] allow in the config",
            g.blocked_by, g.line);
      }
      f.gitignore = std::move(g);
    }
  }

  Status History(const std::unordered_map<std::string, size_t>& tracked_at, Report* rep) {
    std::vector<internal::HistoryHit> hits;
    uint64_t not_checked = 0;
    auto stats = internal::ScanHistory(repo_, &cls_, o_.max_file_size, &hits, &not_checked);
    if (!stats) return stats.error();
    rep->summary.commits = stats->commits;
    rep->summary.not_checked += not_checked + stats->unreadable;
    if (stats->unreadable > 0)
      rep->summary.notes.push_back(fmt::format(
          "{} commit(s) could not be read (shallow or partial clone?) and were not checked",
          stats->unreadable));
    for (internal::HistoryHit& h : hits) {
      auto set_commit = [&](Finding* f) {
        f->commit = h.commit.id;
        f->author = h.commit.author;
        f->email = h.commit.email;
        f->date = h.commit.date;
        f->commit_summary = h.commit.summary;
      };
      if (auto it = tracked_at.find(h.path); it != tracked_at.end()) {
        set_commit(&pending_[it->second].finding);
        continue;
      }
      Pending p;
      p.kind = h.kind;
      Finding& f = p.finding;
      f.check = Check::kHistory;
      f.severity = h.kind->severity;
      f.kind = h.kind->id;
      f.title = h.kind->description;
      f.path = h.path;
      f.reason =
          fmt::format("in the history since commit {}: {}", h.commit.id.substr(0, 12), h.reason);
      f.fix =
          "revoke or rotate what it held; to remove it from the history, rewrite it (then "
          "force-push; every existing clone keeps a copy)";
      f.commands.push_back("git filter-repo --invert-paths --path " + ShellQuote(h.path));
      set_commit(&f);
      pending_.push_back(std::move(p));
    }
    return Status::Ok();
  }

  const Options& o_;
  GitRepo& repo_;
  Classifier& cls_;
  std::unordered_set<std::string> modified_;
  std::optional<IgnoreRules> ignore_rules_;  // none for a bare repository
  std::vector<Pending> pending_;
};

Status WriteAtomically(const std::string& path, std::string_view text, const struct stat* old) {
  const size_t slash = path.rfind('/');
  std::string tmpl = path.substr(0, slash + 1) + ".gitignore.leakguard-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    return IoError(fmt::format("{}: cannot create a temporary file beside it: {}",
                               PrintablePath(path), std::strerror(errno)));
  auto fail = [&](std::string what) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return IoError(fmt::format("{}: {}: {}", PrintablePath(path), what, std::strerror(errno)));
  };
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("writing");
    done += static_cast<size_t>(n);
  }
  mode_t mode;
  if (old) {
    mode = old->st_mode & 07777;
    if (::fchown(fd, old->st_uid, old->st_gid) != 0) {
      // Not the owner (and not root): the new file is ours, which is what git would do too.
    }
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  if (::fchmod(fd, mode) != 0) return fail("setting its mode");
  if (::fsync(fd) != 0) return fail("syncing");
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    return IoError(fmt::format("{}: writing: {}", PrintablePath(path), std::strerror(errno)));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    return IoError(
        fmt::format("{}: cannot replace it: {}", PrintablePath(path), std::strerror(err)));
  }
  return Status::Ok();
}

}  // namespace

Result<RepoLocation> FindRepository(const std::string& path, const Environment& env) {
  auto repo = GitRepo::Open(path, env);
  if (!repo) return Err(repo.error());
  return (*repo)->location();
}

Result<Report> Run(const Options& o) {
  auto repo = GitRepo::Open(o.path, o.env);
  if (!repo) return Err(repo.error());
  std::vector<std::string> warnings;
  auto cfg = LoadAuditConfig(o.config_path, &warnings);
  for (const std::string& w : warnings) Warn("{}", w);
  if (!cfg) return Err(cfg.error());
  Classifier cls(*cfg, o.db);
  for (const std::string& w : cls.warnings()) Warn("{}", w);
  Report rep;
  Auditor auditor(o, repo->get(), &cls);
  if (Status s = auditor.Run(&rep); !s.ok()) return Err(s);
  return rep;
}

Result<FixResult> ApplyGitignoreFix(const Options& o, const Report& report) {
  auto repo = GitRepo::Open(o.path, o.env);
  if (!repo) return Err(repo.error());
  const RepoLocation& loc = (*repo)->location();
  if (loc.bare)
    return Err(InvalidArgument("--fix: a bare repository has no working tree and no .gitignore"));
  FixResult fr;
  fr.file = ".gitignore";
  std::vector<std::string> lines;
  for (const Finding& f : report.findings) {
    if ((f.check != Check::kTracked && f.check != Check::kUnprotected) || !f.gitignore) continue;
    if (!f.gitignore->applicable) {
      fr.warnings.push_back(fmt::format(
          "{}: left as it is: {} re-includes it on purpose; delete that line to protect the file, "
          "or accept it with [audit] allow",
          PrintablePath(f.path), PrintablePath(f.gitignore->blocked_by)));
      continue;
    }
    if (std::find(lines.begin(), lines.end(), f.gitignore->line) == lines.end())
      lines.push_back(f.gitignore->line);
  }
  const std::string path = loc.workdir + fr.file;
  struct stat st;
  const bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode))
    return Err(IoError(fmt::format(
        "{}: not a regular file (a symlink?): not changed; git does not read a symlinked "
        ".gitignore either",
        PrintablePath(path))));
  std::string text;
  if (exists) {
    ReadOutcome r = ReadWorktreeFile(path, 64ull << 20);
    if (!r.content)
      return Err(IoError(fmt::format("{}: cannot read it: {}", PrintablePath(path),
                                     r.too_large ? "over 64 MiB" : r.error)));
    text = std::move(*r.content);
  }
  const std::string updated = AppendIgnoreLines(text, lines, &fr.added);
  if (fr.added.empty()) return fr;
  if (Status s = WriteAtomically(path, updated, exists ? &st : nullptr); !s.ok()) return Err(s);
  fr.created = !exists;
  // Say so when a new line covers a file git already tracks: the line does not untrack it.
  auto index = (*repo)->Index();
  if (index) {
    for (const std::string& line : fr.added) {
      const std::vector<input::IgnorePattern> parsed = input::ParseIgnoreFile(line);
      for (const internal::IndexEntry& e : *index)
        if (LineCovers(parsed, e.path))
          fr.warnings.push_back(fmt::format(
              "{}: now covered by the .gitignore line '{}', but git keeps tracking it: run git rm "
              "--cached -- {} and commit",
              PrintablePath(e.path), line, ShellQuote(e.path)));
    }
  }
  return fr;
}

bool AnyAtOrAbove(const Report& report, Severity threshold) {
  return std::any_of(report.findings.begin(), report.findings.end(),
                     [&](const Finding& f) { return f.severity >= threshold; });
}

}  // namespace leakguard::audit
