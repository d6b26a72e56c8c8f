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

#include "support/leakguard_process.h"
#include "support/temp_dir.h"

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

// ---- Running the binary: tests/support/leakguard_process.h --------------------------------

using namespace leakguard::test_support;  // NOLINT: the e2e runner

// ---- Temporary trees (TempDir: tests/support/temp_dir.h) ------------------------------------

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
