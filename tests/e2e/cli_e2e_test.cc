// End-to-end tests of the `leakguard` binary: each test builds a small tree in a temporary
// directory, runs the real executable (LEAKGUARD_BIN) with fork/exec, and checks its exit code,
// stdout and stderr. A helper enforces a timeout so a hang (a FIFO opened for reading, a symlink
// loop walked forever) fails the test instead of blocking CTest.
//
// The planted secrets are assembled at run time from pieces, so this source file never holds a
// literal token that a scanner (this one included) would flag.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/leakguard_process.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- Planted secrets ------------------------------------------------------------------------

// A GitHub classic PAT: "ghp_" + 36 base62 characters.
std::string GithubPat() {
  return std::string("gh") + "p_" + "aB3dE5fG7hJ9kL1mN2" + "pQ4rS6tU8vW00snvpY";
}
// A second, different PAT (for tests that need two distinct secrets of one rule).
std::string GithubPat2() {
  return std::string("gh") + "p_" + "Zx9Wv8Ut7Sr6Qp5On4" + "Ml3Kj2Ih1Gf01dIj2O";
}
// An AWS access key id: "AKIA" + 16 characters of [A-Z2-7].
std::string AwsKeyId() { return std::string("AK") + "IA" + "QZ7XW3LK" + "P4RTY2NV"; }
// A token only a custom rule knows: "acme_" + 20 lower-case alphanumerics.
std::string AcmeToken() { return std::string("ac") + "me_" + "k3j9x0q7w2" + "m5n8b1v4c6"; }

// ---- Running the binary: tests/support/leakguard_process.h --------------------------------

using namespace leakguard::test_support;  // NOLINT: the e2e runner

// ---- Temporary trees (TempDir: tests/support/temp_dir.h) ------------------------------------

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

json ParseJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON:\n" << text.substr(0, 2000);
  return j;
}

// Runs `scan ARGS -f json` and returns the parsed report (null on failure).
json ScanJson(std::vector<std::string> args, RunResult* r_out = nullptr,
              const RunOptions& opt = {}) {
  args.insert(args.begin(), "scan");
  args.push_back("--format=json");
  RunResult r = RunLeakguard(args, opt);
  if (r_out) *r_out = r;
  EXPECT_FALSE(r.timed_out) << Describe(args, r);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << Describe(args, r);
  json j = ParseJson(r.out);
  if (j.is_discarded() || !j.is_object()) return json();
  return j;
}

std::multiset<std::string> RuleIds(const json& report) {
  std::multiset<std::string> ids;
  if (report.contains("findings"))
    for (const auto& f : report["findings"]) ids.insert(f["rule_id"].get<std::string>());
  return ids;
}

std::vector<std::string> Fingerprints(const json& report) {
  std::vector<std::string> out;
  if (report.contains("findings"))
    for (const auto& f : report["findings"])
      out.push_back(f["file"].get<std::string>() + " " + f["rule_id"].get<std::string>() + " " +
                    f["fingerprint"].get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

uint64_t Skipped(const json& report, const char* why) {
  return report["summary"]["skipped"][why].get<uint64_t>();
}

bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

// A file with both standard secrets, the PAT at line 1 column 10, the key id at line 2.
std::string TwoSecretsFile() {
  return "token = \"" + GithubPat() + "\"\naws_key = \"" + AwsKeyId() + "\"\n";
}

// ---- --help and --version -------------------------------------------------------------------

struct HelpCase {
  const char* name;
  std::vector<std::string> args;
  const char* expect_in_stdout;
};

void PrintTo(const HelpCase& c, std::ostream* os) { *os << c.name; }

class HelpTest : public testing::TestWithParam<HelpCase> {};

TEST_P(HelpTest, ExitsZeroAndPrintsToStdout) {
  const HelpCase& c = GetParam();
  RunResult r = RunLeakguard(c.args, WithTimeout(30));
  EXPECT_EQ(r.exit_code, 0) << Describe(c.args, r);
  EXPECT_TRUE(Contains(r.out, c.expect_in_stdout)) << Describe(c.args, r);
}

INSTANTIATE_TEST_SUITE_P(Cli, HelpTest,
                         testing::Values(HelpCase{"TopLevelHelp", {"--help"}, "scan"},
                                         HelpCase{
                                             "ScanHelp", {"scan", "--help"}, "--max-file-size"},
                                         HelpCase{"Version", {"--version"}, "leakguard "}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// ---- Exit codes -----------------------------------------------------------------------------

struct ExitCase {
  const char* name;
  std::function<void(const TempDir&)> setup;
  // "{root}" is replaced by the tree's path.
  std::vector<std::string> args;
  int exit_code;
  std::vector<std::string> stderr_has;  // "{root}" replaced too
};

std::string Expand(std::string s, const TempDir& t) {
  for (size_t p; (p = s.find("{root}")) != std::string::npos;) s.replace(p, 6, t.path());
  return s;
}

void CleanTree(const TempDir& t) {
  t.Write("README.md", "# nothing to see here\n");
  t.Write("src/main.c", "int main(void) { return 0; }\n");
}

void DirtyTree(const TempDir& t) {
  CleanTree(t);
  t.Write("config/app.txt", TwoSecretsFile());
}

void PrintTo(const ExitCase& c, std::ostream* os) { *os << c.name; }

class ExitCodeTest : public testing::TestWithParam<ExitCase> {};

TEST_P(ExitCodeTest, ExitsAsDocumented) {
  const ExitCase& c = GetParam();
  TempDir t;
  if (c.setup) c.setup(t);
  std::vector<std::string> args;
  for (const auto& a : c.args) args.push_back(Expand(a, t));
  RunResult r = RunLeakguard(args);
  ASSERT_FALSE(r.timed_out) << Describe(args, r);
  EXPECT_EQ(r.exit_code, c.exit_code) << Describe(args, r);
  for (const auto& want : c.stderr_has)
    EXPECT_TRUE(Contains(r.err, Expand(want, t))) << "stderr lacks '" << Expand(want, t) << "'\n"
                                                  << Describe(args, r);
  if (c.exit_code == 2) {
    // A run that could not start prints no report.
    EXPECT_FALSE(Contains(r.out, "Finding:")) << Describe(args, r);
  }
}

const char kInvalidTomlConfig[] =
    "title = \"broken\"\n"
    "[[rules]]\n"
    "id = \"x\"\n"
    "regex = '''abc\n";  // unterminated multi-line literal: error at line 4

const char kInvalidRegexConfig[] =
    "title = \"bad regex\"\n"
    "\n"
    "[[rules]]\n"
    "id = \"broken-regex-rule\"\n"
    "regex = '''tok_([a-z]+'''\n";  // line 5

const char kSecretGroupConfig[] =
    "[[rules]]\n"
    "id = \"group-rule\"\n"
    "regex = '''tok_([a-z]+)'''\n"
    "secretGroup = 3\n";  // line 4

INSTANTIATE_TEST_SUITE_P(
    Cli, ExitCodeTest,
    testing::Values(
        ExitCase{"CleanTreeExitsZero", CleanTree, {"scan", "{root}"}, 0, {}},
        ExitCase{"FindingsExitOne", DirtyTree, {"scan", "{root}"}, 1, {}},
        ExitCase{"ExitCodeFlagSevenOnFindings",
                 DirtyTree,
                 {"scan", "--exit-code", "7", "{root}"},
                 7,
                 {}},
        ExitCase{"ExitCodeFlagSevenCleanTreeStillZero",
                 CleanTree,
                 {"scan", "--exit-code", "7", "{root}"},
                 0,
                 {}},
        ExitCase{"UnknownFlagExitsTwo",
                 CleanTree,
                 {"scan", "--no-such-flag", "{root}"},
                 2,
                 {"--no-such-flag"}},
        ExitCase{"UnknownSubcommandExitsTwo", nullptr, {"scna"}, 2, {}},
        ExitCase{
            "UnknownFormatExitsTwo", CleanTree, {"scan", "--format", "xml", "{root}"}, 2, {"xml"}},
        ExitCase{"BadMaxFileSizeExitsTwo",
                 CleanTree,
                 {"scan", "--max-file-size", "12Q", "{root}"},
                 2,
                 {"--max-file-size"}},
        ExitCase{"NonexistentPathExitsTwoAndNamesIt",
                 CleanTree,
                 {"scan", "{root}/does-not-exist"},
                 2,
                 {"{root}/does-not-exist"}},
        ExitCase{"InvalidTomlNamesFileAndLine",
                 [](const TempDir& tree) {
                   DirtyTree(tree);
                   tree.Write("bad.toml", kInvalidTomlConfig);
                 },
                 {"scan", "--config", "{root}/bad.toml", "{root}"},
                 2,
                 {"{root}/bad.toml:4"}},
        ExitCase{"InvalidTomlAutoDiscoveredNamesFileAndLine",
                 [](const TempDir& tree) {
                   DirtyTree(tree);
                   tree.Write(".leakguard.toml", kInvalidTomlConfig);
                 },
                 {"scan", "{root}"},
                 2,
                 {"{root}/.leakguard.toml:4"}},
        ExitCase{"InvalidRegexNamesFileLineAndRuleId",
                 [](const TempDir& tree) {
                   DirtyTree(tree);
                   tree.Write("bad.toml", kInvalidRegexConfig);
                 },
                 {"scan", "-c", "{root}/bad.toml", "{root}"},
                 2,
                 {"{root}/bad.toml:5", "broken-regex-rule", "regex"}},
        ExitCase{"SecretGroupBeyondGroupsNamesFileLineAndRule",
                 [](const TempDir& tree) {
                   DirtyTree(tree);
                   tree.Write("bad.toml", kSecretGroupConfig);
                 },
                 {"scan", "-c", "{root}/bad.toml", "{root}"},
                 2,
                 {"{root}/bad.toml:4", "group-rule", "secretGroup"}},
        ExitCase{"MissingConfigFileExitsTwo",
                 DirtyTree,
                 {"scan", "-c", "{root}/nope.toml", "{root}"},
                 2,
                 {"{root}/nope.toml"}},
        ExitCase{"RedactAbove100ExitsTwo",
                 DirtyTree,
                 {"scan", "--redact=150", "{root}"},
                 2,
                 {"--redact", "150"}},
        ExitCase{"RedactNegativeExitsTwo",
                 DirtyTree,
                 {"scan", "--redact=-1", "{root}"},
                 2,
                 {"--redact"}},
        ExitCase{"RedactWithNoRedactExitsTwo",
                 DirtyTree,
                 {"scan", "--redact=50", "--no-redact", "{root}"},
                 2,
                 {"--redact", "--no-redact"}},
        ExitCase{
            "StdinNamedTwiceExitsTwo", nullptr, {"scan", "-", "--stdin"}, 2, {"standard input"}},
        ExitCase{"MissingIgnoreFileExitsTwo",
                 DirtyTree,
                 {"scan", "--ignore-file", "{root}/missing.ignore", "{root}"},
                 2,
                 {"{root}/missing.ignore"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// ---- Standard input -------------------------------------------------------------------------

class StdinTest : public testing::TestWithParam<const char*> {};

TEST_P(StdinTest, FindsSecretsInPipedInput) {
  std::vector<std::string> args = {"scan", GetParam(), "--format=json"};
  RunResult r = RunLeakguard(args, WithStdin("line one\n" + TwoSecretsFile()));
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  json j = ParseJson(r.out);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"github-pat", "aws-access-key-id"}));
  for (const auto& f : j["findings"]) EXPECT_EQ(f["file"], "-");
  EXPECT_EQ(j["findings"][0]["line"], 2);
  EXPECT_EQ(j["findings"][0]["column"], 10);
}

TEST_P(StdinTest, CleanInputExitsZero) {
  std::vector<std::string> args = {"scan", GetParam()};
  RunResult r = RunLeakguard(args, WithStdin(std::string("hello\nworld\n")));
  EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
}

INSTANTIATE_TEST_SUITE_P(Cli, StdinTest, testing::Values("-", "--stdin"),
                         [](const auto& param_info) {
                           return std::string(param_info.param) == "-" ? "Dash" : "StdinFlag";
                         });

TEST(StdinAndPaths, BothAreScannedInOneRun) {
  TempDir t;
  t.Write("a.txt", "aws = " + AwsKeyId() + "\n");
  json j = ScanJson({t.path(), "-"}, nullptr, WithStdin("k = " + GithubPat() + "\n"));
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"github-pat", "aws-access-key-id"}));
}

// ---- Awkward inputs -------------------------------------------------------------------------

TEST(Inputs, UnreadableFile) {
  TempDir t;
  std::string p = t.Write("locked.txt", "k = " + GithubPat() + "\n");
  t.Write("ok.txt", "nothing\n");
  ASSERT_EQ(::chmod(p.c_str(), 0), 0);
  RunResult r;
  json j = ScanJson({t.path()}, &r);
  ASSERT_TRUE(j.is_object());
  if (::geteuid() == 0) {
    // root reads mode-000 files, so the secret is found and nothing is skipped.
    EXPECT_EQ(r.exit_code, 1) << Describe({}, r);
    EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"github-pat"}));
    EXPECT_EQ(Skipped(j, "unreadable"), 0u);
  } else {
    EXPECT_EQ(r.exit_code, 0) << Describe({}, r);
    EXPECT_EQ(Skipped(j, "unreadable"), 1u);
    EXPECT_TRUE(Contains(r.err, "locked.txt")) << r.err;
    EXPECT_TRUE(Contains(r.err, "warning")) << r.err;
  }
  EXPECT_EQ(j["summary"]["files_scanned"], ::geteuid() == 0 ? 2 : 1);
}

// The same, for real: as root, the binary is run as an unprivileged user so mode 000 bites.
TEST(Inputs, UnreadableFileAndDirectoryAsUnprivilegedUser) {
  constexpr int kNobody = 65534;
  // Not root: UnreadableFile above already covers the unprivileged case.
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch users";
  TempDir t;
  std::string p = t.Write("locked.txt", "k = " + GithubPat() + "\n");
  t.Write("ok.txt", "aws = " + AwsKeyId() + "\n");
  t.Write("closed/inner.txt", "k = " + GithubPat2() + "\n");
  ASSERT_EQ(::chmod(t.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(p.c_str(), 0), 0);
  ASSERT_EQ(::chmod((t / "closed").c_str(), 0), 0);
  RunOptions opt;
  opt.run_as_uid = kNobody;
  opt.cwd = "/";
  std::vector<std::string> args = {"scan", "--format=json", t.path()};
  RunResult r = RunLeakguard(args, opt);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  json j = ParseJson(r.out);
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"aws-access-key-id"})) << j.dump(2);
  EXPECT_EQ(Skipped(j, "unreadable"), 2u) << j["summary"].dump();
  EXPECT_EQ(j["summary"]["files_scanned"], 1);
  EXPECT_TRUE(Contains(r.err, "warning")) << r.err;
  EXPECT_TRUE(Contains(r.err, t / "locked.txt")) << r.err;
  EXPECT_TRUE(Contains(r.err, t / "closed")) << r.err;
  EXPECT_TRUE(Contains(r.err, "2 unreadable")) << r.err;
}

TEST(Inputs, FifoInTreeDoesNotHangAndIsNamed) {
  TempDir t;
  t.Write("a.txt", "k = " + GithubPat() + "\n");
  ASSERT_EQ(::mkfifo((t / "pipe").c_str(), 0644), 0) << std::strerror(errno);
  RunResult r;
  json j = ScanJson({t.path()}, &r, WithTimeout(60));
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << Describe({}, r);
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"github-pat"}));
  EXPECT_EQ(Skipped(j, "other"), 1u);
  EXPECT_TRUE(Contains(r.err, "warning")) << r.err;
  EXPECT_TRUE(Contains(r.err, t / "pipe")) << r.err;
}

TEST(Inputs, FifoNamedOnTheCommandLineDoesNotHang) {
  TempDir t;
  ASSERT_EQ(::mkfifo((t / "pipe").c_str(), 0644), 0) << std::strerror(errno);
  std::vector<std::string> args = {"scan", t / "pipe"};
  RunResult r = RunLeakguard(args, WithTimeout(60));
  ASSERT_FALSE(r.timed_out) << Describe(args, r);
  EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_TRUE(Contains(r.err, t / "pipe")) << Describe(args, r);
}

TEST(Inputs, UnixSocketInTreeIsSkippedAndNamed) {
  TempDir t;
  t.Write("a.txt", "k = " + GithubPat() + "\n");
  std::string sock_path = t / "sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  ASSERT_EQ(::listen(fd, 1), 0);
  RunResult r;
  json j = ScanJson({t.path()}, &r, WithTimeout(60));
  ::close(fd);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"github-pat"}));
  EXPECT_EQ(Skipped(j, "other"), 1u);
  EXPECT_TRUE(Contains(r.err, sock_path)) << r.err;
}

TEST(Inputs, InvalidUtf8IsScannedAndReportStaysValidJson) {
  TempDir t;
  t.Write("latin1.txt", "caf\xe9 \xff\xfe\x80 k = " + GithubPat() + " \xc3\x28 end\n");
  for (const char* fmt : {"json", "sarif"}) {
    std::vector<std::string> args = {"scan", "--no-redact", "--format", fmt, t.path()};
    RunResult r = RunLeakguard(args);
    ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
    json j = ParseJson(r.out);
    ASSERT_FALSE(j.is_discarded()) << fmt;
    if (std::string(fmt) == "json") {
      ASSERT_EQ(j["findings"].size(), 1u);
      EXPECT_EQ(j["findings"][0]["secret"], GithubPat());
      EXPECT_EQ(j["findings"][0]["line"], 1);
      // Columns count characters, i.e. bytes that are not UTF-8 continuation bytes:
      // "caf\xe9 \xff\xfe\x80 k = " is 13 bytes of which 0x80 does not count.
      EXPECT_EQ(j["findings"][0]["column"], 13);
    }
  }
}

TEST(Inputs, NulBytesMeanBinaryAndAreSkippedAndCounted) {
  TempDir t;
  t.Write("blob.bin", std::string("\x7f"
                                  "ELF\0\0\0",
                                  7) +
                          "k = " + GithubPat() + "\n");
  t.Write("text.txt", "nothing here\n");
  RunResult r;
  json j = ScanJson({t.path()}, &r);
  EXPECT_EQ(r.exit_code, 0) << Describe({}, r);
  EXPECT_TRUE(j["findings"].empty());
  EXPECT_EQ(Skipped(j, "binary"), 1u);
  EXPECT_EQ(j["summary"]["files_scanned"], 1);
  // --scan-binary scans it.
  json all = ScanJson({"--scan-binary", t.path()}, &r);
  EXPECT_EQ(RuleIds(all), (std::multiset<std::string>{"github-pat"}));
  EXPECT_EQ(Skipped(all, "binary"), 0u);
}

TEST(Inputs, CrlfLineNumbersAndColumnsAreRight) {
  TempDir t;
  t.Write("win.txt",
          "first\r\nsecond\r\n\r\nkey: " + GithubPat() + "\r\naws = " + AwsKeyId() + "\r\n");
  json j = ScanJson({"--no-redact", t.path()});
  ASSERT_EQ(j["findings"].size(), 2u);
  const json& pat = j["findings"][0];
  EXPECT_EQ(pat["rule_id"], "github-pat");
  EXPECT_EQ(pat["line"], 4);
  EXPECT_EQ(pat["column"], 6);
  EXPECT_EQ(pat["end_line"], 4);
  EXPECT_EQ(pat["end_column"], 6 + 40 - 1);
  EXPECT_EQ(pat["secret"], GithubPat());  // no trailing \r
  const json& aws = j["findings"][1];
  EXPECT_EQ(aws["rule_id"], "aws-access-key-id");
  EXPECT_EQ(aws["line"], 5);
  EXPECT_EQ(aws["column"], 7);
  EXPECT_EQ(aws["secret"], AwsKeyId());
}

TEST(Inputs, EmptyFileIsScannedAndClean) {
  TempDir t;
  t.Write("empty.txt", "");
  RunResult r;
  json j = ScanJson({t.path()}, &r);
  EXPECT_EQ(r.exit_code, 0) << Describe({}, r);
  EXPECT_EQ(j["summary"]["files_scanned"], 1);
  EXPECT_EQ(j["summary"]["bytes_scanned"], 0);
  EXPECT_EQ(Skipped(j, "binary") + Skipped(j, "too_large") + Skipped(j, "unreadable"), 0u);
}

TEST(Inputs, SixtyMegabyteLineIsSkippedByDefaultAndScannedWithLargerLimit) {
  TempDir t;
  constexpr size_t kSize = 60u << 20;
  {
    std::string big(kSize, 'x');
    big += " " + GithubPat();  // no newline anywhere
    t.Write("big.txt", big);
  }
  RunResult r;
  json j = ScanJson({t.path()}, &r);
  EXPECT_EQ(r.exit_code, 0) << Describe({}, r);
  EXPECT_TRUE(j["findings"].empty());
  EXPECT_EQ(Skipped(j, "too_large"), 1u);
  EXPECT_TRUE(Contains(r.err, "warning")) << r.err;
  EXPECT_TRUE(Contains(r.err, t / "big.txt")) << r.err;
  EXPECT_TRUE(Contains(r.err, "--max-file-size")) << r.err;

  j = ScanJson({"--max-file-size", "100M", "--no-redact", t.path()}, &r);
  EXPECT_EQ(r.exit_code, 1) << Describe({}, r);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["rule_id"], "github-pat");
  EXPECT_EQ(j["findings"][0]["secret"], GithubPat());
  EXPECT_EQ(j["findings"][0]["line"], 1);
  EXPECT_EQ(j["findings"][0]["column"], kSize + 2);
  EXPECT_EQ(Skipped(j, "too_large"), 0u);
}

TEST(Inputs, PathsWithSpacesAndNonUtf8Bytes) {
  TempDir t;
  t.Write("my dir/file with spaces.txt", "k = " + GithubPat() + "\n");
  const std::string bad_name = std::string("bad") + "\xff\xfe" + "name.txt";
  t.Write(bad_name, "aws = " + AwsKeyId() + "\n");

  json j = ScanJson({t.path()});
  ASSERT_EQ(j["findings"].size(), 2u) << j.dump(2);
  std::set<std::string> files;
  for (const auto& f : j["findings"]) files.insert(f["file"].get<std::string>());
  EXPECT_TRUE(files.contains(t / "my dir/file with spaces.txt")) << j.dump(2);

  // Text output escapes the undecodable bytes instead of writing them to the terminal raw.
  std::vector<std::string> args = {"scan", t.path()};
  RunResult r = RunLeakguard(args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_TRUE(Contains(r.out, "my dir/file with spaces.txt")) << r.out;
  EXPECT_TRUE(Contains(r.out, "bad\\xff\\xfename.txt")) << r.out;
  EXPECT_FALSE(Contains(r.out, "\xff")) << r.out;

  // SARIF URIs are percent-encoded.
  args = {"scan", "--format=sarif", t.path()};
  r = RunLeakguard(args);
  json s = ParseJson(r.out);
  std::set<std::string> uris;
  for (const auto& res : s["runs"][0]["results"])
    uris.insert(
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].get<std::string>());
  EXPECT_TRUE(uris.contains("my%20dir/file%20with%20spaces.txt")) << s.dump(2);
  EXPECT_TRUE(uris.contains("bad%FF%FEname.txt")) << s.dump(2);
}

TEST(Inputs, SymlinkLoopWithFollowSymlinksTerminates) {
  TempDir t;
  t.Write("a/secret.txt", "k = " + GithubPat() + "\n");
  ASSERT_EQ(::symlink("..", (t / "a/up").c_str()), 0);      // a/up -> root
  ASSERT_EQ(::symlink("../a", (t / "a/self").c_str()), 0);  // a/self -> a
  ASSERT_EQ(::symlink("loop2", (t / "loop1").c_str()), 0);  // loop1 -> loop2 -> loop1
  ASSERT_EQ(::symlink("loop1", (t / "loop2").c_str()), 0);
  std::vector<std::string> args = {"scan", "--follow-symlinks", "--format=json", t.path()};
  RunResult r = RunLeakguard(args, WithTimeout(60));
  ASSERT_FALSE(r.timed_out) << Describe(args, r);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  json j = ParseJson(r.out);
  // The secret is reported once, not once per path that reaches it.
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"github-pat"})) << j.dump(2);
}

TEST(Inputs, SymlinksAreNotFollowedByDefault) {
  TempDir outside;
  outside.Write("s.txt", "k = " + GithubPat() + "\n");
  TempDir t;
  t.Write("clean.txt", "nothing\n");
  ASSERT_EQ(::symlink(outside.path().c_str(), (t / "link").c_str()), 0);
  RunResult r;
  json j = ScanJson({t.path()}, &r);
  EXPECT_EQ(r.exit_code, 0) << Describe({}, r);
  json followed = ScanJson({"-L", t.path()}, &r);
  EXPECT_EQ(RuleIds(followed), (std::multiset<std::string>{"github-pat"}));
}

// ---- Selecting files ------------------------------------------------------------------------

struct SelectCase {
  const char* name;
  std::vector<std::string> flags;  // put before the path, as users write them
  std::multiset<std::string> rules;
};

void PrintTo(const SelectCase& c, std::ostream* os) { *os << c.name; }

class SelectTest : public testing::TestWithParam<SelectCase> {};

TEST_P(SelectTest, IncludeAndExcludeChooseFiles) {
  TempDir t;
  t.Write("src/app.py", "k = " + GithubPat() + "\n");
  t.Write("vendor/lib.js", "aws = " + AwsKeyId() + "\n");
  TempDir cwd;  // clean: if the path were swallowed, this is what would be scanned
  std::vector<std::string> args = GetParam().flags;
  args.push_back(t.path());
  RunResult r;
  json j = ScanJson(args, &r, InDir(cwd.path()));
  EXPECT_EQ(RuleIds(j), GetParam().rules) << Describe(args, r);
}

INSTANTIATE_TEST_SUITE_P(
    Cli, SelectTest,
    testing::Values(SelectCase{"IncludeGlob", {"--include", "*.py"}, {"github-pat"}},
                    SelectCase{"IncludeGlobWithEquals", {"--include=*.py"}, {"github-pat"}},
                    SelectCase{"ExcludeDirectory", {"--exclude", "vendor"}, {"github-pat"}},
                    SelectCase{"ExcludeGlob", {"--exclude", "*.py"}, {"aws-access-key-id"}},
                    SelectCase{"IncludeTwice",
                               {"--include", "*.py", "--include", "*.js"},
                               {"github-pat", "aws-access-key-id"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// ---- Report formats -------------------------------------------------------------------------

TEST(Formats, JsonHasFindingsAndSummaryWithTheDocumentedFields) {
  TempDir t;
  t.Write("config/app.txt", TwoSecretsFile());
  RunResult r;
  json j = ScanJson({t.path()}, &r);
  ASSERT_TRUE(j.contains("findings") && j["findings"].is_array()) << r.out;
  ASSERT_TRUE(j.contains("summary") && j["summary"].is_object()) << r.out;
  ASSERT_EQ(j["findings"].size(), 2u);
  for (const auto& f : j["findings"]) {
    for (const char* key : {"rule_id", "file", "secret", "match", "fingerprint"})
      EXPECT_TRUE(f.contains(key) && f[key].is_string()) << key << " in " << f.dump();
    for (const char* key : {"line", "column", "end_line", "end_column"})
      EXPECT_TRUE(f.contains(key) && f[key].is_number_unsigned()) << key << " in " << f.dump();
    EXPECT_TRUE(f.contains("entropy") && f["entropy"].is_number()) << f.dump();
    EXPECT_TRUE(f.contains("tags") && f["tags"].is_array()) << f.dump();
    EXPECT_EQ(f["file"], t / "config/app.txt");
    EXPECT_EQ(f["fingerprint"].get<std::string>().size(), 32u) << f.dump();
  }
  const json& pat = j["findings"][0];
  EXPECT_EQ(pat["rule_id"], "github-pat");
  EXPECT_EQ(pat["line"], 1);
  EXPECT_EQ(pat["column"], 10);
  EXPECT_EQ(pat["end_line"], 1);
  EXPECT_EQ(pat["end_column"], 49);
  EXPECT_GT(pat["entropy"].get<double>(), 3.0);
  const json& aws = j["findings"][1];
  EXPECT_EQ(aws["rule_id"], "aws-access-key-id");
  EXPECT_EQ(aws["line"], 2);
  EXPECT_EQ(aws["column"], 12);
  EXPECT_EQ(aws["end_column"], 12 + 20 - 1);

  const json& s = j["summary"];
  EXPECT_EQ(s["files_scanned"], 1);
  EXPECT_EQ(s["findings"], 2);
  for (const char* key : {"binary", "too_large", "unreadable", "other"})
    EXPECT_EQ(s["skipped"][key], 0) << key;
  // With a non-text format the summary goes to stderr, so stdout stays pure JSON.
  EXPECT_TRUE(Contains(r.err, "2 findings")) << r.err;
}

TEST(Formats, JsonlIsOneObjectPerLine) {
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  t.Write("b.txt", "again " + GithubPat2() + "\n");
  std::vector<std::string> args = {"scan", "--format", "jsonl", t.path()};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  std::istringstream in(r.out);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    json j = ParseJson(line);
    ASSERT_TRUE(j.is_object()) << line;
    EXPECT_TRUE(j.contains("rule_id") && j.contains("fingerprint")) << line;
  }
  EXPECT_EQ(n, 3) << r.out;
  EXPECT_TRUE(r.out.ends_with("\n"));
}

TEST(Formats, JsonlOfCleanTreeIsEmpty) {
  TempDir t;
  CleanTree(t);
  std::vector<std::string> args = {"scan", "--format", "jsonl", t.path()};
  RunResult r = RunLeakguard(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_EQ(r.out, "");
}

TEST(Formats, SarifHasWhatCodeScanningRequires) {
  TempDir t;
  t.Write("config/app.txt", TwoSecretsFile());
  std::vector<std::string> args = {"scan", "--format=sarif", t.path()};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  json j = ParseJson(r.out);
  EXPECT_EQ(j["version"], "2.1.0");
  ASSERT_TRUE(j["runs"].is_array() && j["runs"].size() == 1u);
  const json& run = j["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "leakguard");
  ASSERT_EQ(run["results"].size(), 2u);
  std::set<std::string> rule_ids;
  for (const auto& res : run["results"]) {
    rule_ids.insert(res["ruleId"].get<std::string>());
    EXPECT_FALSE(res["message"]["text"].get<std::string>().empty());
    const json& loc = res["locations"][0]["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uri"], "config/app.txt");
    EXPECT_GE(loc["region"]["startLine"].get<int>(), 1);
  }
  EXPECT_EQ(rule_ids, (std::set<std::string>{"github-pat", "aws-access-key-id"}));
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
  EXPECT_EQ(run["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
}

TEST(Formats, CsvHasAHeaderRowAndOneRowPerFinding) {
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  std::vector<std::string> args = {"scan", "--format", "csv", t.path()};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  std::string header = r.out.substr(0, r.out.find("\r\n"));
  EXPECT_TRUE(header.starts_with("rule_id,")) << header;
  for (const char* col : {"file", "line", "column", "secret", "fingerprint"})
    EXPECT_TRUE(Contains("," + header + ",", std::string(",") + col + ","))
        << col << ": " << header;
  size_t rows = 0;
  for (size_t p = 0; (p = r.out.find("\r\n", p)) != std::string::npos; p += 2) ++rows;
  EXPECT_EQ(rows, 3u) << r.out;
}

TEST(Formats, CsvOfCleanTreeIsJustTheHeader) {
  TempDir t;
  CleanTree(t);
  std::vector<std::string> args = {"scan", "--format", "csv", t.path()};
  RunResult r = RunLeakguard(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_TRUE(r.out.starts_with("rule_id,")) << r.out;
  EXPECT_EQ(r.out.find("\r\n"), r.out.size() - 2) << r.out;
}

class OutputFileTest : public testing::TestWithParam<bool> {};

TEST_P(OutputFileTest, WritesTheReportWithOwnerOnlyMode) {
  const bool pre_exists = GetParam();
  TempDir t;
  TempDir out_dir;
  t.Write("a.txt", TwoSecretsFile());
  std::string out = out_dir / "report.json";
  if (pre_exists) {
    out_dir.Write("report.json", "old contents that are longer than nothing at all\n");
    ASSERT_EQ(::chmod(out.c_str(), 0644), 0);
  }
  std::vector<std::string> args = {"scan", "--format=json", "--output", out, t.path()};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_EQ(r.out, "") << "the report went to stdout too";
  struct stat st;
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u) << std::oct << (st.st_mode & 07777);
  json j = ParseJson(ReadFile(out));
  EXPECT_EQ(j["findings"].size(), 2u);
  EXPECT_TRUE(Contains(r.err, "2 findings")) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Cli, OutputFileTest, testing::Bool(), [](const auto& param_info) {
  return param_info.param ? "PreExistingWorldReadableFile" : "NewFile";
});

TEST(Formats, OutputDoesNotFollowASymlinkPlantedAtItsPath) {
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  TempDir out_dir;
  std::string victim = out_dir.Write("victim.txt", "keep me\n");
  std::string out = out_dir / "report.json";
  ASSERT_EQ(::symlink(victim.c_str(), out.c_str()), 0);
  std::vector<std::string> args = {"scan", "--no-redact", "--format=json", "-o", out, t.path()};
  RunResult r = RunLeakguard(args);
  EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
  EXPECT_EQ(ReadFile(victim), "keep me\n");
  EXPECT_TRUE(Contains(r.err, "report.json")) << r.err;
}

// Regression: `-o /dev/null` as root changed /dev/null's mode to 0600. A private null-device node
// stands in for /dev/null, so the test can never touch the real one.
TEST(Formats, OutputToADeviceLeavesItsModeAlone) {
  if (::geteuid() != 0) GTEST_SKIP() << "creating a device node needs root";
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  TempDir dev_dir;
  std::string dev = dev_dir / "null";
  ASSERT_EQ(::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0) << std::strerror(errno);
  ASSERT_EQ(::chmod(dev.c_str(), 0666), 0);  // umask may have narrowed it
  std::vector<std::string> args = {"scan", "--format=json", "-o", dev, t.path()};
  RunResult r = RunLeakguard(args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  struct stat st;
  ASSERT_EQ(::stat(dev.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0666u) << std::oct << (st.st_mode & 07777);
}

TEST(Formats, OutputIntoMissingDirectoryExitsTwo) {
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  std::vector<std::string> args = {"scan", "-o", t / "no/such/dir/report.txt", t.path()};
  RunResult r = RunLeakguard(args);
  EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
  EXPECT_TRUE(Contains(r.err, "report.txt")) << r.err;
}

// ---- Redaction ------------------------------------------------------------------------------

class RedactionTest : public testing::TestWithParam<const char*> {};

TEST_P(RedactionTest, DefaultNeverShowsTheFullSecret) {
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  t.Write("b.txt", "password = \"" + GithubPat() + "\" # plus some text after\n");
  std::vector<std::string> args = {"scan", "--format", GetParam(), t.path()};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  for (const std::string& secret : {GithubPat(), AwsKeyId()}) {
    EXPECT_FALSE(Contains(r.out, secret)) << Describe(args, r);
    EXPECT_FALSE(Contains(r.err, secret)) << Describe(args, r);
  }
}

TEST_P(RedactionTest, ExplainedDroppedCandidatesAreRedactedToo) {
  TempDir t;
  t.Write("a.txt", "k = " + GithubPat() + " # leakguard:allow\n");
  std::vector<std::string> args = {"scan", "--explain", "--format", GetParam(), t.path()};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_FALSE(Contains(r.Both(), GithubPat())) << Describe(args, r);
}

TEST_P(RedactionTest, NoRedactShowsTheSecret) {
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  std::vector<std::string> args = {"scan", "--no-redact", "--format", GetParam(), t.path()};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_TRUE(Contains(r.out, GithubPat())) << Describe(args, r);
  EXPECT_TRUE(Contains(r.out, AwsKeyId())) << Describe(args, r);
  EXPECT_FALSE(Contains(r.err, GithubPat())) << Describe(args, r);
}

TEST_P(RedactionTest, RedactHundredHidesAllOfIt) {
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  std::vector<std::string> args = {"scan", "--redact=100", "--format", GetParam(), t.path()};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  // No 6-character piece of either secret's random part survives anywhere.
  for (const std::string& secret : {GithubPat(), AwsKeyId()}) {
    for (size_t i = 4; i + 6 <= secret.size(); ++i) {
      std::string piece = secret.substr(i, 6);
      ASSERT_FALSE(Contains(r.Both(), piece)) << piece << "\n" << Describe(args, r);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cli, RedactionTest,
                         testing::Values("text", "json", "jsonl", "sarif", "csv"),
                         [](const auto& param_info) { return std::string(param_info.param); });

TEST(Redaction, RedactHundredLeavesNoPrefixInJson) {
  TempDir t;
  t.Write("a.txt", TwoSecretsFile());
  json j = ScanJson({"--redact=100", t.path()});
  ASSERT_EQ(j["findings"].size(), 2u);
  for (const auto& f : j["findings"]) {
    std::string s = f["secret"].get<std::string>();
    EXPECT_FALSE(Contains(s, "ghp_") || Contains(s, "AKIA")) << s;
    std::string m = f["match"].get<std::string>();
    EXPECT_FALSE(Contains(m, "ghp_") || Contains(m, "AKIA")) << m;
  }
}

TEST(Redaction, RedactFiftyShowsAtMostHalf) {
  TempDir t;
  t.Write("a.txt", "k = " + GithubPat() + "\n");
  json j = ScanJson({"--redact=50", t.path()});
  ASSERT_EQ(j["findings"].size(), 1u);
  std::string s = j["findings"][0]["secret"].get<std::string>();
  EXPECT_TRUE(s.starts_with(GithubPat().substr(0, 20))) << s;
  EXPECT_FALSE(Contains(s, GithubPat().substr(0, 21))) << s;
}

TEST(Redaction, WarningsNeverContainTheSecret) {
  // Places where a secret could leak into a warning: a too-large file holding it, truncated
  // stdin, an ignore-file line that is not a fingerprint, a config field holding it.
  TempDir t;
  std::string pat = GithubPat();
  t.Write("big.txt", std::string(2048, 'y') + " " + pat + "\n");
  t.Write("ok.txt", "aws = " + AwsKeyId() + "\n");
  t.Write(".leakguardignore", pat + "\n" + "not a fingerprint " + pat + "\n");
  t.Write("cfg.toml",
          "[extend]\nuseDefault = true\n"
          "leaked = \"" +
              pat + "\"\n");
  std::vector<std::string> args = {"scan", "--max-file-size", "1K", "-c", t / "cfg.toml",
                                   "-v",   t.path(),          "-"};
  RunResult r = RunLeakguard(args, WithStdin(std::string(4096, 'z') + pat + "\n"));
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_TRUE(Contains(r.err, "warning")) << Describe(args, r);
  EXPECT_FALSE(Contains(r.err, pat)) << Describe(args, r);
  EXPECT_FALSE(Contains(r.err, AwsKeyId())) << Describe(args, r);
  EXPECT_FALSE(Contains(r.out, pat)) << Describe(args, r);
}

// ---- Suppression ----------------------------------------------------------------------------

class InlineAllowTest : public testing::TestWithParam<const char*> {};

TEST_P(InlineAllowTest, MarkedLineIsNotReported) {
  TempDir t;
  t.Write("a.txt",
          "k = " + GithubPat() + "  # " + GetParam() + "\n" + "aws = " + AwsKeyId() + "\n");
  RunResult r;
  json j = ScanJson({t.path()}, &r);
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"aws-access-key-id"})) << j.dump(2);
  EXPECT_EQ(r.exit_code, 1);
}

TEST_P(InlineAllowTest, MarkedLineIsCountedAsSuppressed) {
  TempDir t;
  t.Write("a.txt", "k = " + GithubPat() + "  # " + GetParam() + "\n");
  RunResult r;
  json j = ScanJson({t.path()}, &r);
  EXPECT_EQ(r.exit_code, 0) << Describe({}, r);
  EXPECT_TRUE(j["findings"].empty());
  // The count must not depend on --explain.
  EXPECT_EQ(j["summary"]["suppressed"], 1) << j["summary"].dump();
  json explained = ScanJson({"--explain", t.path()});
  EXPECT_EQ(explained["summary"]["suppressed"], 1) << explained["summary"].dump();
}

INSTANTIATE_TEST_SUITE_P(Cli, InlineAllowTest,
                         testing::Values("leakguard:allow", "gitleaks:allow",
                                         "pragma: allowlist secret"),
                         [](const auto& param_info) {
                           std::string n;
                           for (char c : std::string(param_info.param))
                             if (std::isalnum(static_cast<unsigned char>(c))) n += c;
                           return n;
                         });

class IgnoreFileTest : public testing::Test {
 protected:
  void SetUp() override {
    t_.Write("config/app.txt", "x\n" + TwoSecretsFile());  // PAT line 2, AWS line 3
    json j = ScanJson({t_.path()});
    ASSERT_EQ(j["findings"].size(), 2u);
    for (const auto& f : j["findings"])
      fp_[f["rule_id"].get<std::string>()] = f["fingerprint"].get<std::string>();
  }
  std::multiset<std::string> Remaining(std::vector<std::string> args) {
    args.push_back(t_.path());
    return RuleIds(ScanJson(args));
  }
  TempDir t_;
  std::map<std::string, std::string> fp_;
};

TEST_F(IgnoreFileTest, LeakguardignoreWithFingerprintSuppresses) {
  t_.Write(".leakguardignore", "# reviewed\n" + fp_["github-pat"] + "\n");
  EXPECT_EQ(Remaining({}), (std::multiset<std::string>{"aws-access-key-id"}));
}

TEST_F(IgnoreFileTest, LeakguardignoreAcceptsUpperCaseFingerprintsAndComments) {
  std::string up = fp_["aws-access-key-id"];
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  t_.Write(".leakguardignore", up + " # test key\n");
  EXPECT_EQ(Remaining({}), (std::multiset<std::string>{"github-pat"}));
}

TEST_F(IgnoreFileTest, GitleaksignoreWithPathRuleLineSuppresses) {
  t_.Write(".gitleaksignore", "config/app.txt:aws-access-key-id:3\n");
  EXPECT_EQ(Remaining({}), (std::multiset<std::string>{"github-pat"}));
}

TEST_F(IgnoreFileTest, GitleaksignoreWithWrongLineDoesNotSuppress) {
  t_.Write(".gitleaksignore", "config/app.txt:aws-access-key-id:2\n");
  EXPECT_EQ(Remaining({}), (std::multiset<std::string>{"github-pat", "aws-access-key-id"}));
}

TEST_F(IgnoreFileTest, IgnoreFileFlagReadsAFileOutsideTheTree) {
  TempDir elsewhere;
  std::string p =
      elsewhere.Write("my.ignore", fp_["github-pat"] + "\n" + fp_["aws-access-key-id"] + "\n");
  RunResult r;
  json j = ScanJson({t_.path(), "--ignore-file", p}, &r);
  EXPECT_EQ(r.exit_code, 0) << Describe({}, r);
  EXPECT_TRUE(j["findings"].empty());
  EXPECT_EQ(j["summary"]["suppressed"], 2);
}

// Regression: --ignore-file (like --include and --exclude) is a CLI11 vector option, which by
// default swallows every following argument, so the PATH after it became a second ignore file
// and the scan silently ran on the current directory instead.
TEST_F(IgnoreFileTest, IgnoreFileFlagTakesOneValueAndLeavesThePath) {
  TempDir elsewhere;
  std::string p = elsewhere.Write("my.ignore", fp_["github-pat"] + "\n");
  TempDir cwd;  // clean: a scan of it finds nothing
  RunResult r;
  json j = ScanJson({"--ignore-file", p, t_.path()}, &r, InDir(cwd.path()));
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"aws-access-key-id"})) << Describe({}, r);
}

TEST_F(IgnoreFileTest, NoIgnoreFilesDisablesTheTreesIgnoreFiles) {
  t_.Write(".leakguardignore", fp_["github-pat"] + "\n");
  EXPECT_EQ(Remaining({"--no-ignore-files"}),
            (std::multiset<std::string>{"github-pat", "aws-access-key-id"}));
}

// ---- Configuration --------------------------------------------------------------------------

const char kAcmeRule[] =
    "[[rules]]\n"
    "id = \"acme-token\"\n"
    "description = \"Acme API token\"\n"
    "regex = '''\\b(acme_[a-z0-9]{20})\\b'''\n"
    "secretGroup = 1\n"
    "keywords = [\"acme_\"]\n"
    "tags = [\"custom\"]\n";

class ConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    t_.Write("src/a.txt", "k = " + GithubPat() + "\n" + "custom = " + AcmeToken() + "\n");
    t_.Write("src/b.txt", "aws = " + AwsKeyId() + "\n");
  }
  TempDir t_;
};

TEST_F(ConfigTest, RootLeakguardTomlIsPickedUpAndReplacesBuiltins) {
  t_.Write(".leakguard.toml", std::string("title = \"custom only\"\n") + kAcmeRule);
  RunResult r;
  json j = ScanJson({"--no-redact", t_.path()}, &r);
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"acme-token"})) << j.dump(2);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["secret"], AcmeToken());
  EXPECT_EQ(j["findings"][0]["line"], 2);
  EXPECT_TRUE(Contains(r.err, ".leakguard.toml")) << r.err;
}

TEST_F(ConfigTest, RootGitleaksTomlIsPickedUp) {
  t_.Write(".gitleaks.toml", kAcmeRule);
  EXPECT_EQ(RuleIds(ScanJson({t_.path()})), (std::multiset<std::string>{"acme-token"}));
}

TEST_F(ConfigTest, ExplicitConfigOutsideTheTree) {
  TempDir cfg;
  std::string p = cfg.Write("rules.toml", kAcmeRule);
  EXPECT_EQ(RuleIds(ScanJson({"--config", p, t_.path()})),
            (std::multiset<std::string>{"acme-token"}));
}

TEST_F(ConfigTest, ExtendUseDefaultKeepsBuiltinRules) {
  t_.Write(".leakguard.toml", std::string("[extend]\nuseDefault = true\n\n") + kAcmeRule);
  EXPECT_EQ(RuleIds(ScanJson({t_.path()})),
            (std::multiset<std::string>{"acme-token", "github-pat", "aws-access-key-id"}));
}

TEST_F(ConfigTest, DisabledRulesRemovesABuiltinRule) {
  t_.Write(
      ".leakguard.toml",
      std::string("[extend]\nuseDefault = true\ndisabledRules = [\"github-pat\"]\n\n") + kAcmeRule);
  EXPECT_EQ(RuleIds(ScanJson({t_.path()})),
            (std::multiset<std::string>{"acme-token", "aws-access-key-id"}));
}

TEST_F(ConfigTest, GlobalAllowlistPathSkipsMatchingFiles) {
  t_.Write("vendor/c.txt", "custom = " + AcmeToken() + "\n");
  t_.Write(".leakguard.toml", std::string(kAcmeRule) +
                                  "\n[allowlist]\n"
                                  "description = \"third-party code\"\n"
                                  "paths = ['''^vendor/''']\n");
  json j = ScanJson({t_.path()});
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["findings"][0]["file"], t_ / "src/a.txt");
}

TEST_F(ConfigTest, UnknownFieldWarnsButTheScanWorks) {
  t_.Write(".leakguard.toml",
           std::string("colour = \"blue\"\n") + kAcmeRule + "frobnicate = true\n");
  RunResult r;
  json j = ScanJson({t_.path()}, &r);
  EXPECT_EQ(r.exit_code, 1) << Describe({}, r);
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"acme-token"}));
  EXPECT_TRUE(Contains(r.err, "warning")) << r.err;
  EXPECT_TRUE(Contains(r.err, "colour")) << r.err;
  EXPECT_TRUE(Contains(r.err, "frobnicate")) << r.err;
  EXPECT_TRUE(Contains(r.err, ".leakguard.toml:1")) << r.err;
}

TEST_F(ConfigTest, QuietSilencesConfigWarnings) {
  t_.Write(".leakguard.toml", std::string("colour = \"blue\"\n") + kAcmeRule);
  RunResult r;
  json j = ScanJson({"-q", t_.path()}, &r);
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"acme-token"}));
  EXPECT_EQ(r.err, "");
}

// ---- Fingerprints ---------------------------------------------------------------------------

void FingerprintTree(const TempDir& t) {
  t.Write("a.txt", TwoSecretsFile());
  t.Write("deep/er/b.txt", "again = " + GithubPat() + "\n");  // same secret, other file
  t.Write("c.txt", "other " + GithubPat2() + "\n");
}

std::vector<std::string> FingerprintsOnly(const json& report) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"]) out.push_back(f["fingerprint"].get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Fingerprints, StableAcrossRunsAndScanLocations) {
  TempDir t;
  FingerprintTree(t);
  json first = ScanJson({t.path()});
  json second = ScanJson({t.path()});
  ASSERT_EQ(first["findings"].size(), 4u) << first.dump(2);
  EXPECT_EQ(Fingerprints(first), Fingerprints(second));

  // All four locations are distinct findings.
  auto fps = FingerprintsOnly(first);
  EXPECT_EQ(std::set<std::string>(fps.begin(), fps.end()).size(), 4u);

  // The same tree copied elsewhere, scanned by another absolute path.
  TempDir copy_parent;
  std::string copy = copy_parent / "some/other/place";
  fs::create_directories(copy);
  fs::copy(t.path(), copy, fs::copy_options::recursive);
  json moved = ScanJson({copy});
  EXPECT_EQ(FingerprintsOnly(first), FingerprintsOnly(moved));

  // With a trailing slash, and as "." from inside the tree.
  EXPECT_EQ(FingerprintsOnly(first), FingerprintsOnly(ScanJson({copy + "/"})));
  EXPECT_EQ(FingerprintsOnly(first), FingerprintsOnly(ScanJson({"."}, nullptr, InDir(copy))));
  EXPECT_EQ(FingerprintsOnly(first), FingerprintsOnly(ScanJson({}, nullptr, InDir(copy))));
}

TEST(Fingerprints, SameAcrossOutputFormats) {
  TempDir t;
  FingerprintTree(t);
  std::vector<std::string> from_json = FingerprintsOnly(ScanJson({t.path()}));
  std::vector<std::string> args = {"scan", "--format=sarif", t.path()};
  RunResult r = RunLeakguard(args);
  json s = ParseJson(r.out);
  std::vector<std::string> from_sarif;
  for (const auto& res : s["runs"][0]["results"])
    from_sarif.push_back(res["partialFingerprints"]["leakguard/v1"].get<std::string>());
  std::sort(from_sarif.begin(), from_sarif.end());
  EXPECT_EQ(from_json, from_sarif);
}

// ---- Rule files: --rules (Nosey Parker / Kingfisher / Titus YAML) and `rules check` ---------

const std::string kSampleRules = LEAKGUARD_SOURCE_DIR "/testdata/rules/np-style-rules.yml";

// A key of the sample file's rule lg.sample.acme.1: "acme_live_" + 32 lower-case alphanumerics.
std::string AcmeLiveKey() {
  return std::string("acme_") + "live_" + "p0o9i8u7y6t5r4e3" + "w2q1a0s9d8f7g6h5";
}

// Fake tokens of the made-up format "tok_" + 12 lower-case alphanumerics.
std::string TokToken() { return std::string("to") + "k_" + "a1b2c3" + "d4e5f6"; }

class RuleFilesTest : public testing::Test {
 protected:
  void SetUp() override {
    t_.Write("src/a.txt", "k = " + GithubPat() + "\n" + "acme = " + AcmeLiveKey() + "\n");
  }
  TempDir t_;
};

TEST_F(RuleFilesTest, YamlRulesAreAddedToTheBuiltinRules) {
  RunResult r;
  json j = ScanJson({"--no-redact", "--rules", kSampleRules, t_.path()}, &r);
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"github-pat", "lg.sample.acme.1"}))
      << j.dump(2);
  for (const auto& f : j["findings"]) {
    if (f["rule_id"] != "lg.sample.acme.1") continue;
    EXPECT_EQ(f["secret"], AcmeLiveKey());
    EXPECT_EQ(f["line"], 2);
    EXPECT_EQ(f["description"], "Acme Cloud API Key");
    EXPECT_EQ(f["tags"], json::array({"api", "fake"}));
  }
}

TEST_F(RuleFilesTest, RulesOnlyUsesOnlyTheGivenRulesAndADirectoryIsSearched) {
  TempDir rules;
  rules.Write("np/sub/sample.yml", ReadFile(kSampleRules));
  rules.Write("np/README.md", "not a rule file");
  json j = ScanJson({"--rules-only", "--rules", rules / "np", t_.path()});
  EXPECT_EQ(RuleIds(j), (std::multiset<std::string>{"lg.sample.acme.1"})) << j.dump(2);
}

TEST_F(RuleFilesTest, RedactAndRulesListTakeRulesToo) {
  RunResult red = RunLeakguard({"redact", "--rules-only", "--rules", kSampleRules},
                               WithStdin("key " + AcmeLiveKey() + " end\n"));
  EXPECT_EQ(red.exit_code, 0) << Describe({"redact"}, red);
  EXPECT_FALSE(Contains(red.out, AcmeLiveKey())) << red.out;
  EXPECT_TRUE(Contains(red.out, "lg.sample.acme.1")) << red.out;
  RunResult list = RunLeakguard({"rules", "list", "--rules-only", "--rules", kSampleRules});
  EXPECT_EQ(list.exit_code, 0) << Describe({"rules", "list"}, list);
  EXPECT_TRUE(Contains(list.out, "lg.sample.widget.1")) << list.out;
  EXPECT_FALSE(Contains(list.out, "github-pat")) << list.out;
}

TEST_F(RuleFilesTest, AnUnsupportedPatternIsAConfigErrorNamingFileLineAndRule) {
  TempDir rules;
  std::string p = rules.Write("bad.yml",
                              "rules:\n"
                              "  - name: Needs look-ahead\n"
                              "    id: t.lookahead.1\n"
                              "    pattern: 'tok_(?=[0-9])([0-9a-z]{8})'\n");
  RunResult r = RunLeakguard({"scan", "--rules", p, t_.path()});
  EXPECT_EQ(r.exit_code, 2) << Describe({"scan"}, r);
  EXPECT_TRUE(Contains(r.err, p + ":4: rule 't.lookahead.1': pattern: look-around")) << r.err;
}

TEST_F(RuleFilesTest, AnIdTheBuiltinRulesHaveIsAnErrorNamingBothPlaces) {
  TempDir rules;
  std::string p =
      rules.Write("dup.yml", "rules:\n  - name: Mine\n    id: github-pat\n    pattern: abc\n");
  RunResult r = RunLeakguard({"scan", "--rules", p, t_.path()});
  EXPECT_EQ(r.exit_code, 2) << Describe({"scan"}, r);
  EXPECT_TRUE(Contains(r.err, p + ":2: rule 'github-pat' is already defined at <built-in>:"))
      << r.err;
}

TEST_F(RuleFilesTest, RulesOnlyWithoutRulesIsAUsageError) {
  RunResult r = RunLeakguard({"scan", "--rules-only", t_.path()});
  EXPECT_EQ(r.exit_code, 2) << Describe({"scan"}, r);
  EXPECT_TRUE(Contains(r.err, "--rules-only needs --rules")) << r.err;
}

TEST(RulesCheck, TheSampleFilePasses) {
  RunResult r = RunLeakguard({"rules", "check", kSampleRules});
  EXPECT_EQ(r.exit_code, 0) << Describe({"rules", "check"}, r);
  EXPECT_EQ(r.out,
            "PASS lg.sample.acme.1 (2 examples, 2 negative)\n"
            "PASS lg.sample.widget.1 (2 examples, 2 negative)\n"
            "PASS lg.sample.zeta.1 (1 example, 1 negative)\n"
            "3 rules checked: 3 passed, 0 failed, 0 without examples\n");
}

// `text` with "{TOK}" replaced by TokToken() and "{TOK10}" by its first 10 characters.
std::string WithTok(std::string text) {
  for (auto [mark, value] : {std::pair<std::string, std::string>{"{TOK}", TokToken()},
                             {"{TOK10}", TokToken().substr(0, 10)}})
    for (size_t at; (at = text.find(mark)) != std::string::npos;)
      text.replace(at, mark.size(), value);
  return text;
}

TEST(RulesCheck, FailingExamplesAreListedRedactedAndExitOne) {
  TempDir t;
  std::string p = t.Write("rules.yml", WithTok(R"(rules:
  - name: Token
    id: t.tok.1
    pattern: '\b(tok_[a-z0-9]{12})\b'
    examples:
      - 'TOKEN={TOK10}'
    negative_examples:
      - 'TOKEN={TOK}'
  - name: Optional group
    id: t.group.1
    pattern: 'grp_[0-9]{4}(x[a-z]{4})?'
    examples:
      - 'grp_1234'
  - name: No examples
    id: t.none.1
    pattern: 'none_[0-9]{6}'
  - name: Fine
    id: t.fine.1
    pattern: 'fine_[0-9]{6}'
    examples: ['fine_123456']
)"));
  RunResult r = RunLeakguard({"rules", "check", p});
  EXPECT_EQ(r.exit_code, 1) << Describe({"rules", "check"}, r);
  EXPECT_EQ(r.out, "FAIL t.tok.1 (" + p + ":6): example not found: TOKEN=to****\n" +
                       "FAIL t.tok.1 (" + p +
                       ":8): negative example reported (secret tok_****): TOKEN=tok_****\n" +
                       "FAIL t.group.1 (" + p +
                       ":13): matched, but no capture group holds a secret: gr****\n" +
                       "SKIP t.none.1: no examples\n" + "PASS t.fine.1 (1 example, 0 negative)\n" +
                       "4 rules checked: 1 passed, 2 failed, 1 without examples\n");
  EXPECT_FALSE(Contains(r.out, TokToken())) << r.out;
  RunResult shown = RunLeakguard({"rules", "check", "--no-redact", p});
  EXPECT_EQ(shown.exit_code, 1);
  EXPECT_TRUE(Contains(shown.out, "(secret " + TokToken() + "): TOKEN=" + TokToken() + "\n"))
      << shown.out;
}

TEST(RulesCheck, TomlExamplesAndAnExamplesDirectory) {
  TempDir t;
  std::string p = t.Write("rules.toml", WithTok(R"([[rules]]
id = "t-tok"
regex = '''\b(tok_[a-z0-9]{12})\b'''
keywords = ["tok_"]
examples = ['TOKEN={TOK}']
negative_examples = ['TOKEN=tok_short']
[[rules]]
id = "t-dir"
regex = '''dir_[0-9]{6}'''
)"));
  t.Write("tests/t-dir.toml",
          "[[positive]]\ntext = 'x dir_123456'\n[[negative]]\ntext = 'dir_12'\n");
  RunResult r = RunLeakguard({"rules", "check", p, "--dir", t / "tests"});
  EXPECT_EQ(r.exit_code, 0) << Describe({"rules", "check"}, r);
  EXPECT_EQ(r.out,
            "PASS t-tok (1 example, 1 negative)\n"
            "PASS t-dir (1 example, 1 negative)\n"
            "2 rules checked: 2 passed, 0 failed, 0 without examples\n");
  RunResult without_dir = RunLeakguard({"rules", "check", p});
  EXPECT_EQ(without_dir.exit_code, 0) << Describe({"rules", "check"}, without_dir);
  EXPECT_TRUE(Contains(without_dir.out, "SKIP t-dir: no examples\n")) << without_dir.out;
  EXPECT_FALSE(Contains(without_dir.err, "examples")) << without_dir.err;  // accepted silently
}

TEST(RulesCheck, AnInvalidFileExitsTwo) {
  TempDir t;
  std::string p = t.Write("broken.yml", "rules:\n  - name: [unclosed\n");
  RunResult r = RunLeakguard({"rules", "check", p});
  EXPECT_EQ(r.exit_code, 2) << Describe({"rules", "check"}, r);
  EXPECT_TRUE(Contains(r.err, p + ":")) << r.err;
  EXPECT_TRUE(Contains(r.err, "invalid YAML")) << r.err;
}

// ---- Decoding ---------------------------------------------------------------------------------

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

TEST(Decoding, Base64SecretIsReportedAtTheEncodedSpanWithItsChain) {
  TempDir t;
  const std::string encoded = Base64(GithubPat());
  t.Write("k8s/secret.yaml", "apiVersion: v1\nkind: Secret\ndata:\n  token: " + encoded + "\n");
  RunResult r;
  json j = ScanJson({t.path(), "--no-redact"}, &r);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  const json& f = j["findings"][0];
  EXPECT_EQ(f["rule_id"], "github-pat");
  EXPECT_EQ(f["decoded"], json::array({"base64"}));
  EXPECT_EQ(f["secret"], GithubPat());
  EXPECT_EQ(f["line"], 4);
  EXPECT_EQ(f["column"], 10);
  EXPECT_EQ(f["end_line"], 4);
  EXPECT_EQ(f["end_column"], 10 + encoded.size() - 1);
  EXPECT_EQ(r.exit_code, 1);

  // Redacted by default: neither the secret nor its encoded form is in the report.
  RunResult red = RunLeakguard({"scan", t.path(), "--format=jsonl"});
  EXPECT_FALSE(Contains(red.out, GithubPat())) << red.out;
  EXPECT_FALSE(Contains(red.out, encoded)) << red.out;
  EXPECT_TRUE(Contains(red.out, "\"decoded\":[\"base64\"]")) << red.out;

  // --decode-depth 0: no decoding, so no decoded finding.
  json off = ScanJson({t.path(), "--decode-depth", "0"});
  for (const auto& x : off["findings"]) {
    EXPECT_FALSE(x.contains("decoded")) << x.dump();
    EXPECT_NE(x["rule_id"], "github-pat") << x.dump();
  }

  // A budget too small to decode anything: --verbose names the file.
  RunResult v = RunLeakguard({"scan", t.path(), "--decode-budget", "0.01", "-v"});
  EXPECT_TRUE(Contains(v.err, "secret.yaml: decoding stopped after 0 decoded bytes")) << v.err;
  EXPECT_FALSE(Contains(v.out, "github-pat")) << v.out;
}

TEST(Decoding, BadDepthOrBudgetIsAUsageError) {
  TempDir t;
  t.Write("a.txt", "x\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"scan", t.path(), "--decode-depth", "9"},
        std::vector<std::string>{"scan", t.path(), "--decode-depth", "-1"},
        std::vector<std::string>{"scan", t.path(), "--decode-budget", "0"},
        std::vector<std::string>{"git", t.path(), "--decode-budget", "-2"}}) {
    RunResult r = RunLeakguard(args);
    EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
    EXPECT_TRUE(Contains(r.err, "--decode-")) << Describe(args, r);
  }
}

}  // namespace

// CTest sets LEAKGUARD_CACHE_DIR; when the binary is run by hand, share the build's cache so
// the built-in rules are not recompiled by every test.
int main(int argc, char** argv) {
  if (!std::getenv("LEAKGUARD_CACHE_DIR"))
    ::setenv("LEAKGUARD_CACHE_DIR", LEAKGUARD_BINARY_DIR "/test-cache", 0);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// ---- Confidence: --min-confidence and the confidence/validation fields ----------------------

TEST(Confidence, MinConfidenceKeepsOnlyVerifiedTokensAndBadValuesAreUsageErrors) {
  TempDir t;
  // A GitHub token with a valid CRC32 (high), and a generic password (low).
  t.Write("app.env", "GITHUB_TOKEN=" + GithubPat() + "\nDB_PASSWORD=\"Zq8vLr2mXw4pTn6kJd9s\"\n");
  RunResult r;
  json all = ScanJson({t.path()}, &r);
  std::map<std::string, std::string> confidence;
  for (const auto& f : all["findings"]) confidence[f["rule_id"]] = f["confidence"];
  EXPECT_EQ(confidence["github-pat"], "high") << r.out;
  ASSERT_EQ(confidence.size(), 2u) << r.out;
  for (const auto& [rule, c] : confidence) {
    if (rule != "github-pat") {
      EXPECT_EQ(c, "low") << rule;
    }
  }
  for (const auto& f : all["findings"]) {
    if (f["rule_id"] == "github-pat") {
      EXPECT_EQ(f["validation"], "CRC32 checksum matches");
    }
  }

  json high = ScanJson({"--min-confidence", "high", t.path()}, &r);
  EXPECT_EQ(RuleIds(high), (std::multiset<std::string>{"github-pat"})) << r.out;
  json medium = ScanJson({"--min-confidence=medium", t.path()}, &r);
  EXPECT_EQ(RuleIds(medium), (std::multiset<std::string>{"github-pat"})) << r.out;

  RunResult bad = RunLeakguard({"scan", "--min-confidence", "sure", t.path()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "--min-confidence must be low, medium or high, not 'sure'"))
      << bad.err;
}
