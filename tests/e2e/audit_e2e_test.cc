// End-to-end tests of `leakguard audit`: each test builds a git repository with the git CLI in a
// temporary directory (private HOME, fixed author and dates), runs the real executable
// (LEAKGUARD_BIN) with that environment, and checks its exit code, stdout, stderr and the files
// it changes. Fake secrets are generated at run time (audit/audit_test_util.h).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "audit/audit_test_util.h"

namespace {

using leakguard::audit::testing_util::GithubPat;
using leakguard::audit::testing_util::ReadFile;
using leakguard::audit::testing_util::RsaKey;
using leakguard::audit::testing_util::TempRepo;
using nlohmann::json;

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs leakguard with `args` in `cwd` (default: the repository) under the repository's git
// environment (plus LEAKGUARD_CACHE_DIR, so the compiled rules are shared between tests).
RunResult RunLeakguard(const TempRepo& r, const std::vector<std::string>& args,
                       std::string cwd = "", std::map<std::string, std::string> extra = {}) {
  RunResult res;
  const std::string out_path = r.root() + "/stdout", err_path = r.root() + "/stderr";
  if (cwd.empty()) cwd = r.repo();
  std::map<std::string, std::string> env = r.GitEnv();
  if (const char* cache = std::getenv("LEAKGUARD_CACHE_DIR")) env["LEAKGUARD_CACHE_DIR"] = cache;
  for (const auto& [k, v] : extra) env[k] = v;
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    std::vector<std::string> env_s;
    for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_s = {LEAKGUARD_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "leakguard timed out";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  res.out = ReadFile(out_path);
  res.err = ReadFile(err_path);
  return res;
}

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + r.out.substr(0, 4000) +
         "\n--- stderr ---\n" + r.err.substr(0, 4000);
}

bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

json Parse(const RunResult& r) {
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << Describe(r);
  return j;
}

void InstallHook(const TempRepo& r, const std::string& body) {
  r.Write(".git/hooks/pre-commit", "#!/bin/sh\n" + body + "\n");
  ::chmod(r.Path(".git/hooks/pre-commit").c_str(), 0755);
}

TEST(AuditCli, HelpListsTheCommand) {
  TempRepo r;
  RunResult top = RunLeakguard(r, {"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_TRUE(Contains(top.out, "audit")) << Describe(top);
  RunResult help = RunLeakguard(r, {"audit", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--fix", "--history", "--fail-severity", "--skip", "--format"})
    EXPECT_TRUE(Contains(help.out, flag)) << flag;
}

TEST(AuditCli, NotAGitRepositoryExitsTwo) {
  TempRepo r(/*init=*/false);
  RunResult res = RunLeakguard(r, {"audit"}, r.repo(), {{"GIT_CEILING_DIRECTORIES", r.root()}});
  EXPECT_EQ(res.exit_code, 2) << Describe(res);
  EXPECT_EQ(res.out, "");
  EXPECT_EQ(res.err,
            "leakguard: error: .: not a git repository (nor any of its parent "
            "directories)\n");
  RunResult named = RunLeakguard(r, {"audit", r.root() + "/nowhere"}, r.repo(),
                                 {{"GIT_CEILING_DIRECTORIES", r.root()}});
  EXPECT_EQ(named.exit_code, 2) << Describe(named);
}

TEST(AuditCli, CleanRepositoryExitsZero) {
  TempRepo r;
  r.Write(".gitignore", ".env\n*.pem\n");
  r.Write(".env.example", "API_KEY=your-api-key-here\nDB_PASSWORD=changeme\nPORT=3000\n");
  r.Write("README.md", "hello\n");
  r.Commit({".gitignore", ".env.example", "README.md"}, "init");
  r.Write(".env", "API_KEY=" + GithubPat() + "\n");
  r.Write("server.pem", RsaKey());
  InstallHook(r, "gitleaks protect --staged");
  RunResult res = RunLeakguard(r, {"audit"});
  EXPECT_EQ(res.exit_code, 0) << Describe(res);
  EXPECT_TRUE(Contains(res.out,
                       "Protection: the pre-commit hook .git/hooks/pre-commit runs "
                       "gitleaks\n"))
      << Describe(res);
  EXPECT_TRUE(Contains(res.out,
                       "leakguard audit: no problems in 3 tracked and 0 untracked "
                       "file(s)\n"))
      << Describe(res);
  EXPECT_EQ(res.err, "");
}

TEST(AuditCli, ExitCodesFollowFailSeverity) {
  TempRepo r;
  r.Write(".env", "A=1\n");
  r.Commit({".env"}, "env");
  InstallHook(r, "leakguard scan --staged");
  EXPECT_EQ(RunLeakguard(r, {"audit"}).exit_code, 1);
  EXPECT_EQ(RunLeakguard(r, {"audit", "--fail-severity", "high"}).exit_code, 1);
  EXPECT_EQ(RunLeakguard(r, {"audit", "--fail-severity", "critical"}).exit_code, 0);
  EXPECT_EQ(RunLeakguard(r, {"audit", "--fail-severity", "none"}).exit_code, 0);
  EXPECT_EQ(RunLeakguard(r, {"audit", "--skip", "tracked"}).exit_code, 0);
  RunResult bad = RunLeakguard(r, {"audit", "--fail-severity", "dire"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "'dire' is not a severity")) << Describe(bad);
  EXPECT_EQ(RunLeakguard(r, {"audit", "--format", "csv"}).exit_code, 2);
  EXPECT_EQ(RunLeakguard(r, {"audit", "--skip", "history"}).exit_code, 2);
  EXPECT_EQ(RunLeakguard(r, {"audit", "--max-file-size", "lots"}).exit_code, 2);
  EXPECT_EQ(RunLeakguard(r, {"audit", "--redact=200"}).exit_code, 2);
}

TEST(AuditCli, FixTwiceKeepsCrlfAndTheSecondRunChangesNothing) {
  TempRepo r;
  r.Write(".gitignore", "node_modules/\r\n*.log");  // CRLF, no final newline
  r.Write(".env", "A=1\n");
  r.Write("deploy/id_rsa", RsaKey());
  r.Write("notes.txt", "nothing\n");
  RunResult first = RunLeakguard(r, {"audit", "--fix", "--skip", "hook", "-f", "json"});
  EXPECT_EQ(first.exit_code, 0) << Describe(first);
  json j = Parse(first);
  EXPECT_EQ(j["fix"]["added"], json::array({"id_rsa", ".env"}));
  EXPECT_EQ(j["findings"].size(), 0u);
  const std::string expected =
      "node_modules/\r\n*.log\r\n# Secret material that must never be committed (added by "
      "leakguard audit --fix)\r\nid_rsa\r\n.env\r\n";
  EXPECT_EQ(ReadFile(r.Path(".gitignore")), expected);
  // git agrees that both files are now ignored.
  EXPECT_EQ(r.Git({"check-ignore", "-q", ".env"}, true).code, 0);
  EXPECT_EQ(r.Git({"check-ignore", "-q", "deploy/id_rsa"}, true).code, 0);

  RunResult second = RunLeakguard(r, {"audit", "--fix", "--skip", "hook"});
  EXPECT_EQ(second.exit_code, 0) << Describe(second);
  EXPECT_TRUE(Contains(second.out, "Fixed: nothing to add to .gitignore")) << Describe(second);
  EXPECT_EQ(ReadFile(r.Path(".gitignore")), expected);
}

TEST(AuditCli, FixWarnsAboutTrackedFiles) {
  TempRepo r;
  r.Write("infra/terraform.tfstate", "{}\n");
  r.Commit({"infra/terraform.tfstate"}, "state");
  RunResult res = RunLeakguard(r, {"audit", "--fix", "--skip", "hook", "--skip", "config"});
  EXPECT_EQ(res.exit_code, 1) << Describe(res);  // still tracked: the fix does not untrack it
  EXPECT_TRUE(Contains(res.err,
                       "leakguard: warning: infra/terraform.tfstate: now covered by the "
                       ".gitignore line '*.tfstate', but git keeps tracking it: run git "
                       "rm --cached -- infra/terraform.tfstate and commit\n"))
      << Describe(res);
  EXPECT_TRUE(Contains(res.out, "run: git rm --cached -- infra/terraform.tfstate")) << res.out;
}

TEST(AuditCli, CredentialsInConfigAreNeverPrinted) {
  TempRepo r;
  const std::string pat = GithubPat();
  r.Git({"remote", "add", "origin", "https://bob:" + pat + "@github.com/acme/app.git"});
  r.Git({"config", "http.extraHeader", "Authorization: Bearer " + pat});
  r.WriteHome(".gitconfig", "[credential]\n\thelper = store\n");
  r.WriteHome(".git-credentials", "https://bob:" + pat + "@github.com\n");
  for (const char* format : {"text", "json", "sarif"}) {
    RunResult res = RunLeakguard(r, {"audit", "-f", format, "-v"});
    EXPECT_EQ(res.exit_code, 1) << Describe(res);
    EXPECT_FALSE(Contains(res.out, pat)) << format;
    EXPECT_FALSE(Contains(res.err, pat)) << format;
    EXPECT_TRUE(Contains(res.out, "https://bob:ghp_****@github.com/acme/app.git")) << format;
  }
  json j = Parse(RunLeakguard(r, {"audit", "-f", "json", "--skip", "hook"}));
  std::vector<std::string> kinds;
  for (const auto& f : j["findings"])
    kinds.push_back(f["kind"].get<std::string>() + " " + f["config"]["scope"].get<std::string>());
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"credential-helper-store global",
                                             "http-extra-header local", "url-credentials local"}));
  // Outside the temporary home, the same repository has no global helper.
  json j2 = Parse(RunLeakguard(r, {"audit", "-f", "json", "--skip", "hook"}, "",
                               {{"HOME", r.root()}, {"XDG_CONFIG_HOME", r.root() + "/none"}}));
  EXPECT_EQ(j2["findings"].size(), 2u) << j2.dump(2);
}

TEST(AuditCli, ReportToAFileIsPrivateAndTheSummaryGoesToStderr) {
  TempRepo r;
  r.Write("a.p12", "x");
  RunResult res = RunLeakguard(r, {"audit", "-f", "sarif", "-o", r.root() + "/audit.sarif"});
  EXPECT_EQ(res.exit_code, 1) << Describe(res);
  EXPECT_EQ(res.out, "");
  EXPECT_TRUE(Contains(res.err, "leakguard: note: leakguard audit: 2 problem(s) (1 high, 1 low)"))
      << Describe(res);
  struct stat st;
  ASSERT_EQ(::stat((r.root() + "/audit.sarif").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  json s = json::parse(ReadFile(r.root() + "/audit.sarif"));
  EXPECT_EQ(s["runs"][0]["results"][0]["ruleId"], "unprotected/pkcs12-keystore");
}

TEST(AuditCli, HistoryFindsADeletedFile) {
  TempRepo r;
  r.Write("old/credentials.json", "{}\n");
  const std::string added = r.Commit({"old/credentials.json"}, "add creds");
  r.Git({"rm", "-q", "old/credentials.json"});
  r.Commit({}, "remove creds");
  RunResult without = RunLeakguard(r, {"audit", "--skip", "hook"});
  EXPECT_EQ(without.exit_code, 0) << Describe(without);
  RunResult res = RunLeakguard(r, {"audit", "--history", "--skip", "hook", "-f", "json"});
  EXPECT_EQ(res.exit_code, 1) << Describe(res);
  json j = Parse(res);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["check"], "history");
  EXPECT_EQ(j["findings"][0]["path"], "old/credentials.json");
  EXPECT_EQ(j["findings"][0]["commit"]["id"], added);
  EXPECT_EQ(j["findings"][0]["commit"]["summary"], "add creds");
  EXPECT_EQ(j["summary"]["commits"], 2);
}

TEST(AuditCli, RunsFromASubdirectory) {
  TempRepo r;
  r.Write("src/app/.env.production", "X=1\n");
  RunResult res = RunLeakguard(r, {"audit", "--skip", "hook", "-f", "json"}, r.Path("src/app"));
  EXPECT_EQ(res.exit_code, 1) << Describe(res);
  json j = Parse(res);
  EXPECT_EQ(j["repository"]["workdir"], r.repo() + "/");
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["path"], "src/app/.env.production");
}

TEST(AuditCli, ConfigAuditSection) {
  TempRepo r;
  r.Write(".leakguard.toml",
          "[extend]\nuseDefault = true\n[audit]\nallow = ['''^fixtures/''']\n"
          "[[audit.files]]\nid = \"license\"\nseverity = \"critical\"\npaths = [\"*.lic\"]\n");
  r.Write("fixtures/id_rsa", RsaKey());
  r.Write("prod.lic", "x");
  RunResult res = RunLeakguard(r, {"audit", "--skip", "hook", "-f", "json"});
  EXPECT_EQ(res.exit_code, 1) << Describe(res);
  json j = Parse(res);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["kind"], "license");
  EXPECT_EQ(j["findings"][0]["severity"], "high");  // untracked: one level lower
  EXPECT_EQ(j["summary"]["allowed"], 1);

  r.Write(".leakguard.toml",
          "[extend]\nuseDefault = true\n\n[[audit.files]]\nid = \"x\"\npaths = [\"*.x\"]\n"
          "severity = \"dire\"\n");
  RunResult bad = RunLeakguard(r, {"audit"});
  EXPECT_EQ(bad.exit_code, 2) << Describe(bad);
  EXPECT_TRUE(Contains(bad.err, ".leakguard.toml:4: kind 'x': 'dire' is not a severity"))
      << Describe(bad);
}

}  // namespace
