// `leakguard redact [FILE ...]`: the input with every detected secret masked.
//
// Standard input (or `-`) and files go to standard output, each line as soon as it is decided
// (scan/redactor.h), so the command can sit in a pipeline. `--in-place` rewrites each FILE
// through a temporary file in the same directory: written, flushed to disk (fsync), given the
// original's mode and owner, then renamed over the original, so a reader sees the old file or the
// new one, never a mix; `--backup` first links the original to FILE.bak (mode 0600: it holds the
// secrets). Files without secrets are left untouched. Symbolic links and files with several hard
// links are refused: the rename would leave the secret behind the other names.
#include <fcntl.h>
#include <fmt/core.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "scan/config.h"
#include "scan/redactor.h"

namespace leakguard::cli {
namespace {

// Reads in blocks of up to this size; output is written after each block.
constexpr size_t kBlock = 1u << 20;

struct RedactFlags {
  std::vector<std::string> files;
  CommonFlags common;
  std::string mask;
  bool mask_given = false;
  int keep = 0;
  bool in_place = false;
  bool backup = false;
  std::string backup_suffix = ".bak";
};

std::string Shown(const std::string& path) {
  return path == "-" ? std::string("standard input") : PrintablePath(path);
}

// ---- Temporary files removed on SIGINT/SIGTERM/SIGHUP
// -------------------------------------------- The path of the temporary file being written, for
// the signal handler (async-signal-safe: it only reads a fixed buffer and calls unlink, signal and
// raise).
char g_temp_path[4096];
std::atomic<bool> g_temp_set{false};

extern "C" void RemoveTempAndDie(int sig) {
  if (g_temp_set.load()) ::unlink(g_temp_path);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Removes the temporary file unless it was renamed into place; while alive, a signal removes it.
// Guards nest (a backup's copy inside a rewrite): the inner one hands the signal back on exit.
class TempGuard {
 public:
  explicit TempGuard(std::string path) : path_(std::move(path)) {
    if (g_temp_set.load()) previous_ = g_temp_path;
    Publish(path_);
  }
  ~TempGuard() {
    if (!kept_) ::unlink(path_.c_str());
    if (previous_.empty())
      g_temp_set = false;
    else
      Publish(previous_);
  }
  void Keep() { kept_ = true; }  // renamed into place: nothing to remove
  TempGuard(const TempGuard&) = delete;
  TempGuard& operator=(const TempGuard&) = delete;

 private:
  static void Publish(const std::string& p) {
    g_temp_set = false;
    if (p.size() >= sizeof g_temp_path) return;
    std::memcpy(g_temp_path, p.c_str(), p.size() + 1);
    g_temp_set = true;
  }
  std::string path_, previous_;
  bool kept_ = false;
};

void InstallSignalCleanup() {
  struct sigaction sa {};
  sa.sa_handler = &RemoveTempAndDie;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

// ---- I/O ----------------------------------------------------------------------------------------

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError(fmt::format("{}: write error: {}", what, std::strerror(errno)));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Reads what is available into `*block`: blocks for the first bytes, then takes more only while
// more is already there, up to kBlock — a slow pipe gives a line at a time (written at once), a
// fast one or a file gives large blocks (fewer rescans of the look-back context). Returns false
// at the end of the input (`*block` may still hold its last bytes).
Result<bool> ReadSome(int fd, std::string* block, const std::string& name) {
  block->resize(kBlock);
  size_t got = 0;
  bool eof = false;
  for (;;) {
    ssize_t n = ::read(fd, block->data() + got, kBlock - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Err(IoError(fmt::format("{}: read error: {}", name, std::strerror(errno))));
    if (n == 0) {
      eof = true;
      break;
    }
    got += static_cast<size_t>(n);
    if (got == kBlock) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) break;
  }
  block->resize(got);
  return !eof;
}

// Streams `in` through a RedactStream into `out_fd`. `out_name` names the output in errors.
Status Pump(int in, const std::string& in_name, const scan::Redactor& redactor,
            const std::string& path, int out_fd, const std::string& out_name,
            scan::RedactStats* stats) {
  scan::RedactStream stream(redactor, path);
  std::string block, out;
  for (;;) {
    auto more = ReadSome(in, &block, in_name);
    if (!more) return more.error();
    if (!block.empty()) {
      stream.Feed(block, &out);
      if (Status s = WriteAll(out_fd, out, out_name); !s.ok()) return s;
      out.clear();
    }
    if (!*more) break;
  }
  stream.Finish(&out);
  if (Status s = WriteAll(out_fd, out, out_name); !s.ok()) return s;
  *stats = stream.stats();
  return Status::Ok();
}

void ReportLate(const std::string& path, const scan::RedactStats& stats) {
  if (stats.late_secrets > 0)
    Warn(
        "{}: {} secret(s) longer than the streaming limits were found only after their "
        "beginning had been written",
        Shown(path), stats.late_secrets);
}

// ---- To standard output -------------------------------------------------------------------------

int RedactToStdout(const std::vector<std::string>& inputs, const scan::Redactor& redactor) {
  struct stat out_st {};
  const bool out_is_file = ::fstat(STDOUT_FILENO, &out_st) == 0 && S_ISREG(out_st.st_mode);
  int rc = kExitClean;
  for (const std::string& input : inputs) {
    int fd = STDIN_FILENO;
    if (input != "-") {
      fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0) {
        fmt::print(stderr, "leakguard: error: {}: cannot open: {}\n", Shown(input),
                   std::strerror(errno));
        rc = kExitError;
        continue;
      }
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        fmt::print(stderr, "leakguard: error: {}: is a directory\n", Shown(input));
        rc = kExitError;
        if (fd != STDIN_FILENO) ::close(fd);
        continue;
      }
      if (out_is_file && S_ISREG(st.st_mode) && st.st_dev == out_st.st_dev &&
          st.st_ino == out_st.st_ino && st.st_size > 0) {
        fmt::print(stderr, "leakguard: error: {}: input file is output file\n", Shown(input));
        rc = kExitError;
        if (fd != STDIN_FILENO) ::close(fd);
        continue;
      }
      // A larger pipe lets a fast writer get ahead, so reads come in large blocks.
      if (S_ISFIFO(st.st_mode)) (void)::fcntl(fd, F_SETPIPE_SZ, static_cast<int>(kBlock));
    }
    scan::RedactStats stats;
    Status s = Pump(fd, Shown(input), redactor, input, STDOUT_FILENO, "standard output", &stats);
    if (fd != STDIN_FILENO) ::close(fd);
    if (!s.ok()) {
      fmt::print(stderr, "leakguard: error: {}\n", s.message());
      rc = kExitError;
      if (s.message().starts_with("standard output")) break;  // nowhere left to write
      continue;
    }
    ReportLate(input, stats);
    Debug("{}: {} secret(s) redacted in {} bytes", Shown(input), stats.secrets, stats.bytes_in);
  }
  return rc;
}

// ---- In place
// -------------------------------------------------------------------------------------

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}
std::string BaseOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A name in `dir` that does not exist yet, for a hard link (mkstemp cannot make those).
std::string UnusedName(const std::string& dir, const std::string& base) {
  static std::mt19937_64 rng{std::random_device{}()};
  for (;;) {
    std::string p = fmt::format("{}/.{}.leakguard-{:012x}", dir, base, rng() & 0xffffffffffffull);
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 && errno == ENOENT) return p;
  }
}

Status SyncDir(const std::string& dir) {
  int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0)
    return IoError(
        fmt::format("{}: cannot open the directory: {}", PrintablePath(dir), std::strerror(errno)));
  int r = ::fsync(d);
  int e = errno;
  ::close(d);
  if (r != 0 && e != EINVAL)  // EINVAL: a file system that cannot sync directories
    return IoError(fmt::format("{}: fsync: {}", PrintablePath(dir), std::strerror(e)));
  return Status::Ok();
}

// Makes `backup` a copy of the original (open as `fd`): a hard link where possible, else a copy;
// replaced atomically if it exists. The backup gets mode 0600 once it is the only name left.
Status MakeBackup(int fd, const std::string& path, const std::string& backup) {
  const std::string dir = DirOf(backup);
  const std::string tmp = UnusedName(dir, BaseOf(backup));
  if (::link(path.c_str(), tmp.c_str()) != 0) {
    // No hard links here (some file systems): copy the bytes into a new owner-only file.
    const std::string pattern = tmp + "XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int out = ::mkostemp(name.data(), O_CLOEXEC);
    if (out < 0)
      return IoError(fmt::format("{}: cannot create the backup: {}", PrintablePath(backup),
                                 std::strerror(errno)));
    TempGuard guard(name.data());
    std::string buf(kBlock, '\0');
    off_t off = 0;
    for (;;) {
      ssize_t n = ::pread(fd, buf.data(), buf.size(), off);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ::close(out);
        return IoError(
            fmt::format("{}: read error: {}", PrintablePath(path), std::strerror(errno)));
      }
      if (n == 0) break;
      if (Status s = WriteAll(out, std::string_view(buf.data(), static_cast<size_t>(n)),
                              PrintablePath(backup));
          !s.ok()) {
        ::close(out);
        return s;
      }
      off += n;
    }
    if (::fsync(out) != 0 || ::close(out) != 0)
      return IoError(
          fmt::format("{}: writing the backup: {}", PrintablePath(backup), std::strerror(errno)));
    if (::rename(name.data(), backup.c_str()) != 0)
      return IoError(fmt::format("{}: cannot create the backup: {}", PrintablePath(backup),
                                 std::strerror(errno)));
    guard.Keep();
    return Status::Ok();
  }
  if (::rename(tmp.c_str(), backup.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return IoError(
        fmt::format("{}: cannot create the backup: {}", PrintablePath(backup), std::strerror(e)));
  }
  return Status::Ok();
}

// Rewrites one file. Returns the number of secrets redacted, or the error (the file untouched).
Result<uint64_t> RedactFileInPlace(const std::string& path, const scan::Redactor& redactor,
                                   const RedactFlags& f) {
  const std::string shown = PrintablePath(path);
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) != 0)
    return Err(IoError(fmt::format("{}: {}", shown, std::strerror(errno))));
  if (S_ISLNK(lst.st_mode))
    return Err(InvalidArgument(fmt::format(
        "{}: is a symbolic link; --in-place rewrites regular files only (name its target)",
        shown)));
  if (!S_ISREG(lst.st_mode))
    return Err(InvalidArgument(fmt::format("{}: not a regular file", shown)));
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Err(IoError(fmt::format("{}: cannot open: {}", shown, std::strerror(errno))));
  std::unique_ptr<int, void (*)(int*)> close_fd(&fd, [](int* p) { ::close(*p); });
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_dev != lst.st_dev || st.st_ino != lst.st_ino)
    return Err(IoError(fmt::format("{}: changed while being opened", shown)));
  if (st.st_nlink > 1)
    return Err(InvalidArgument(
        fmt::format("{}: has {} hard links; rewriting it would leave the secrets under the other "
                    "names (not rewritten)",
                    shown, st.st_nlink)));

  const std::string dir = DirOf(path);
  const std::string pattern = dir + "/." + BaseOf(path) + ".leakguard-XXXXXX";
  std::vector<char> temp(pattern.begin(), pattern.end());
  temp.push_back('\0');
  int out = ::mkostemp(temp.data(), O_CLOEXEC);  // mode 0600 while it is being written
  if (out < 0)
    return Err(IoError(fmt::format("{}: cannot create a temporary file in {}: {}", shown,
                                   PrintablePath(dir), std::strerror(errno))));
  TempGuard guard(temp.data());
  std::unique_ptr<int, void (*)(int*)> close_out(&out, [](int* p) {
    if (*p >= 0) ::close(*p);
  });
  const std::string temp_shown = PrintablePath(temp.data());

  scan::RedactStats stats;
  if (Status s = Pump(fd, shown, redactor, path, out, temp_shown, &stats); !s.ok()) return Err(s);
  ReportLate(path, stats);
  if (stats.secrets == 0 && stats.late_secrets == 0) return uint64_t{0};  // nothing to rewrite

  // Appended to (or rewritten) while we read: replacing it would lose those bytes.
  struct stat after {};
  if (::fstat(fd, &after) != 0 || after.st_size != st.st_size ||
      after.st_mtim.tv_sec != st.st_mtim.tv_sec || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec ||
      static_cast<uint64_t>(st.st_size) != stats.bytes_in)
    return Err(IoError(fmt::format("{}: changed while being redacted; left as it was", shown)));

  // The original's owner (where permitted) and mode: the content is now redacted.
  if ((st.st_uid != ::geteuid() || st.st_gid != ::getegid()) &&
      ::fchown(out, st.st_uid, st.st_gid) != 0)
    Warn("{}: the rewritten file could not keep its owner ({}): it now belongs to this user", shown,
         std::strerror(errno));
  if (::fchmod(out, st.st_mode & 07777) != 0)
    return Err(IoError(fmt::format("{}: chmod: {}", temp_shown, std::strerror(errno))));
  if (::fsync(out) != 0)
    return Err(IoError(fmt::format("{}: fsync: {}", temp_shown, std::strerror(errno))));
  int closing = out;
  out = -1;
  if (::close(closing) != 0)
    return Err(IoError(fmt::format("{}: close: {}", temp_shown, std::strerror(errno))));

  if (f.backup) {
    if (Status s = MakeBackup(fd, path, path + f.backup_suffix); !s.ok()) return Err(s);
  }
  if (::rename(temp.data(), path.c_str()) != 0)
    return Err(IoError(fmt::format("{}: cannot replace it: {}", shown, std::strerror(errno))));
  guard.Keep();
  if (f.backup && ::fchmod(fd, 0600) != 0)  // the old inode is now the backup alone
    Warn("{}: could not make the backup owner-only: {}", PrintablePath(path + f.backup_suffix),
         std::strerror(errno));
  if (Status s = SyncDir(dir); !s.ok()) Warn("{}", s.message());
  return stats.secrets + stats.late_secrets;
}

int RedactInPlace(const std::vector<std::string>& files, const scan::Redactor& redactor,
                  const RedactFlags& f) {
  InstallSignalCleanup();
  int rc = kExitClean;
  for (const std::string& path : files) {
    auto n = RedactFileInPlace(path, redactor, f);
    if (!n) {
      fmt::print(stderr, "leakguard: error: {}\n", n.error().message());
      rc = kExitError;
      continue;
    }
    if (*n > 0)
      Note("{}: {} secret(s) redacted{}", PrintablePath(path), *n,
           f.backup ? fmt::format(" (original in {})", PrintablePath(path + f.backup_suffix)) : "");
    else
      Debug("{}: no secrets, left as it was", PrintablePath(path));
  }
  return rc;
}

int Run(const RedactFlags& f) {
  SetupLogging(f.common);
  if (f.keep < 0 || f.keep > 64) return UsageError("--keep takes a number of characters, 0 to 64");
  if (f.mask_given && f.mask.empty())
    return UsageError("--mask must not be empty (it replaces each secret)");
  if (f.backup && !f.in_place) return UsageError("--backup and --backup-suffix need --in-place");
  if (f.backup_suffix.empty() || f.backup_suffix.find('/') != std::string::npos)
    return UsageError("--backup-suffix must be non-empty and hold no '/'");
  std::vector<std::string> inputs = f.files;
  if (inputs.empty()) inputs.push_back("-");
  if (f.in_place) {
    for (const auto& p : inputs)
      if (p == "-") return UsageError("--in-place needs FILEs (it cannot rewrite standard input)");
  } else {
    size_t stdin_uses = 0;
    for (const auto& p : inputs) stdin_uses += p == "-";
    if (stdin_uses > 1) return UsageError("standard input ('-') named twice");
  }

  scan::ConfigChoice choice;
  choice.explicit_path = f.common.config;
  choice.rule_files = f.common.rules;
  choice.rules_only = f.common.rules_only;
  choice.roots = {"."};  // like `leakguard scan` run here: .leakguard.toml / .gitleaks.toml
  auto loaded = scan::LoadRules(choice);
  if (!loaded) return ConfigError(loaded.error().message());
  scan::RedactOptions ro;
  ro.mask = f.mask;
  ro.keep = static_cast<size_t>(f.keep);
  std::vector<std::string> notes;
  scan::Redactor redactor(loaded->db, ro, &notes);
  for (const auto& n : notes) Note("{}", n);
  return f.in_place ? RedactInPlace(inputs, redactor, f) : RedactToStdout(inputs, redactor);
}

}  // namespace

std::function<int()> RegisterRedact(CLI::App& app) {
  auto f = std::make_shared<RedactFlags>();
  CLI::App* cmd = app.add_subcommand(
      "redact",
      "Copy FILEs (default: standard input) to standard output with every secret masked.\n"
      "Same rules, config and allowlists as `scan`. Each line is written as soon as it is\n"
      "decided, so it can sit in a pipeline: app 2>&1 | leakguard redact | tee app.log\n"
      "Exit code: 0 done, 2 usage, configuration or I/O error.");
  cmd->add_option("files", f->files, "Files to redact ('-' = standard input); default: stdin");
  AddCommonFlags(cmd, &f->common);
  AddRuleFileFlags(cmd, &f->common);
  cmd->add_option("--mask", f->mask,
                  "Replace each secret with this text ('{rule}' = the rule id); default: "
                  "[REDACTED:{rule}]")
      ->each([f](const std::string&) { f->mask_given = true; });
  cmd->add_option("--keep", f->keep,
                  "Leave the first N characters of each secret visible (never more than a "
                  "quarter of it); default 0");
  cmd->add_flag("-i,--in-place", f->in_place,
                "Rewrite each FILE: temporary file in the same directory, fsync, atomic rename; "
                "keeps the file's mode; files without secrets are left untouched");
  cmd->add_flag("--backup", f->backup,
                "With --in-place: keep the original as FILE.bak (mode 0600: it holds the secrets)");
  cmd->add_option("--backup-suffix", f->backup_suffix,
                  "Suffix of the backup (implies --backup); default .bak")
      ->each([f](const std::string&) { f->backup = true; });
  return [f]() { return Run(*f); };
}

}  // namespace leakguard::cli
