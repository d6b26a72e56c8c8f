// End-to-end tests of `leakguard redact`: the real binary (LEAKGUARD_BIN) run with fork/exec,
// fed through real pipes. Covered: stdin and files to stdout, masks, config and allowlists,
// usage and I/O errors, a line flushed before the next one arrives, byte-for-byte output (CRLF,
// invalid UTF-8), a 100 MB single line in bounded memory, and --in-place: mode, owner, backup,
// refusals, atomicity against a concurrent reader, and interruption by SIGTERM and SIGKILL.
//
// Secrets are assembled at run time from pieces, so this file holds no literal token.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string GithubPat() {
  return std::string("gh") + "p_" + "aB3dE5fG7hJ9kL1mN2" + "pQ4rS6tU8vW00snvpY";
}
std::string AwsKeyId() { return std::string("AK") + "IA" + "QZ7XW3LK" + "P4RTY2NV"; }
std::string AcmeToken() { return std::string("ac") + "me_" + "k3j9x0q7w2" + "m5n8b1v4c6"; }

bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

// ---- Running the binary ---------------------------------------------------------------------

struct RunResult {
  int exit_code = -1;  // exit status, or 128 + signal
  bool timed_out = false;
  std::string out, err;
  long max_rss_kb = 0;
};

struct RunOptions {
  std::optional<std::string> stdin_data;  // nullopt: /dev/null
  std::string cwd;
  int timeout_seconds = 300;
  int run_as_uid = -1;
};

// A running `leakguard` with pipes to its stdin, stdout and stderr.
class Child {
 public:
  Child(const std::vector<std::string>& args, const RunOptions& opt, bool pipe_stdin) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2: " << std::strerror(errno);
      return;
    }
    std::vector<std::string> argv_s = {LEAKGUARD_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      if (pipe_stdin) {
        ::dup2(in[0], STDIN_FILENO);
      } else {
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, STDIN_FILENO);
      }
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      if (!opt.cwd.empty() && ::chdir(opt.cwd.c_str()) != 0) ::_exit(126);
      if (opt.run_as_uid >= 0) {
        auto id = static_cast<uid_t>(opt.run_as_uid);
        if (::setgroups(0, nullptr) != 0 || ::setgid(id) != 0 || ::setuid(id) != 0) ::_exit(125);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_ = err[0];
    if (!pipe_stdin) {
      ::close(in_);
      in_ = -1;
    }
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
    for (int fd : {in_, out_, err_})
      if (fd >= 0) ::close(fd);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  bool Write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(in_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  void CloseStdin() {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
  }

  // Reads stdout until it holds `want` bytes or `seconds` pass; returns what arrived.
  std::string ReadStdout(size_t want, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (out_buf_.size() < want && out_ >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) break;
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000))) <= 0) continue;
      char buf[65536];
      ssize_t n = ::read(out_, buf, sizeof buf);
      if (n <= 0) {
        ::close(out_);
        out_ = -1;
        break;
      }
      out_buf_.append(buf, static_cast<size_t>(n));
    }
    std::string got = out_buf_.substr(0, std::min(want, out_buf_.size()));
    out_buf_.erase(0, got.size());
    return got;
  }

  // Feeds `stdin_data` (if any), collects stdout/stderr and waits, within `timeout` seconds.
  RunResult Finish(const std::optional<std::string>& stdin_data, int timeout) {
    RunResult r;
    r.out = std::move(out_buf_);
    size_t done = 0;
    if (in_ >= 0 && !stdin_data) CloseStdin();
    if (in_ >= 0) ::fcntl(in_, F_SETFL, O_NONBLOCK);
    struct sigaction ignore {
    }, old{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &old);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
    char buf[1 << 16];
    while (out_ >= 0 || err_ >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) {
        r.timed_out = true;
        ::kill(pid_, SIGKILL);
        break;
      }
      if (in_ >= 0 && done == stdin_data->size()) CloseStdin();
      pollfd fds[3];
      int n = 0;
      if (out_ >= 0) fds[n++] = {out_, POLLIN, 0};
      if (err_ >= 0) fds[n++] = {err_, POLLIN, 0};
      if (in_ >= 0) fds[n++] = {in_, POLLOUT, 0};
      if (::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left, 1000))) <
              0 &&
          errno != EINTR)
        break;
      for (int i = 0; i < n; ++i) {
        if (!fds[i].revents) continue;
        if (fds[i].fd == in_) {
          ssize_t w = ::write(in_, stdin_data->data() + done, stdin_data->size() - done);
          if (w > 0)
            done += static_cast<size_t>(w);
          else if (w < 0 && errno != EAGAIN && errno != EINTR)
            CloseStdin();
          continue;
        }
        ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
        if (got > 0) {
          (fds[i].fd == out_ ? r.out : r.err).append(buf, static_cast<size_t>(got));
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
          ::close(fds[i].fd);
          (fds[i].fd == out_ ? out_ : err_) = -1;
        }
      }
    }
    ::sigaction(SIGPIPE, &old, nullptr);
    CloseStdin();
    Wait(&r);
    return r;
  }

  // Waits for exit; fills exit code and peak memory.
  void Wait(RunResult* r = nullptr) {
    int status = 0;
    rusage ru{};
    while (::wait4(pid_, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    if (!r) return;
    r->max_rss_kb = ru.ru_maxrss;
    if (WIFEXITED(status))
      r->exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
      r->exit_code = 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  bool reaped_ = false;
  std::string out_buf_;
};

RunResult RunLeakguard(const std::vector<std::string>& args, const RunOptions& opt = {}) {
  Child c(args, opt, opt.stdin_data.has_value());
  return c.Finish(opt.stdin_data, opt.timeout_seconds);
}

RunOptions WithStdin(std::string data) {
  RunOptions o;
  o.stdin_data = std::move(data);
  return o;
}

std::string Describe(const std::vector<std::string>& args, const RunResult& r) {
  std::string s = "leakguard";
  for (const auto& a : args) s += " '" + a.substr(0, 100) + "'";
  s += "\nexit code: " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "");
  s += "\n--- stdout ---\n" + r.out.substr(0, 2000);
  s += "\n--- stderr ---\n" + r.err.substr(0, 2000);
  return s;
}

// ---- Temporary trees ------------------------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lg-redact-XXXXXX").string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(std::string_view rel) const { return path_ + "/" + std::string(rel); }
  std::string Write(std::string_view rel, std::string_view content) const {
    std::string p = *this / rel;
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    EXPECT_TRUE(f.good()) << p;
    return p;
  }
  // Names in the directory (not recursive), sorted.
  std::vector<std::string> List() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct stat Stat(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st;
}

// A log with two secrets, and what `redact` makes of it.
std::string Log() {
  return "2024-05-01 INFO start\nAuthorization token=" + GithubPat() + "\n2024-05-01 INFO aws " +
         AwsKeyId() + " used\n2024-05-01 INFO done\n";
}
std::string RedactedLog() {
  return "2024-05-01 INFO start\nAuthorization token=[REDACTED:github-pat]\n"
         "2024-05-01 INFO aws [REDACTED:aws-access-key-id] used\n2024-05-01 INFO done\n";
}

// ---- Standard input and files to standard output
// -------------------------------------------------

TEST(RedactCli, StdinToStdoutMasksEverySecretAndNothingElse) {
  TempDir dir;  // an empty working directory: no .leakguard.toml
  RunOptions o = WithStdin(Log());
  o.cwd = dir.path();
  RunResult r = RunLeakguard({"redact"}, o);
  ASSERT_EQ(r.exit_code, 0) << Describe({"redact"}, r);
  EXPECT_EQ(r.out, RedactedLog());
  EXPECT_EQ(r.err, "");
  EXPECT_FALSE(Contains(r.out + r.err, GithubPat()));
}

TEST(RedactCli, FilesAndStdinAreConcatenatedInOrder) {
  TempDir dir;
  dir.Write("a.log", "a " + GithubPat() + "\n");
  dir.Write("b.log", "b " + AwsKeyId() + "\n");
  RunOptions o = WithStdin("from stdin " + GithubPat() + "\n");
  o.cwd = dir.path();
  RunResult r = RunLeakguard({"redact", "a.log", "-", "b.log"}, o);
  ASSERT_EQ(r.exit_code, 0) << Describe({}, r);
  EXPECT_EQ(r.out,
            "a [REDACTED:github-pat]\nfrom stdin [REDACTED:github-pat]\nb "
            "[REDACTED:aws-access-key-id]\n");
}

struct MaskCase {
  const char* name;
  std::vector<std::string> flags;
  std::string want;  // for the line "t=<PAT>\n"
};
void PrintTo(const MaskCase& c, std::ostream* os) { *os << c.name; }
class RedactMaskCli : public testing::TestWithParam<MaskCase> {};

TEST_P(RedactMaskCli, Masks) {
  std::vector<std::string> args = {"redact"};
  args.insert(args.end(), GetParam().flags.begin(), GetParam().flags.end());
  RunResult r = RunLeakguard(args, WithStdin("t=" + GithubPat() + "\n"));
  ASSERT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_EQ(r.out, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Flags, RedactMaskCli,
    testing::Values(MaskCase{"Default", {}, "t=[REDACTED:github-pat]\n"},
                    MaskCase{"Mask", {"--mask", "***"}, "t=***\n"},
                    MaskCase{"MaskWithRule", {"--mask=<{rule}>"}, "t=<github-pat>\n"},
                    MaskCase{"KeepFour", {"--keep", "4"}, "t=ghp_[REDACTED:github-pat]\n"},
                    MaskCase{"KeepFourWithMask", {"--keep=4", "--mask", "****"}, "t=ghp_****\n"}),
    [](const testing::TestParamInfo<MaskCase>& p) { return p.param.name; });

TEST(RedactCli, CrlfInvalidUtf8AndNulBytesComeOutByteForByte) {
  const std::string in = std::string("\xff\xfe\x00 x\r\n", 7) + "k=" + GithubPat() + "\r\n" +
                         "caf\xc3\xa9 \xc3\x28 \x80\r\r\n" + "last line without newline \xe2\x82";
  const std::string want = std::string("\xff\xfe\x00 x\r\n", 7) + "k=[REDACTED:github-pat]\r\n" +
                           "caf\xc3\xa9 \xc3\x28 \x80\r\r\n" + "last line without newline \xe2\x82";
  RunResult r = RunLeakguard({"redact"}, WithStdin(in));
  ASSERT_EQ(r.exit_code, 0) << Describe({"redact"}, r);
  EXPECT_TRUE(r.out == want) << "output differs from the input outside the secret";
}

TEST(RedactCli, PemBlockThroughAPipeIsMaskedLineByLine) {
  // A made-up key body: base64-shaped lines, assembled here.
  std::string body;
  for (int i = 0; i < 12; ++i)
    body += "MIIEpAIBAAKCAQEA" + std::string(48, static_cast<char>('a' + i)) + "\n";
  const std::string key = std::string("-----BEGIN RSA ") + "PRIVATE KEY-----\n" + body +
                          "-----END RSA PRIVATE KEY-----\n";
  RunResult r = RunLeakguard({"redact"}, WithStdin("before\n" + key + "after\n"));
  ASSERT_EQ(r.exit_code, 0) << Describe({"redact"}, r);
  std::string want = "before\n";
  for (int i = 0; i < 14; ++i) want += "[REDACTED:rsa-private-key]\n";
  want += "after\n";
  EXPECT_EQ(r.out, want);
}

// ---- Streaming: a line goes out before the next one comes in
// --------------------------------------

TEST(RedactCli, EachLineIsFlushedBeforeTheNextArrivesThroughARealPipe) {
  TempDir dir;
  RunOptions o;
  o.cwd = dir.path();
  Child c({"redact"}, o, /*pipe_stdin=*/true);
  // Each line is written only after the previous one came out of the other end: if leakguard
  // waited for more input (or for end of input) before writing, the read would time out.
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"first line\n", "first line\n"},
      {"token=" + GithubPat() + "\n", "token=[REDACTED:github-pat]\n"},
      {"crlf line\r\n", "crlf line\r\n"},
      {"aws " + AwsKeyId() + " tail\n", "aws [REDACTED:aws-access-key-id] tail\n"},
  };
  for (const auto& [in, want] : lines) {
    ASSERT_TRUE(c.Write(in));
    EXPECT_EQ(c.ReadStdout(want.size(), 60), want) << "line not flushed: " << want;
  }
  // A partial line waits for its end (or for the end of the input).
  ASSERT_TRUE(c.Write("partial " + AwsKeyId()));
  c.CloseStdin();
  RunResult r = c.Finish(std::nullopt, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "partial [REDACTED:aws-access-key-id]");
}

// ---- A 100 MB line
// ----------------------------------------------------------------------------------

TEST(RedactCli, HundredMegabyteSingleLineInBoundedMemory) {
  // Started before the 200 MB of test data exist: a child's peak RSS counts the memory it
  // shared with this process between fork and exec.
  Child c({"redact"}, RunOptions{}, /*pipe_stdin=*/true);
  const std::string pat = GithubPat();
  const std::string filler = "user=alice action=GET path=/api/v1/items/42 status=200 took=12ms; ";
  std::string in, want;
  in.reserve((100u << 20) + 4096);
  want.reserve((100u << 20) + 4096);
  size_t planted = 0;
  while (in.size() < (100u << 20)) {
    in += filler;
    want += filler;
    if (in.size() % 3000000 < filler.size()) {
      in += "key=" + pat + " ";
      want += "key=[REDACTED:github-pat] ";
      ++planted;
    }
  }
  RunResult r = c.Finish(in, 300);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(planted, 30u);
  EXPECT_EQ(r.out.size(), want.size());
  EXPECT_TRUE(r.out == want) << "the 100 MB line was not redacted exactly";
  // Bounded memory: the rules database plus a few MiB of buffers (~27 MiB in all), nowhere near
  // the input. AddressSanitizer's shadow memory and quarantine add their own.
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kLimitKb = 192 * 1024;
#else
  constexpr long kLimitKb = 64 * 1024;
#endif
  EXPECT_LT(r.max_rss_kb, kLimitKb) << "peak RSS " << r.max_rss_kb << " KiB";
}

// ---- Rules, config, errors
// ---------------------------------------------------------------------------

constexpr const char* kAcmeConfig = R"toml(
[[rules]]
id = "acme"
regex = '''\b(acme_[a-z0-9]{20})\b'''
keywords = ["acme_"]
[[allowlists]]
stopwords = ["example"]
)toml";

TEST(RedactCli, ConfigFlagReplacesTheBuiltInRules) {
  TempDir dir;
  dir.Write("rules.toml", kAcmeConfig);
  const std::string in = AcmeToken() + " " + GithubPat() + "\n";
  RunResult r = RunLeakguard({"redact", "--config", dir / "rules.toml"}, WithStdin(in));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[REDACTED:acme] " + GithubPat() + "\n");
}

TEST(RedactCli, LeakguardTomlInTheWorkingDirectoryIsUsedLikeScan) {
  TempDir dir;
  dir.Write(".leakguard.toml", std::string("[extend]\nuseDefault = true\n") + kAcmeConfig);
  RunOptions o = WithStdin(AcmeToken() + " " + GithubPat() + " acme_example0123456789abc\n");
  o.cwd = dir.path();
  RunResult r = RunLeakguard({"redact"}, o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[REDACTED:acme] [REDACTED:github-pat] acme_example0123456789abc\n");
  EXPECT_TRUE(Contains(r.err, ".leakguard.toml")) << "the config in use is named";
}

TEST(RedactCli, InvalidConfigExitsTwoNamingTheFile) {
  TempDir dir;
  dir.Write("bad.toml", "[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\n");
  RunResult r = RunLeakguard({"redact", "--config", dir / "bad.toml"}, WithStdin("x\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "bad.toml")) << r.err;
  EXPECT_EQ(r.out, "");
}

struct UsageCase {
  const char* name;
  std::vector<std::string> args;
  const char* message;
};
void PrintTo(const UsageCase& c, std::ostream* os) { *os << c.name; }
class RedactUsageCli : public testing::TestWithParam<UsageCase> {};

TEST_P(RedactUsageCli, ExitsTwoWithAMessage) {
  std::vector<std::string> args = {"redact"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  RunResult r = RunLeakguard(args, WithStdin("t=" + GithubPat() + "\n"));
  EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
  EXPECT_TRUE(Contains(r.err, GetParam().message)) << r.err;
  EXPECT_FALSE(Contains(r.out + r.err, GithubPat()));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, RedactUsageCli,
    testing::Values(
        UsageCase{"InPlaceWithoutFiles", {"--in-place"}, "--in-place needs FILEs"},
        UsageCase{"InPlaceOnStdin", {"-i", "-"}, "--in-place needs FILEs"},
        UsageCase{"BackupWithoutInPlace", {"--backup"}, "need --in-place"},
        UsageCase{"BackupSuffixWithoutInPlace", {"--backup-suffix", ".orig"}, "need --in-place"},
        UsageCase{"NegativeKeep", {"--keep", "-1"}, "--keep"},
        UsageCase{"HugeKeep", {"--keep", "1000"}, "--keep"},
        UsageCase{"EmptyMask", {"--mask", ""}, "--mask"},
        UsageCase{"StdinTwice", {"-", "-"}, "twice"},
        UsageCase{"UnknownFlag", {"--frobnicate"}, "frobnicate"}),
    [](const testing::TestParamInfo<UsageCase>& p) { return p.param.name; });

TEST(RedactCli, MissingFileAndDirectoryExitTwoButTheOtherFilesAreDone) {
  TempDir dir;
  dir.Write("ok.log", "k=" + GithubPat() + "\n");
  fs::create_directories(dir / "sub");
  RunOptions o;
  o.cwd = dir.path();
  RunResult r = RunLeakguard({"redact", "missing.log", "sub", "ok.log"}, o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "k=[REDACTED:github-pat]\n");
  EXPECT_TRUE(Contains(r.err, "missing.log")) << r.err;
  EXPECT_TRUE(Contains(r.err, "sub: is a directory")) << r.err;
}

TEST(RedactCli, AppendingToTheInputFileIsRefused) {
  TempDir dir;
  dir.Write("f.log", "k=" + GithubPat() + "\n");
  const std::string cmd = std::string("'") + LEAKGUARD_BIN + "' redact f.log >> f.log";
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.path().c_str()) != 0) ::_exit(126);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDERR_FILENO);
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2);
  EXPECT_EQ(ReadFile(dir / "f.log"), "k=" + GithubPat() + "\n") << "nothing appended";
}

TEST(RedactCli, HelpListsTheOptions) {
  RunResult r = RunLeakguard({"redact", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--mask", "--keep", "--in-place", "--backup", "--config"})
    EXPECT_TRUE(Contains(r.out, opt)) << opt;
}

// ---- In place
// ----------------------------------------------------------------------------------------

TEST(RedactInPlace, RewritesTheFileKeepingItsModeAndLeavesNoTemporaryFile) {
  TempDir dir;
  const std::string f = dir.Write("app.log", Log());
  ASSERT_EQ(::chmod(f.c_str(), 0640), 0);
  const ino_t before = Stat(f).st_ino;
  RunResult r = RunLeakguard({"redact", "--in-place", f});
  ASSERT_EQ(r.exit_code, 0) << Describe({}, r);
  EXPECT_EQ(ReadFile(f), RedactedLog());
  const struct stat st = Stat(f);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  EXPECT_NE(st.st_ino, before) << "replaced by rename, not rewritten in place";
  EXPECT_EQ(dir.List(), std::vector<std::string>{"app.log"});
  EXPECT_TRUE(Contains(r.err, "2 secret(s) redacted")) << r.err;
  EXPECT_FALSE(Contains(r.err, GithubPat()));
}

TEST(RedactInPlace, BackupHoldsTheOriginalWithOwnerOnlyMode) {
  TempDir dir;
  const std::string f = dir.Write("app.log", Log());
  ASSERT_EQ(::chmod(f.c_str(), 0644), 0);
  RunResult r = RunLeakguard({"redact", "-i", "--backup", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(f), RedactedLog());
  EXPECT_EQ(Stat(f).st_mode & 07777, 0644u);
  EXPECT_EQ(ReadFile(f + ".bak"), Log());
  EXPECT_EQ(Stat(f + ".bak").st_mode & 07777, 0600u) << "the backup holds the secrets";
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"app.log", "app.log.bak"}));

  // A second rewrite with a new secret replaces the old backup.
  dir.Write("app.log", "again " + AwsKeyId() + "\n");
  r = RunLeakguard({"redact", "-i", "--backup-suffix", ".orig", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(f + ".orig"), "again " + AwsKeyId() + "\n");
  EXPECT_EQ(ReadFile(f), "again [REDACTED:aws-access-key-id]\n");
  dir.Write("app.log.orig", "old backup\n");
  dir.Write("app.log", "third " + GithubPat() + "\n");
  r = RunLeakguard({"redact", "-i", "--backup-suffix=.orig", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(f + ".orig"), "third " + GithubPat() + "\n") << "an old backup is replaced";
}

TEST(RedactInPlace, FileWithoutSecretsIsLeftUntouched) {
  TempDir dir;
  const std::string f = dir.Write("clean.log", "nothing to see\n");
  const struct stat before = Stat(f);
  RunResult r = RunLeakguard({"redact", "-i", "--backup", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const struct stat after = Stat(f);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  EXPECT_EQ(dir.List(), std::vector<std::string>{"clean.log"}) << "no backup, no temp file";
}

TEST(RedactInPlace, SymlinksHardLinksAndFifosAreRefusedAndLeftAsTheyAre) {
  TempDir dir;
  const std::string target = dir.Write("target.log", Log());
  ASSERT_EQ(::symlink("target.log", (dir / "link.log").c_str()), 0);
  const std::string two = dir.Write("two.log", Log());
  ASSERT_EQ(::link(two.c_str(), (dir / "two-again.log").c_str()), 0);
  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0600), 0);
  const std::string good = dir.Write("good.log", Log());
  RunOptions o;
  o.timeout_seconds = 120;
  RunResult r = RunLeakguard({"redact", "-i", dir / "link.log", two, dir / "pipe", good}, o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "symbolic link")) << r.err;
  EXPECT_TRUE(Contains(r.err, "hard links")) << r.err;
  EXPECT_TRUE(Contains(r.err, "not a regular file")) << r.err;
  EXPECT_EQ(ReadFile(target), Log());
  EXPECT_EQ(ReadFile(two), Log());
  EXPECT_EQ(ReadFile(good), RedactedLog()) << "the other files are still done";
  EXPECT_TRUE(fs::is_symlink(dir / "link.log"));
}

TEST(RedactInPlace, UnwritableDirectoryLeavesTheFileUntouched) {
  TempDir dir;
  const std::string f = dir.Write("ro/app.log", Log());
  ASSERT_EQ(::chmod((dir / "ro").c_str(), 0555), 0);
  RunOptions o;
  if (::geteuid() == 0) {
    // Root may write anywhere: run as nobody, who can read the file but not write the directory.
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    ASSERT_EQ(::chmod(f.c_str(), 0644), 0);
    o.run_as_uid = 65534;
  }
  RunResult r = RunLeakguard({"redact", "-i", f}, o);
  EXPECT_EQ(r.exit_code, 2) << Describe({}, r);
  EXPECT_TRUE(Contains(r.err, "temporary file")) << r.err;
  EXPECT_EQ(ReadFile(f), Log());
  EXPECT_EQ(fs::directory_iterator(dir / "ro")->path().filename(), "app.log");
  ::chmod((dir / "ro").c_str(), 0755);
}

// A file of `mb` megabytes of log lines with a secret every few lines.
std::string BigLog(size_t mb, std::string* redacted) {
  std::string in, out;
  for (int i = 0; in.size() < (mb << 20); ++i) {
    std::string line = "2024-05-01 12:00:00 INFO request " + std::to_string(i) + " ok\n";
    in += line;
    out += line;
    if (i % 7 == 0) {
      in += "token=" + GithubPat() + "\n";
      out += "token=[REDACTED:github-pat]\n";
    }
  }
  if (redacted) *redacted = std::move(out);
  return in;
}

TEST(RedactInPlace, AConcurrentReaderSeesTheOldFileOrTheNewOneNeverAMix) {
  TempDir dir;
  std::string redacted;
  const std::string original = BigLog(24, &redacted);
  const std::string f = dir.Write("big.log", original);
  std::atomic<bool> done{false};
  size_t reads = 0, old_seen = 0, new_seen = 0, other = 0;
  std::thread reader([&] {
    while (!done.load()) {
      const std::string now = ReadFile(f);
      ++reads;
      if (now == original)
        ++old_seen;
      else if (now == redacted)
        ++new_seen;
      else
        ++other;
    }
  });
  RunResult r = RunLeakguard({"redact", "-i", f});
  done = true;
  reader.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(other, 0u) << "a reader saw a partial or mixed file (" << reads << " reads)";
  EXPECT_GT(old_seen + new_seen, 0u);
  EXPECT_TRUE(ReadFile(f) == redacted);
}

// Starts `redact -i` on a large file and sends `sig` once its temporary file has data in it.
RunResult InterruptMidWay(const TempDir& dir, const std::string& f, int sig, bool* caught) {
  Child c({"redact", "-i", f}, RunOptions{}, false);
  *caught = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!*caught && std::chrono::steady_clock::now() < deadline) {
    for (const auto& e : fs::directory_iterator(dir.path())) {
      std::error_code ec;
      if (e.path().filename().string().starts_with(".big.log.leakguard-") &&
          fs::file_size(e.path(), ec) > 0 && !ec) {
        *caught = ::kill(c.pid(), sig) == 0;
        break;
      }
    }
    siginfo_t info{};  // finished first? (WNOWAIT: left for Finish to reap)
    if (::waitid(P_PID, static_cast<id_t>(c.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid != 0)
      break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return c.Finish(std::nullopt, 120);
}

TEST(RedactInPlace, SigtermMidWayLeavesTheOriginalAndRemovesTheTemporaryFile) {
  TempDir dir;
  const std::string original = BigLog(160, nullptr);
  const std::string f = dir.Write("big.log", original);
  bool caught = false;
  RunResult r = InterruptMidWay(dir, f, SIGTERM, &caught);
  ASSERT_TRUE(caught) << "the rewrite finished before it could be interrupted";
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
  EXPECT_TRUE(ReadFile(f) == original) << "the original changed";
  EXPECT_EQ(dir.List(), std::vector<std::string>{"big.log"}) << "temporary file left behind";
}

TEST(RedactInPlace, SigkillMidWayLeavesTheOriginalIntact) {
  TempDir dir;
  const std::string original = BigLog(160, nullptr);
  const std::string f = dir.Write("big.log", original);
  bool caught = false;
  RunResult r = InterruptMidWay(dir, f, SIGKILL, &caught);
  ASSERT_TRUE(caught) << "the rewrite finished before it could be interrupted";
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  EXPECT_TRUE(ReadFile(f) == original) << "the original changed";
  // SIGKILL cannot be caught: the partial temporary file stays (documented), owner-only.
  for (const auto& name : dir.List()) {
    if (name == "big.log") continue;
    EXPECT_TRUE(name.starts_with(".big.log.leakguard-")) << name;
    EXPECT_EQ(Stat(dir / name).st_mode & 0777, 0600u) << name;
  }
}

}  // namespace
