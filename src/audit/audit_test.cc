// Tests of `leakguard audit` as a library: real repositories built with the git CLI in temporary
// directories, audited in process with a private HOME.
#include "audit/audit.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit_report.h"
#include "audit/audit_test_util.h"
#include "audit/checks.h"
#include "audit/gitignore.h"

namespace leakguard::audit {
namespace {

using testing_util::AwsKeyId;
using testing_util::Base62;
using testing_util::Base64;
using testing_util::Certificate;
using testing_util::FakePem;
using testing_util::GithubPat;
using testing_util::Hex;
using testing_util::NpmToken;
using testing_util::ReadFile;
using testing_util::RsaKey;
using testing_util::TempRepo;

const std::set<Check> kFilesOnly = {Check::kConfig, Check::kHook};

Report MustRun(const Options& o) {
  auto r = audit::Run(o);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r ? std::move(*r) : Report{};
}

// "check kind severity path" per finding, in report order.
std::vector<std::string> Summaries(const Report& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings)
    out.push_back(
        fmt::format("{} {} {} {}", CheckName(f.check), f.kind, SeverityName(f.severity), f.path));
  return out;
}

const Finding* FindByPath(const Report& r, std::string_view path, Check check) {
  for (const Finding& f : r.findings)
    if (f.path == path && f.check == check) return &f;
  return nullptr;
}

// ---- Each kind of sensitive file, tracked and untracked --------------------------------------

struct KindCase {
  const char* name;
  std::string path;
  std::string content;
  std::string kind;  // expected kind id
  Severity severity;
};

void PrintTo(const KindCase& c, std::ostream* os) { *os << c.name; }

std::vector<KindCase> KindCases() {
  const std::string pat = GithubPat();
  return {
      {"ssh_private_key_by_name", "keys/id_ed25519", FakePem("OPENSSH PRIVATE KEY"),
       "ssh-private-key", Severity::kCritical},
      {"pem_holding_an_rsa_key", "certs/server.pem", RsaKey(), "private-key-file",
       Severity::kCritical},
      {"key_file_holding_a_pkcs8_key", "tls.key", FakePem(std::string("PRIVATE") + " KEY", 7),
       "private-key-file", Severity::kCritical},
      {"pkcs12", "signing/cert.p12", std::string("\x30\x82\x0a\x01", 4) + Base64(300, 8),
       "pkcs12-keystore", Severity::kCritical},
      {"pfx", "cert.PFX", Base64(100, 9), "pkcs12-keystore", Severity::kCritical},
      {"java_keystore", "android/release.jks", Base64(100, 10), "java-keystore", Severity::kHigh},
      {"putty_key", "win/key.ppk", "PuTTY-User-Key-File-3: ssh-ed25519\n", "putty-private-key",
       Severity::kCritical},
      {"gpg_binary_secret_key", "backup/secret.gpg",
       std::string("\x95\x03\xc6\x04", 4) + Base64(200, 11), "gpg-secret-key", Severity::kCritical},
      {"gpg_armored_secret_key", "keys/me.asc",
       "-----BEGIN PGP PRIVATE"
       " KEY BLOCK-----\n\n" +
           Base64(64, 24) + "\n" + Base64(64, 25) + "\n=" + Base64(4, 26) +
           "\n-----END PGP PRIVATE KEY BLOCK-----\n",
       "private-key-file", Severity::kCritical},
      {"rails_master_key", "config/master.key", Hex(32, 12), "rails-master-key",
       Severity::kCritical},
      {"service_account_json", "deploy/sa.json",
       "{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"" + Hex(40, 13) +
           "\",\n  \"private_key\": \"-----BEGIN " + "PRIVATE KEY-----\\n" + Base64(400, 14) +
           "\\n-----END PRIVATE KEY-----\\n\"\n}\n",
       "service-account-key", Severity::kCritical},
      {"credentials_json", "credentials.json", "{}\n", "credentials-json", Severity::kHigh},
      {"aws_credentials", "home/.aws/credentials",
       "[default]\naws_access_key_id = " + AwsKeyId() + "\n", "aws-credentials",
       Severity::kCritical},
      {"s3cfg", ".s3cfg", "[default]\nsecret_key = " + Base62(40, 15) + "\n", "s3cmd-config",
       Severity::kHigh},
      {"dotenv", ".env", "PORT=3000\n", "env-file", Severity::kHigh},
      {"dotenv_production", "app/.env.production", "DEBUG=0\n", "env-file", Severity::kHigh},
      {"named_env", "deploy/prod.env", "X=1\n", "env-file", Severity::kHigh},
      {"env_example_with_a_real_token", ".env.example", "GITHUB_TOKEN=" + pat + "\n",
       "env-template-with-secrets", Severity::kHigh},
      {"terraform_state", "infra/terraform.tfstate", "{\"version\": 4}\n", "terraform-state",
       Severity::kHigh},
      {"terraform_state_backup", "infra/terraform.tfstate.backup", "{}\n", "terraform-state",
       Severity::kHigh},
      {"tfvars_with_a_token", "infra/prod.tfvars", "github_token = \"" + pat + "\"\n",
       "terraform-vars", Severity::kHigh},
      {"wp_config", "www/wp-config.php", "<?php\ndefine( 'DB_PASSWORD', 'Xk9mQ2vL7pR4wZ' );\n",
       "wordpress-config", Severity::kHigh},
      {"htpasswd", "www/.htpasswd", "admin:$apr1$abc$def\n", "htpasswd", Severity::kHigh},
      {"ansible_vault_password", ".vault_pass", Base62(20, 16) + "\n", "ansible-vault-password",
       Severity::kCritical},
      {"keytab", "krb/svc.keytab", Base64(60, 17), "kerberos-keytab", Severity::kHigh},
      {"keepass", "passwords.kdbx", Base64(60, 18), "keepass-database", Severity::kMedium},
      {"npmrc_with_a_token", ".npmrc", "//registry.npmjs.org/:_authToken=" + NpmToken() + "\n",
       "npmrc", Severity::kHigh},
      {"pypirc_with_a_password", ".pypirc",
       "[pypi]\nusername = bob\npassword = " + Base62(24, 19) + "7\n", "pypirc", Severity::kHigh},
      {"netrc_with_a_password", ".netrc", "machine api.acme.io login bob password Xk9mQ2vL7pR4wZ\n",
       "netrc", Severity::kHigh},
      {"git_credentials", ".git-credentials", "https://bob:" + pat + "@github.com\n",
       "git-credentials", Severity::kCritical},
      {"docker_config", ".docker/config.json",
       "{\"auths\": {\"registry.example.com\": {\"auth\": \"Ym9iOlhrOW1RMnZMN3BSNHda\"}}}\n",
       "docker-config", Severity::kHigh},
      {"kubeconfig_with_a_client_key", "kube/kubeconfig",
       "apiVersion: v1\nclusters:\n- cluster:\n    server: https://k8s.example.com\n  name: c\n"
       "kind: Config\nusers:\n- name: u\n  user:\n    client-key-data: LS0tLS1CRUdJTi" +
           Base64(80, 20) + "\n",
       "kubeconfig", Severity::kHigh},
      {"kubeconfig_yaml_with_a_token", "ops/cluster.yaml",
       "clusters:\n- name: c\nusers:\n- name: u\n  user:\n    token: " + Base62(40, 21) + "\n",
       "kubeconfig", Severity::kHigh},
      {"mysql_client_config", ".my.cnf", "[client]\nuser = app\npassword = Xk9mQ2vL7pR4\n",
       "mysql-client-config", Severity::kHigh},
      {"pgpass", ".pgpass", "db:5432:app:app:Xk9mQ2vL7pR4\n", "pgpass", Severity::kHigh},
      {"openvpn_with_inline_tls_auth", "vpn/client.ovpn",
       "client\n<tls-auth>\n-----BEGIN OpenVPN Static key V1-----\n" + Hex(64, 22) +
           "\n-----END OpenVPN Static key V1-----\n</tls-auth>\n",
       "openvpn-inline-key", Severity::kHigh},
      {"compressed_sql_dump", "backups/prod.sql.gz", Base64(100, 23), "database-dump",
       Severity::kMedium},
      {"sqlite_database", "data/app.sqlite3", "SQLite format 3", "database-dump",
       Severity::kMedium},
      {"mysqldump_output", "backups/prod.sql",
       "-- MySQL dump 10.13  Distrib 8.0.36\n--\n-- Host: localhost\nINSERT INTO t VALUES (1);\n",
       "sql-dump", Severity::kMedium},
  };
}

class KindTest : public testing::TestWithParam<KindCase> {};

TEST_P(KindTest, TrackedFileIsReportedWithItsKindAndSeverity) {
  const KindCase& c = GetParam();
  TempRepo r;
  r.Write(c.path, c.content);
  r.Commit({c.path}, "add");
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  EXPECT_EQ(Summaries(rep), std::vector<std::string>{fmt::format(
                                "tracked {} {} {}", c.kind, SeverityName(c.severity), c.path)});
  ASSERT_EQ(rep.findings.size(), 1u);
  const Finding& f = rep.findings[0];
  EXPECT_EQ(f.commands.front(), "git rm --cached -- " + c.path);
  ASSERT_TRUE(f.gitignore.has_value());
  EXPECT_TRUE(LineCovers(f.gitignore->line, c.path)) << f.gitignore->line;
  EXPECT_FALSE(f.ignored);
  EXPECT_EQ(rep.summary.tracked_files, 1u);
}

TEST_P(KindTest, UntrackedFileIsUnprotectedOneLevelLower) {
  const KindCase& c = GetParam();
  TempRepo r;
  r.Write(c.path, c.content);
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  EXPECT_EQ(Summaries(rep),
            std::vector<std::string>{fmt::format("unprotected {} {} {}", c.kind,
                                                 SeverityName(OneLower(c.severity)), c.path)});
  ASSERT_EQ(rep.findings.size(), 1u);
  ASSERT_TRUE(rep.findings[0].gitignore.has_value());
  EXPECT_TRUE(rep.findings[0].gitignore->applicable);
  EXPECT_TRUE(LineCovers(rep.findings[0].gitignore->line, c.path));
  EXPECT_EQ(rep.summary.untracked_files, 1u);
}

TEST_P(KindTest, IgnoredUntrackedFileIsNotReported) {
  const KindCase& c = GetParam();
  TempRepo r;
  r.Write(c.path, c.content);
  r.Write(".gitignore", *ExactIgnoreLine(c.path) + "\n");
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  EXPECT_TRUE(rep.findings.empty()) << testing::PrintToString(Summaries(rep));
}

INSTANTIATE_TEST_SUITE_P(Kinds, KindTest, testing::ValuesIn(KindCases()),
                         [](const auto& p) { return std::string(p.param.name); });

// ---- Files that look sensitive by name but are not ------------------------------------------

struct CleanCase {
  const char* name;
  std::string path;
  std::string content;
};

void PrintTo(const CleanCase& c, std::ostream* os) { *os << c.name; }

class NotSensitiveTest : public testing::TestWithParam<CleanCase> {};

TEST_P(NotSensitiveTest, IsNotReportedTrackedOrUntracked) {
  const CleanCase& c = GetParam();
  TempRepo r;
  r.Write(c.path, c.content);
  r.Write("untracked/" + c.path, c.content);
  r.Commit({c.path}, "add");
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  EXPECT_TRUE(rep.findings.empty()) << testing::PrintToString(Summaries(rep));
  EXPECT_EQ(rep.summary.not_checked, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Clean, NotSensitiveTest,
    testing::Values(
        CleanCase{"env_example_with_placeholders", ".env.example",
                  "API_KEY=your-api-key-here\nDB_PASSWORD=changeme\nSECRET=${SECRET}\n"
                  "GITHUB_TOKEN=<token>\nPORT=3000\n"},
        CleanCase{"env_sample_empty_values", "config/.env.sample", "API_KEY=\nTOKEN=\n"},
        CleanCase{"certificate_pem", "certs/ca.pem", Certificate()},
        CleanCase{"public_key_next_to_a_private_one", "keys/id_rsa.pub", "ssh-rsa AAAAB3 me\n"},
        CleanCase{"keynote_named_key", "talk.key", Base64(200, 30)},
        CleanCase{"encrypted_gpg_message", "notes.txt.gpg",
                  std::string("\x85\x01\x0c", 3) + Base64(100, 31)},
        CleanCase{"npmrc_with_an_env_reference", ".npmrc",
                  "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"},
        CleanCase{"ordinary_json", "package.json", "{\"name\": \"x\"}\n"},
        CleanCase{"ordinary_config_json", "config.json", "{\"auths\": {}}\n"},
        CleanCase{"ordinary_yaml", "ci.yml", "steps:\n  - run: make\n"},
        CleanCase{"schema_migration", "db/001_init.sql", "CREATE TABLE t (id int);\n"},
        CleanCase{"tfvars_without_secrets", "infra/dev.tfvars", "region = \"eu-west-1\"\n"},
        CleanCase{"ovpn_without_inline_keys", "vpn/client.ovpn", "client\nca ca.crt\n"}),
    [](const auto& p) { return std::string(p.param.name); });

// ---- Ignore rules: nested .gitignore files and negations ------------------------------------

TEST(AuditIgnore, NestedGitignoreFilesAndNegations) {
  TempRepo r;
  const std::string key = RsaKey();
  r.Write(".gitignore", "*.pem\nlogs/\n");
  r.Write("a.pem", key);                     // ignored by the root *.pem
  r.Write("sub/.gitignore", "!keep.pem\n");  // re-included on purpose
  r.Write("sub/keep.pem", key);              // so unprotected
  r.Write("sub/other.pem", key);             // still ignored
  r.Write("nested/.gitignore", "secret.key\n");
  r.Write("nested/secret.key", key);         // ignored by the nested file
  r.Write("nested/deeper/secret.key", key);  // too (no slash: any depth)
  r.Write("logs/id_rsa", "x");               // inside an ignored directory
  r.Write("logs/.gitignore", "!id_rsa\n");   // cannot re-include inside an ignored directory
  r.Write("other/.env", "A=1\n");            // not covered
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{
                                "unprotected private-key-file high sub/keep.pem",
                                "unprotected env-file medium other/.env",
                            }));
  const Finding* keep = FindByPath(rep, "sub/keep.pem", Check::kUnprotected);
  ASSERT_NE(keep, nullptr);
  ASSERT_TRUE(keep->gitignore.has_value());
  EXPECT_FALSE(keep->gitignore->applicable);
  EXPECT_EQ(keep->gitignore->blocked_by, "sub/.gitignore:1: !keep.pem");
  EXPECT_EQ(keep->gitignore->line, "/sub/keep.pem");
  const Finding* env = FindByPath(rep, "other/.env", Check::kUnprotected);
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->gitignore->line, ".env");
  EXPECT_TRUE(env->gitignore->applicable);
}

TEST(AuditIgnore, InfoExcludeAndCoreExcludesFileProtect) {
  TempRepo r;
  r.Write(".env", "A=1\n");
  r.Write("prod.tfvars", "token = \"" + GithubPat() + "\"\n");
  r.Write("x.p12", "p12");
  r.Write(".git/info/exclude", ".env\n");
  r.WriteHome(".config/git/ignore", "*.tfvars\n");  // the default core.excludesFile
  r.WriteHome("elsewhere/ignore", "*.p12\n");
  r.Git({"config", "core.excludesFile", r.home() + "/elsewhere/ignore"});
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  // core.excludesFile replaces the XDG default, so prod.tfvars is no longer ignored.
  EXPECT_EQ(Summaries(rep),
            (std::vector<std::string>{"unprotected terraform-vars medium prod.tfvars"}));
  r.Git({"config", "--unset", "core.excludesFile"});
  rep = MustRun(r.MakeOptions(kFilesOnly));
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{"unprotected pkcs12-keystore high x.p12"}));
}

// The ignore verdicts agree with `git check-ignore` on every path of a tree full of edge cases.
TEST(AuditIgnore, VerdictsAgreeWithGitCheckIgnore) {
  TempRepo r;
  r.Write(".gitignore",
          "*.pem\n!keep*.pem\n/root-only.key\nbuild/\ndocs/**/*.secret\n\\#hash\n"
          "trailing.txt   \n*.log\n!important.log\nvendor/*\n!vendor/keep/\n");
  r.Write("a/.gitignore", "!*.pem\nlocal.key\n");
  r.Write("a/b/.gitignore", "*.pem\n");
  r.Write(".git/info/exclude", "*.tmp\n!a/keep.tmp\n");
  const std::vector<std::string> paths = {
      "x.pem",         "keep1.pem",         "d/keep2.pem",     "a/x.pem",       "a/b/x.pem",
      "a/b/c/x.pem",   "root-only.key",     "d/root-only.key", "build/out.txt", "d/build/out.txt",
      "docs/x.secret", "docs/a/b/x.secret", "other/x.secret",  "#hash",         "trailing.txt",
      "a/local.key",   "a/z/local.key",     "x.log",           "important.log", "d/important.log",
      "vendor/lib.c",  "vendor/keep/lib.c", "x.tmp",           "a/keep.tmp",    "plain.txt",
  };
  IgnoreRules rules(r.repo() + "/", r.repo() + "/.git/info/exclude", ".git/info/exclude", "");
  for (const std::string& p : paths) {
    r.Write(p, "x");
    const bool git_says = r.Git({"check-ignore", "-q", "--no-index", p}, true).code == 0;
    EXPECT_EQ(rules.Check(p, false).ignored, git_says) << p;
  }
}

// ---- --fix ------------------------------------------------------------------------------------

TEST(AuditFix, RunTwiceTheSecondRunChangesNothing) {
  TempRepo r;
  r.Write(".gitignore", "node_modules/\n*.log");  // no final newline
  r.Write(".env", "A=1\n");
  r.Write("app/.env", "B=2\n");
  r.Write("certs/server.pem", RsaKey());
  r.Write("a.p12", "x");
  r.Write("b.p12", "y");
  Options o = r.MakeOptions(kFilesOnly);
  Report rep = MustRun(o);
  ASSERT_EQ(rep.findings.size(), 5u) << testing::PrintToString(Summaries(rep));
  auto fix = ApplyGitignoreFix(o, rep);
  ASSERT_TRUE(fix.has_value()) << fix.error().message();
  // In report order: most severe first.
  EXPECT_EQ(fix->added, (std::vector<std::string>{"*.p12", "/certs/server.pem", ".env"}));
  EXPECT_FALSE(fix->created);
  EXPECT_TRUE(fix->warnings.empty());
  const std::string after_first = ReadFile(r.Path(".gitignore"));
  EXPECT_EQ(after_first, std::string("node_modules/\n*.log\n") + std::string(kFixComment) +
                             "\n*.p12\n/certs/server.pem\n.env\n");
  Report after = MustRun(o);
  EXPECT_TRUE(after.findings.empty()) << testing::PrintToString(Summaries(after));

  auto again = ApplyGitignoreFix(o, after);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->added.empty());
  EXPECT_EQ(ReadFile(r.Path(".gitignore")), after_first);
  // Even given the first report again (stale), nothing is appended twice.
  auto stale = ApplyGitignoreFix(o, rep);
  ASSERT_TRUE(stale.has_value());
  EXPECT_TRUE(stale->added.empty());
  EXPECT_EQ(ReadFile(r.Path(".gitignore")), after_first);
}

TEST(AuditFix, KeepsCrlfLineEndingsAndTheFileMode) {
  TempRepo r;
  r.Write(".gitignore", "*.log\r\n# comment\r\nbuild/");
  ::chmod(r.Path(".gitignore").c_str(), 0640);
  r.Write(".env.local", "A=1\n");
  Options o = r.MakeOptions(kFilesOnly);
  auto fix = ApplyGitignoreFix(o, MustRun(o));
  ASSERT_TRUE(fix.has_value()) << fix.error().message();
  EXPECT_EQ(ReadFile(r.Path(".gitignore")),
            "*.log\r\n# comment\r\nbuild/\r\n" + std::string(kFixComment) + "\r\n.env.*\r\n");
  struct stat st;
  ASSERT_EQ(::stat(r.Path(".gitignore").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_TRUE(MustRun(o).findings.empty());
}

TEST(AuditFix, CreatesTheGitignoreWhenThereIsNone) {
  TempRepo r;
  r.Write("deploy/terraform.tfstate", "{}\n");
  Options o = r.MakeOptions(kFilesOnly);
  auto fix = ApplyGitignoreFix(o, MustRun(o));
  ASSERT_TRUE(fix.has_value());
  EXPECT_TRUE(fix->created);
  EXPECT_EQ(ReadFile(r.Path(".gitignore")), std::string(kFixComment) + "\n*.tfstate\n");
}

TEST(AuditFix, SaysSoWhenANewLineCoversATrackedFile) {
  TempRepo r;
  r.Write("prod.env", "A=1\n");
  r.Commit({"prod.env"}, "oops");
  r.Write(".env", "B=2\n");
  Options o = r.MakeOptions(kFilesOnly);
  Report rep = MustRun(o);
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{"tracked env-file high prod.env",
                                                      "unprotected env-file medium .env"}));
  auto fix = ApplyGitignoreFix(o, rep);
  ASSERT_TRUE(fix.has_value());
  // `*.env` would not cover .env; `.env` covers only .env; prod.env gets `*.env`.
  EXPECT_EQ(fix->added, (std::vector<std::string>{"*.env", ".env"}));
  ASSERT_EQ(fix->warnings.size(), 1u);
  EXPECT_EQ(fix->warnings[0],
            "prod.env: now covered by the .gitignore line '*.env', but git keeps tracking it: run "
            "git rm --cached -- prod.env and commit");
  Report after = MustRun(o);
  EXPECT_EQ(Summaries(after), (std::vector<std::string>{"tracked env-file high prod.env"}));
  EXPECT_TRUE(after.findings[0].ignored);
  EXPECT_FALSE(after.findings[0].gitignore.has_value());
}

TEST(AuditFix, DoesNotOverrideADeliberateNegation) {
  TempRepo r;
  r.Write(".gitignore", "*.pem\n");
  r.Write("fixtures/.gitignore", "!test.pem\n");
  r.Write("fixtures/test.pem", RsaKey());
  Options o = r.MakeOptions(kFilesOnly);
  Report rep = MustRun(o);
  auto fix = ApplyGitignoreFix(o, rep);
  ASSERT_TRUE(fix.has_value());
  EXPECT_TRUE(fix->added.empty());
  ASSERT_EQ(fix->warnings.size(), 1u);
  EXPECT_NE(fix->warnings[0].find("fixtures/.gitignore:1: !test.pem"), std::string::npos);
  EXPECT_EQ(ReadFile(r.Path(".gitignore")), "*.pem\n");
}

TEST(AuditFix, ProposedLineNeverCoversAFileThatMustStay) {
  TempRepo r;
  r.Write(".env.example", "A=changeme\n");
  r.Commit({".env.example"}, "template");
  r.Write(".env.local", "A=1\n");
  r.Write("ca.p12", "x");
  r.Write("keep/ok.p12.txt", "x");
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  const Finding* local = FindByPath(rep, ".env.local", Check::kUnprotected);
  ASSERT_NE(local, nullptr);
  // `.env.*` would also ignore the tracked template, so the exact path is proposed.
  EXPECT_EQ(local->gitignore->line, "/.env.local");
  EXPECT_EQ(FindByPath(rep, "ca.p12", Check::kUnprotected)->gitignore->line, "*.p12");
}

TEST(AuditFix, RefusesASymlinkedGitignore) {
  TempRepo r;
  r.Write("elsewhere", "*.log\n");
  ASSERT_EQ(::symlink("elsewhere", r.Path(".gitignore").c_str()), 0);
  r.Write(".env", "A=1\n");
  Options o = r.MakeOptions(kFilesOnly);
  auto fix = ApplyGitignoreFix(o, MustRun(o));
  ASSERT_FALSE(fix.has_value());
  EXPECT_NE(fix.error().message().find("not a regular file"), std::string::npos);
  EXPECT_EQ(ReadFile(r.Path("elsewhere")), "*.log\n");
}

TEST(AuditFix, EscapesGlobCharactersInExactPaths) {
  TempRepo r;
  r.Write("we[ir]d *name?.pem", RsaKey());
  Options o = r.MakeOptions(kFilesOnly);
  Report rep = MustRun(o);
  ASSERT_EQ(rep.findings.size(), 1u);
  EXPECT_EQ(rep.findings[0].gitignore->line, "/we\\[ir]d \\*name\\?.pem");
  ASSERT_TRUE(ApplyGitignoreFix(o, rep).has_value());
  EXPECT_TRUE(MustRun(o).findings.empty());
  // git agrees that the line covers exactly that file.
  EXPECT_EQ(r.Git({"check-ignore", "-q", "we[ir]d *name?.pem"}, true).code, 0);
  r.Write("weid xname1.pem", RsaKey());
  EXPECT_EQ(r.Git({"check-ignore", "-q", "weid xname1.pem"}, true).code, 1);
}

// ---- Git config credentials -------------------------------------------------------------------

TEST(AuditConfig, RemoteUrlWithCredentialsIsMasked) {
  TempRepo r;
  const std::string pat = GithubPat();
  r.Git({"remote", "add", "origin", "https://bob:" + pat + "@github.com/acme/app.git"});
  r.Git({"remote", "add", "mirror", "https://" + pat + "@example.com/app.git"});
  r.Git({"remote", "add", "templated", "https://bob:${GIT_TOKEN}@example.com/app.git"});
  r.Git({"remote", "add", "plain", "https://bob@example.com/app.git"});
  r.Git({"remote", "set-url", "--push", "plain", "ssh://git:Xk9mQ2vL7pR4wZ@example.com/app.git"});
  Report rep = MustRun(r.MakeOptions({Check::kHook}));
  ASSERT_EQ(Summaries(rep), (std::vector<std::string>{
                                "config url-credentials high .git/config",
                                "config url-credentials high .git/config",
                                "config url-credentials high .git/config",
                            }));
  const Finding& origin = rep.findings[0];
  EXPECT_EQ(origin.config_key, "remote.mirror.url");
  EXPECT_EQ(origin.masked_value, "https://ghp_****@example.com/app.git");
  EXPECT_EQ(origin.commands,
            std::vector<std::string>{"git remote set-url mirror https://example.com/app.git"});
  EXPECT_EQ(rep.findings[1].config_key, "remote.origin.url");
  EXPECT_EQ(rep.findings[1].masked_value, "https://bob:ghp_****@github.com/acme/app.git");
  EXPECT_EQ(
      rep.findings[1].commands,
      std::vector<std::string>{"git remote set-url origin https://bob@github.com/acme/app.git"});
  EXPECT_EQ(rep.findings[2].config_key, "remote.plain.pushurl");
  EXPECT_EQ(rep.findings[2].masked_value, "ssh://git:Xk9****@example.com/app.git");
  EXPECT_EQ(
      rep.findings[2].commands,
      std::vector<std::string>{"git remote set-url --push plain ssh://git@example.com/app.git"});
  EXPECT_EQ(rep.findings[2].config_scope, "local");
  // No rendering of the report holds the secret.
  for (Format f : {Format::kText, Format::kJson, Format::kSarif}) {
    const std::string out = Render(rep, f, {});
    EXPECT_EQ(out.find(pat), std::string::npos);
    EXPECT_EQ(out.find("Xk9mQ2vL7pR4wZ"), std::string::npos);
  }
  // --redact=100 hides everything; --no-redact shows it.
  Options o = r.MakeOptions({Check::kHook});
  o.mask.percent = 100;
  EXPECT_EQ(MustRun(o).findings[1].masked_value, "https://bob:****@github.com/acme/app.git");
  o.mask.enabled = false;
  EXPECT_EQ(MustRun(o).findings[1].masked_value, "https://bob:" + pat + "@github.com/acme/app.git");
}

TEST(AuditConfig, CredentialHelperStoreInTheRepositoryAndGlobally) {
  TempRepo r;
  r.Git({"config", "credential.helper", "store"});
  r.WriteHome(".gitconfig",
              "[credential \"https://example.com\"]\n\thelper = store --file ~/creds\n");
  r.WriteHome(".git-credentials", "https://bob:" + GithubPat() +
                                      "@github.com\nhttps://amy:Xk9mQ2vL7pR4wZ@gitlab.com\n");
  ::chmod((r.home() + "/.git-credentials").c_str(), 0644);
  Report rep = MustRun(r.MakeOptions({Check::kHook}));
  ASSERT_EQ(Summaries(rep), (std::vector<std::string>{
                                "config credential-helper-store high .git/config",
                                "config credential-helper-store medium " + r.home() + "/.gitconfig",
                            }));
  const Finding& local = rep.findings[0];
  EXPECT_EQ(local.config_key, "credential.helper");
  EXPECT_EQ(local.config_scope, "local");
  EXPECT_NE(local.reason.find(r.home() + "/.git-credentials holds 2 credential(s) and is readable "
                                         "by other users (mode 0644)"),
            std::string::npos)
      << local.reason;
  EXPECT_EQ(local.commands,
            (std::vector<std::string>{"git config --unset-all credential.helper '^store$'",
                                      "chmod 600 " + r.home() + "/.git-credentials"}));
  const Finding& global = rep.findings[1];
  EXPECT_EQ(global.config_key, "credential.https://example.com.helper");
  EXPECT_EQ(global.config_scope, "global");
  EXPECT_NE(global.reason.find(r.home() + "/creds does not exist yet"), std::string::npos);
  EXPECT_EQ(global.commands, (std::vector<std::string>{"git config --global --unset-all "
                                                       "credential.https://example.com.helper "
                                                       "'^store --file ~/creds$'"}));
  EXPECT_EQ(ReadFile(r.home() + "/.git-credentials").find("Xk9mQ2vL7pR4wZ") != std::string::npos,
            true);
  for (Format f : {Format::kText, Format::kJson, Format::kSarif})
    EXPECT_EQ(Render(rep, f, {}).find("Xk9mQ2vL7pR4wZ"), std::string::npos);
}

TEST(AuditConfig, GlobalConfigFollowsGitConfigGlobalAndXdg) {
  TempRepo r;
  r.WriteHome(".config/git/config", "[credential]\n\thelper = store\n");
  Report rep = MustRun(r.MakeOptions({Check::kHook}));
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{"config credential-helper-store medium " +
                                                      r.home() + "/.config/git/config"}));
  EXPECT_EQ(rep.findings[0].config_scope, "xdg");
  EXPECT_EQ(rep.findings[0].commands,
            std::vector<std::string>{"git config --file " + r.home() +
                                     "/.config/git/config --unset-all credential.helper "
                                     "'^store$'"});
  // GIT_CONFIG_GLOBAL replaces both ~/.gitconfig and the XDG file, as in git.
  r.WriteHome("alt.gitconfig", "[sendemail]\n\tsmtpPass = Xk9mQ2vL7pR4wZ\n");
  r.SetEnv("GIT_CONFIG_GLOBAL", r.home() + "/alt.gitconfig");
  rep = MustRun(r.MakeOptions({Check::kHook}));
  EXPECT_EQ(Summaries(rep),
            (std::vector<std::string>{"config smtp-password high " + r.home() + "/alt.gitconfig"}));
  EXPECT_EQ(rep.findings[0].masked_value, "Xk9****");
  EXPECT_EQ(rep.findings[0].commands,
            std::vector<std::string>{"git config --global --unset sendemail.smtppass"});
}

TEST(AuditConfig, LeftoverPlaintextCredentialFile) {
  TempRepo r;
  r.WriteHome(".git-credentials", "https://bob:Xk9mQ2vL7pR4wZ@example.com\n");
  ::chmod((r.home() + "/.git-credentials").c_str(), 0600);
  Report rep = MustRun(r.MakeOptions({Check::kHook}));
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{"config plaintext-credential-file medium " +
                                                      r.home() + "/.git-credentials"}));
  EXPECT_TRUE(rep.findings[0].commands.empty());
}

TEST(AuditConfig, HttpExtraHeaderWithAToken) {
  TempRepo r;
  const std::string pat = GithubPat();
  r.Git(
      {"config", "http.https://github.com/.extraheader", "AUTHORIZATION: basic " + Base64(40, 40)});
  r.Git({"config", "--add", "http.extraHeader", "X-Trace: 1234"});
  r.Git({"config", "--add", "http.extraHeader", "X-Custom: " + pat});
  r.Git({"config", "--add", "http.extraHeader", "Authorization: Bearer ${TOKEN}"});
  Report rep = MustRun(r.MakeOptions({Check::kHook}));
  ASSERT_EQ(Summaries(rep), (std::vector<std::string>{
                                "config http-extra-header high .git/config",
                                "config http-extra-header high .git/config",
                            }));
  EXPECT_EQ(rep.findings[0].config_key, "http.extraheader");
  EXPECT_EQ(rep.findings[0].masked_value, "X-Custom: ghp_****");
  EXPECT_EQ(rep.findings[1].config_key, "http.https://github.com/.extraheader");
  EXPECT_EQ(rep.findings[1].masked_value,
            "AUTHORIZATION: basic " + Base64(40, 40).substr(0, 4) + "****");
  EXPECT_EQ(
      rep.findings[1].commands,
      std::vector<std::string>{"git config --unset-all http.https://github.com/.extraheader"});
  EXPECT_NE(rep.findings[1].fix.find("persist-credentials: false"), std::string::npos);
}

TEST(AuditConfig, CredentialsInAKeyAreNotRepeatedInACommand) {
  TempRepo r;
  r.Git(
      {"config", "url.https://bob:Xk9mQ2vL7pR4wZ@example.com/.insteadOf", "https://example.com/"});
  Report rep = MustRun(r.MakeOptions({Check::kHook}));
  ASSERT_EQ(Summaries(rep), (std::vector<std::string>{"config url-credentials high .git/config"}));
  EXPECT_EQ(rep.findings[0].config_key, "url.https://bob:Xk9****@example.com/.insteadof");
  EXPECT_TRUE(rep.findings[0].commands.empty());
  EXPECT_EQ(Render(rep, Format::kJson, {}).find("Xk9mQ2vL7pR4wZ"), std::string::npos);
}

TEST(AuditConfig, CleanConfigHasNoFindings) {
  TempRepo r;
  r.Git({"remote", "add", "origin", "git@github.com:acme/app.git"});
  r.Git({"config", "credential.helper", "cache --timeout=900"});
  r.Git({"config", "http.proxy", "http://proxy.example.com:3128"});
  EXPECT_TRUE(MustRun(r.MakeOptions({Check::kHook})).findings.empty());
}

// ---- Hooks ------------------------------------------------------------------------------------

void WriteHook(const TempRepo& r, const std::string& rel, const std::string& text, bool exec) {
  r.Write(rel, text);
  ::chmod(r.Path(rel).c_str(), exec ? 0755 : 0644);
}

TEST(AuditHook, AbsentHookIsReportedWithTheInstallCommand) {
  TempRepo r;
  Report rep = MustRun(r.MakeOptions({Check::kConfig}));
  EXPECT_EQ(Summaries(rep),
            (std::vector<std::string>{"hook no-pre-commit-hook low .git/hooks/pre-commit"}));
  EXPECT_EQ(rep.findings[0].commands,
            std::vector<std::string>{"leakguard hook install --pre-commit"});
  EXPECT_TRUE(rep.hook.checked);
  EXPECT_FALSE(rep.hook.exists);
  EXPECT_FALSE(rep.hook.Protected());
}

struct HookCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> files;  // path -> content (hooks executable)
  std::vector<std::string> config;                         // git config KEY VALUE
  std::string expected_kind;                               // "" = protected
  std::vector<std::string> scanners;
};

void PrintTo(const HookCase& c, std::ostream* os) { *os << c.name; }

class HookTest : public testing::TestWithParam<HookCase> {};

TEST_P(HookTest, RecognisesTheScanner) {
  const HookCase& c = GetParam();
  TempRepo r;
  for (const auto& [path, text] : c.files)
    WriteHook(
        r, path, text,
        path.find("pre-commit") != std::string::npos && path.find(".yaml") == std::string::npos);
  for (size_t i = 0; i + 1 < c.config.size(); i += 2)
    r.Git({"config", c.config[i], c.config[i + 1]});
  Report rep = MustRun(r.MakeOptions({Check::kConfig}));
  EXPECT_EQ(rep.hook.scanners, c.scanners);
  if (c.expected_kind.empty()) {
    EXPECT_TRUE(rep.hook.Protected());
    EXPECT_TRUE(rep.findings.empty()) << testing::PrintToString(Summaries(rep));
  } else {
    ASSERT_EQ(rep.findings.size(), 1u);
    EXPECT_EQ(rep.findings[0].kind, c.expected_kind);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Hooks, HookTest,
    testing::Values(
        HookCase{"leakguard_hook",
                 {{".git/hooks/pre-commit", "#!/bin/sh\nexec leakguard scan --staged\n"}},
                 {},
                 "",
                 {"leakguard"}},
        HookCase{"gitleaks_hook",
                 {{".git/hooks/pre-commit", "#!/bin/sh\ngitleaks protect --staged -v\n"}},
                 {},
                 "",
                 {"gitleaks"}},
        HookCase{"trufflehog_and_ggshield",
                 {{".git/hooks/pre-commit",
                   "#!/bin/sh\ntrufflehog git file://. && ggshield secret scan pre-commit\n"}},
                 {},
                 "",
                 {"trufflehog", "ggshield"}},
        HookCase{"hook_without_scanner",
                 {{".git/hooks/pre-commit", "#!/bin/sh\nmake lint\n"}},
                 {},
                 "pre-commit-hook-without-scanner",
                 {}},
        HookCase{"scanner_only_in_a_comment",
                 {{".git/hooks/pre-commit", "#!/bin/sh\n# TODO: run gitleaks\nmake lint\n"}},
                 {},
                 "pre-commit-hook-without-scanner",
                 {}},
        HookCase{"scanner_as_part_of_a_word",
                 {{".git/hooks/pre-commit", "#!/bin/sh\nmygitleaksish\n"}},
                 {},
                 "pre-commit-hook-without-scanner",
                 {}},
        HookCase{"core_hooks_path_relative",
                 {{".githooks/pre-commit",
                   "#!/bin/sh\ndetect-secrets-hook --baseline .secrets.baseline\n"}},
                 {"core.hooksPath", ".githooks"},
                 "",
                 {"detect-secrets"}},
        HookCase{"core_hooks_path_without_hook",
                 {{".git/hooks/pre-commit", "#!/bin/sh\ngitleaks protect\n"}},
                 {"core.hooksPath", ".githooks"},
                 "no-pre-commit-hook",
                 {}},
        HookCase{"pre_commit_framework_with_gitleaks",
                 {{".git/hooks/pre-commit",
                   "#!/usr/bin/env bash\n# File generated by pre-commit: "
                   "https://pre-commit.com\nARGS=(hook-impl --config=.pre-commit-config.yaml "
                   "--hook-type=pre-commit)\n"},
                  {".pre-commit-config.yaml",
                   "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.18.0\n    "
                   "hooks:\n      - id: gitleaks\n"}},
                 {},
                 "",
                 {"gitleaks"}},
        HookCase{"pre_commit_framework_other_config",
                 {{".git/hooks/pre-commit",
                   "#!/usr/bin/env bash\n# File generated by pre-commit: "
                   "https://pre-commit.com\nARGS=(hook-impl --config=ci/hooks.yaml "
                   "--hook-type=pre-commit)\n"},
                  {"ci/hooks.yaml",
                   "repos:\n  - repo: https://github.com/Yelp/detect-secrets\n    hooks:\n      - "
                   "id: detect-secrets\n"}},
                 {},
                 "",
                 {"detect-secrets"}},
        HookCase{"pre_commit_framework_without_scanner",
                 {{".git/hooks/pre-commit",
                   "#!/usr/bin/env bash\n# File generated by pre-commit: "
                   "https://pre-commit.com\nARGS=(hook-impl --config=.pre-commit-config.yaml "
                   "--hook-type=pre-commit)\n"},
                  {".pre-commit-config.yaml",
                   "repos:\n  - repo: https://github.com/psf/black\n    hooks:\n      - id: "
                   "black\n  # - id: gitleaks\n"}},
                 {},
                 "pre-commit-hook-without-scanner",
                 {}},
        HookCase{"husky_9",
                 {{".husky/_/pre-commit", "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n"},
                  {".husky/pre-commit", "npx leakguard scan --staged\n"}},
                 {"core.hooksPath", ".husky/_"},
                 "",
                 {"leakguard"}}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(AuditHook, NonExecutableHookIsSkippedByGit) {
  TempRepo r;
  WriteHook(r, ".git/hooks/pre-commit", "#!/bin/sh\ngitleaks protect\n", false);
  Report rep = MustRun(r.MakeOptions({Check::kConfig}));
  EXPECT_EQ(
      Summaries(rep),
      (std::vector<std::string>{"hook pre-commit-hook-not-executable low .git/hooks/pre-commit"}));
  EXPECT_EQ(rep.findings[0].commands,
            std::vector<std::string>{"chmod +x " + r.repo() + "/.git/hooks/pre-commit"});
}

TEST(AuditHook, FrameworkConfigWithoutInstalledHookSuggestsItsInstaller) {
  TempRepo r;
  r.Write(".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n");
  Report rep = MustRun(r.MakeOptions({Check::kConfig}));
  ASSERT_EQ(rep.findings.size(), 1u);
  EXPECT_EQ(rep.findings[0].kind, "no-pre-commit-hook");
  EXPECT_EQ(
      rep.findings[0].commands,
      (std::vector<std::string>{"leakguard hook install --pre-commit", "pre-commit install"}));
}

TEST(AuditHook, HooksPathWithTildeIsExpandedFromHome) {
  TempRepo r;
  r.WriteHome("hooks/pre-commit", "#!/bin/sh\nggshield secret scan pre-commit\n");
  ::chmod((r.home() + "/hooks/pre-commit").c_str(), 0755);
  r.WriteHome(".gitconfig", "[core]\n\thooksPath = ~/hooks\n");
  Report rep = MustRun(r.MakeOptions({Check::kConfig}));
  EXPECT_TRUE(rep.findings.empty()) << testing::PrintToString(Summaries(rep));
  EXPECT_EQ(rep.hook.path, r.home() + "/hooks/pre-commit");
  EXPECT_TRUE(rep.hook.hooks_path_configured);
}

// ---- History ----------------------------------------------------------------------------------

TEST(AuditHistory, FindsADeletedFileWithTheCommitThatIntroducedIt) {
  TempRepo r;
  r.Write("README", "hi\n");
  r.Commit({"README"}, "first");
  r.Write("deploy/.env", "A=1\n");
  const std::string date = r.Date();
  const std::string added = r.Commit({"deploy/.env"}, "add env");
  r.Write("deploy/.env", "A=2\n");
  r.Commit({"deploy/.env"}, "change env");
  r.Git({"rm", "-q", "deploy/.env"});
  r.Commit({}, "remove env");
  Options o = r.MakeOptions(kFilesOnly);
  EXPECT_TRUE(MustRun(o).findings.empty());
  o.history = true;
  Report rep = MustRun(o);
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{"history env-file high deploy/.env"}));
  ASSERT_EQ(rep.findings.size(), 1u);
  const Finding& f = rep.findings[0];
  EXPECT_EQ(f.commit, added);
  EXPECT_EQ(f.author, "Test Author");
  EXPECT_EQ(f.email, "author@example.com");
  EXPECT_EQ(f.date, date);
  EXPECT_EQ(f.commit_summary, "add env");
  EXPECT_EQ(f.commands,
            std::vector<std::string>{"git filter-repo --invert-paths --path deploy/.env"});
  EXPECT_EQ(rep.summary.commits, 4u);
}

TEST(AuditHistory, ContentKindsAreReportedFromTheFirstSensitiveVersion) {
  TempRepo r;
  r.Write("tls/server.pem", Certificate());
  r.Commit({"tls/server.pem"}, "certificate only");
  r.Write("tls/server.pem", Certificate() + RsaKey());
  const std::string with_key = r.Commit({"tls/server.pem"}, "bundle the key");
  r.Write("tls/server.pem", Certificate());
  r.Commit({"tls/server.pem"}, "take the key out again");
  Options o = r.MakeOptions(kFilesOnly);
  o.history = true;
  Report rep = MustRun(o);
  EXPECT_EQ(Summaries(rep),
            (std::vector<std::string>{"history private-key-file critical tls/server.pem"}));
  ASSERT_EQ(rep.findings.size(), 1u);
  EXPECT_EQ(rep.findings[0].commit, with_key);
}

TEST(AuditHistory, WalksEveryRefAndAttachesTheCommitToTrackedFiles) {
  TempRepo r;
  r.Write("a.p12", "x");
  const std::string first = r.Commit({"a.p12"}, "keystore");
  r.Git({"checkout", "-q", "-b", "side"});
  r.Write("side/id_rsa", RsaKey());
  const std::string side = r.Commit({"side/id_rsa"}, "key on a branch");
  r.Git({"checkout", "-q", "main"});
  r.Git({"tag", "v1", side});
  Options o = r.MakeOptions(kFilesOnly);
  o.history = true;
  Report rep = MustRun(o);
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{
                                "tracked pkcs12-keystore critical a.p12",
                                "history ssh-private-key critical side/id_rsa",
                            }));
  EXPECT_EQ(rep.findings[0].commit, first);
  EXPECT_EQ(rep.findings[1].commit, side);
}

TEST(AuditHistory, EmptyRepositoryHasNoHistory) {
  TempRepo r;
  Options o = r.MakeOptions(kFilesOnly);
  o.history = true;
  Report rep = MustRun(o);
  EXPECT_TRUE(rep.findings.empty());
  EXPECT_EQ(rep.summary.commits, 0u);
}

// ---- Configuration: [audit] ---------------------------------------------------------------------

TEST(AuditConfigFile, ExtendsDisablesAndAllows) {
  TempRepo r;
  r.Write(".leakguard.toml",
          "[extend]\nuseDefault = true\n\n[audit]\ndisable = [\"keepass-database\"]\n"
          "allow = ['''^testdata/''']\n\n[[audit.files]]\nid = \"acme-license\"\n"
          "description = \"ACME license key\"\nseverity = \"medium\"\npaths = [\"*.acmelic\"]\n"
          "ignore = [\"*.acmelic\"]\n");
  r.Write("prod.acmelic", "x");
  r.Write("vault.kdbx", "x");
  r.Write("testdata/id_rsa", RsaKey());
  Options o = r.MakeOptions(kFilesOnly);
  o.config_path = r.Path(".leakguard.toml");
  Report rep = MustRun(o);
  EXPECT_EQ(Summaries(rep),
            (std::vector<std::string>{"unprotected acme-license low prod.acmelic"}));
  EXPECT_EQ(rep.findings[0].gitignore->line, "*.acmelic");
  EXPECT_EQ(rep.summary.allowed, 1u);
}

TEST(AuditConfigFile, GlobalPathAllowlistOfTheRulesApplies) {
  TempRepo r;
  r.Write(".leakguard.toml",
          "[extend]\nuseDefault = true\n[[allowlists]]\ndescription = \"fixtures\"\n"
          "paths = ['''^fixtures/''']\n");
  r.Write("fixtures/id_rsa", RsaKey());
  r.Write("real/id_rsa", RsaKey());
  std::vector<std::string> w;
  auto set = rules::LoadConfigFile(r.Path(".leakguard.toml"), &w);
  ASSERT_TRUE(set.has_value());
  auto db = match::RulesDatabase::Build(std::move(*set), &w);
  ASSERT_TRUE(db.has_value());
  Options o = r.MakeOptions(kFilesOnly);
  o.db = *db;
  Report rep = MustRun(o);
  EXPECT_EQ(Summaries(rep),
            (std::vector<std::string>{"unprotected ssh-private-key high real/id_rsa"}));
}

TEST(AuditConfigFile, InvalidEntriesAreErrorsWithFileAndLine) {
  std::vector<std::string> w;
  auto bad = ParseAuditConfig(
      SensitiveFilesToml(), "[[audit.files]]\nid = \"x\"\npaths = [\"*.x\"]\nseverity = \"dire\"\n",
      "cfg.toml", &w);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(),
            "cfg.toml:1: kind 'x': 'dire' is not a severity (critical, high, medium or low)");
  auto regex = ParseAuditConfig(
      SensitiveFilesToml(),
      "[[audit.files]]\nid = \"x\"\npaths = [\"*.x\"]\n[audit.files.content]\npatterns = ['(']\n",
      "cfg.toml", &w);
  ASSERT_FALSE(regex.has_value());
  EXPECT_NE(regex.error().message().find("cfg.toml:4: kind 'x': invalid regex '('"),
            std::string::npos)
      << regex.error().message();
  auto no_paths =
      ParseAuditConfig(SensitiveFilesToml(), "[[audit.files]]\nid = \"x\"\n", "cfg.toml", &w);
  ASSERT_FALSE(no_paths.has_value());
  EXPECT_EQ(no_paths.error().message(), "cfg.toml:1: kind 'x': 'paths' is missing or empty");
  w.clear();
  auto unknown = ParseAuditConfig(SensitiveFilesToml(),
                                  "[audit]\nalow = []\ndisable = [\"nope\"]\n", "cfg.toml", &w);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(w, (std::vector<std::string>{"cfg.toml:2: audit: unknown field 'alow' is ignored",
                                         "cfg.toml:3: audit.disable names unknown kind 'nope'"}));
}

TEST(AuditConfigFile, BuiltinKindsLoadWithoutWarnings) {
  std::vector<std::string> w;
  auto cfg = ParseAuditConfig(SensitiveFilesToml(), "", "", &w);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message();
  EXPECT_TRUE(w.empty()) << testing::PrintToString(w);
  EXPECT_GE(cfg->kinds.size(), 30u);
  // Every kind's content check can be evaluated with the built-in rules.
  Classifier cls(*cfg, testing_util::BuiltinDb());
  EXPECT_TRUE(cls.warnings().empty()) << testing::PrintToString(cls.warnings());
}

TEST(AuditConfigFile, ContentCheckWithoutItsRulesFallsBackToTheName) {
  std::vector<std::string> w;
  auto set = rules::LoadConfigText(
      "[[rules]]\nid = \"only\"\nregex = '''only_[a-z]{10}'''\nkeywords = [\"only_\"]\n", "c.toml",
      &w);
  ASSERT_TRUE(set.has_value());
  auto db = match::RulesDatabase::Build(std::move(*set), &w);
  ASSERT_TRUE(db.has_value());
  TempRepo r;
  r.Write("cert.pem", Certificate());  // no private-key rule loaded: reported by name
  Options o = r.MakeOptions(kFilesOnly);
  o.db = *db;
  Report rep = MustRun(o);
  EXPECT_EQ(Summaries(rep),
            (std::vector<std::string>{"unprotected private-key-file high cert.pem"}));
}

// ---- Errors and limits ------------------------------------------------------------------------

TEST(AuditErrors, NotAGitRepository) {
  TempRepo r(/*init=*/false);
  Environment env = r.Env();
  env.ceiling_directories = r.root();
  auto loc = FindRepository(r.repo(), env);
  ASSERT_FALSE(loc.has_value());
  EXPECT_EQ(loc.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(loc.error().message(),
            r.repo() + ": not a git repository (nor any of its parent directories)");
  Options o = r.MakeOptions();
  o.env = env;
  EXPECT_FALSE(audit::Run(o).has_value());
}

TEST(AuditErrors, DiscoversTheRepositoryFromASubdirectory) {
  TempRepo r;
  r.Write("a/b/.env", "A=1\n");
  Options o = r.MakeOptions(kFilesOnly);
  o.path = r.Path("a/b");
  Report rep = MustRun(o);
  EXPECT_EQ(rep.repo.workdir, r.repo() + "/");
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{"unprotected env-file medium a/b/.env"}));
}

TEST(AuditErrors, OversizedFileIsCountedNotReportedClean) {
  TempRepo r;
  r.Write("big.pem", RsaKey() + std::string(5000, '\n'));
  Options o = r.MakeOptions(kFilesOnly);
  o.max_file_size = 1024;
  Report rep = MustRun(o);
  EXPECT_TRUE(rep.findings.empty());
  EXPECT_EQ(rep.summary.not_checked, 1u);
  EXPECT_NE(SummaryLine(rep).find("1 not checked"), std::string::npos);
}

TEST(AuditErrors, BareRepositoryReadsHead) {
  TempRepo src;
  src.Write("id_rsa", RsaKey());
  src.Commit({"id_rsa"}, "key");
  TempRepo bare(/*init=*/false);
  bare.Git({"clone", "-q", "--bare", src.repo(), bare.repo() + "/b.git"});
  Options o = bare.MakeOptions(kFilesOnly);
  o.path = bare.repo() + "/b.git";
  Report rep = MustRun(o);
  EXPECT_TRUE(rep.repo.bare);
  EXPECT_EQ(Summaries(rep), (std::vector<std::string>{"tracked ssh-private-key critical id_rsa"}));
  EXPECT_FALSE(ApplyGitignoreFix(o, rep).has_value());
}

TEST(AuditErrors, ModifiedWorkingTreeVersionIsChecked) {
  TempRepo r;
  r.Write("tls.pem", Certificate());
  r.Commit({"tls.pem"}, "cert");
  r.Write("tls.pem", Certificate() + RsaKey());
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  ASSERT_EQ(Summaries(rep),
            (std::vector<std::string>{"tracked private-key-file critical tls.pem"}));
  EXPECT_NE(rep.findings[0].reason.find("working-tree version"), std::string::npos);
}

// ---- Rendering --------------------------------------------------------------------------------

TEST(AuditReport, JsonAndSarifAreValidAndComplete) {
  TempRepo r;
  r.Write(".env", "A=1\n");
  r.Commit({".env"}, "env");
  r.Write("x.p12", "x");
  r.Git({"remote", "add", "origin", "https://bob:Xk9mQ2vL7pR4wZ@example.com/a.git"});
  r.WriteHome(".gitconfig", "[credential]\n\thelper = store\n");
  Report rep = MustRun(r.MakeOptions());
  RenderOptions ro;
  ro.tool_version = "9.9.9";
  auto j = nlohmann::json::parse(Render(rep, Format::kJson, ro));
  ASSERT_EQ(j["findings"].size(), 5u);
  EXPECT_EQ(j["findings"][0]["check"], "tracked");
  EXPECT_EQ(j["findings"][0]["severity"], "high");
  EXPECT_EQ(j["findings"][0]["gitignore"]["line"], ".env");
  EXPECT_EQ(j["summary"]["problems"], 5);
  EXPECT_EQ(j["summary"]["high"], 3);
  EXPECT_EQ(j["summary"]["medium"], 1);
  EXPECT_EQ(j["summary"]["low"], 1);
  EXPECT_EQ(j["protection"]["protected"], false);
  EXPECT_EQ(j["summary"]["version"], "9.9.9");

  auto s = nlohmann::json::parse(Render(rep, Format::kSarif, ro));
  EXPECT_EQ(s["version"], "2.1.0");
  const auto& run = s["runs"][0];
  ASSERT_EQ(run["results"].size(), 5u);
  std::map<std::string, std::string> level;
  for (const auto& res : run["results"]) level[res["ruleId"]] = res["level"];
  EXPECT_EQ(level["tracked/env-file"], "error");
  EXPECT_EQ(level["unprotected/pkcs12-keystore"], "error");
  EXPECT_EQ(level["config/url-credentials"], "error");
  EXPECT_EQ(level["config/credential-helper-store"], "warning");
  EXPECT_EQ(level["hook/no-pre-commit-hook"], "note");
  for (const auto& rule : run["tool"]["driver"]["rules"])
    EXPECT_TRUE(rule["properties"].contains("security-severity")) << rule.dump();
  for (const auto& res : run["results"]) {
    const std::string uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    if (res["ruleId"] == "config/credential-helper-store") {
      EXPECT_EQ(uri, "file://" + r.home() + "/.gitconfig");
    }
    EXPECT_FALSE(uri.empty());
  }
}

TEST(AuditReport, TextEscapesHostileFileNames) {
  TempRepo r;
  r.Write("evil\x1b]0;pwned\x07.p12", "x");
  Report rep = MustRun(r.MakeOptions(kFilesOnly));
  ASSERT_EQ(rep.findings.size(), 1u);
  const std::string text = Render(rep, Format::kText, {});
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("evil\\x1b]0;pwned\\x07.p12"), std::string::npos);
  const auto j = nlohmann::json::parse(Render(rep, Format::kJson, {}), nullptr, false);
  EXPECT_FALSE(j.is_discarded());
}

// ---- Pure helpers -----------------------------------------------------------------------------

TEST(AuditGitignore, AppendIgnoreLines) {
  std::vector<std::string> added;
  EXPECT_EQ(AppendIgnoreLines("", {"a"}, &added), std::string(kFixComment) + "\na\n");
  EXPECT_EQ(AppendIgnoreLines("x", {"a", "a", "x"}, &added),
            "x\n" + std::string(kFixComment) + "\na\n");
  EXPECT_EQ(added, std::vector<std::string>{"a"});
  EXPECT_EQ(AppendIgnoreLines("a  \r\nb\r\n", {"a", "b"}, &added), "a  \r\nb\r\n");
  EXPECT_TRUE(added.empty());
  const std::string with_comment = "x\n" + std::string(kFixComment) + "\na\n";
  EXPECT_EQ(AppendIgnoreLines(with_comment, {"b"}, &added), with_comment + "b\n");
  // A line that only looks alike (escaped trailing space) is different.
  EXPECT_EQ(AppendIgnoreLines("a\\ \n", {"a"}, &added),
            "a\\ \n" + std::string(kFixComment) + "\na\n");
}

TEST(AuditGitignore, ExactLinesAndCoverage) {
  EXPECT_EQ(*ExactIgnoreLine("a/b.pem"), "/a/b.pem");
  EXPECT_EQ(*ExactIgnoreLine("#x!"), "/#x!");
  EXPECT_EQ(*ExactIgnoreLine("t  "), "/t\\ \\ ");
  EXPECT_FALSE(ExactIgnoreLine("a\nb").has_value());
  EXPECT_TRUE(LineCovers("/t\\ \\ ", "t  "));
  EXPECT_FALSE(LineCovers("/t\\ \\ ", "t"));
  EXPECT_TRUE(LineCovers("*.pem", "a/b/c.pem"));
  EXPECT_TRUE(LineCovers("secrets/", "secrets/a/b"));
  EXPECT_FALSE(LineCovers("secrets/", "secrets"));
  EXPECT_FALSE(LineCovers("/a.pem", "b/a.pem"));
  EXPECT_FALSE(LineCovers("# *.pem", "a.pem"));
}

}  // namespace
}  // namespace leakguard::audit

namespace leakguard::audit::internal {
namespace {

TEST(AuditHelpers, FindUrlUserinfo) {
  auto u = FindUrlUserinfo("x https://bob:pw@host/p and ftp://tok@h:21 git@github.com:a/b s://@h");
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].user, "bob");
  EXPECT_TRUE(u[0].has_password);
  EXPECT_EQ(u[0].password, "pw");
  EXPECT_EQ(u[1].user, "tok");
  EXPECT_FALSE(u[1].has_password);
  // '@' in the path or query is not user info; the last '@' of the authority ends it.
  EXPECT_TRUE(FindUrlUserinfo("https://host/a@b?c@d").empty());
  auto at = FindUrlUserinfo("https://u:p@ss@host/");
  ASSERT_EQ(at.size(), 1u);
  EXPECT_EQ(at[0].password, "p@ss");
}

TEST(AuditHelpers, ScannersNamedInIgnoresCommentsAndPartialWords) {
  EXPECT_EQ(ScannersNamedIn("#!/bin/sh\n# gitleaks later\nexec trufflehog git file://.  # x\n"),
            std::vector<std::string>{"trufflehog"});
  EXPECT_EQ(ScannersNamedIn("run leakguard_old; ggshield-x\n"),
            std::vector<std::string>{"ggshield"});
  EXPECT_EQ(ScannersNamedIn("  - id: detect-secrets\n  - repo: x/GITLEAKS\n"),
            (std::vector<std::string>{"gitleaks", "detect-secrets"}));
  EXPECT_TRUE(ScannersNamedIn("echo a#gitleaks\n").size() == 1u);  // '#' inside a word is text
}

TEST(AuditHelpers, ShellQuote) {
  EXPECT_EQ(ShellQuote("a/b.c"), "a/b.c");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("$HOME"), "'$HOME'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(AuditHelpers, ParseCheckAndSeverity) {
  EXPECT_EQ(*ParseCheck("hooks"), Check::kHook);
  EXPECT_FALSE(ParseCheck("history").has_value());
  EXPECT_FALSE(ParseCheck("nope").has_value());
  EXPECT_EQ(*ParseSeverity("CRITICAL"), Severity::kCritical);
  EXPECT_FALSE(ParseSeverity("none").has_value());
  EXPECT_EQ(OneLower(Severity::kLow), Severity::kLow);
  EXPECT_EQ(OneLower(Severity::kCritical), Severity::kHigh);
}

}  // namespace
}  // namespace leakguard::audit::internal
