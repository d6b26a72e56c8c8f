// The generic-secret rules and their value filters on a realistic tree: testdata/generic holds
// one file per syntax (Python, TS, Go, Java, C#, Ruby, PHP, YAML, JSON, TOML, properties, .env,
// XML, HCL, shell, Dockerfile, a Kubernetes Secret, docker-compose connection strings), each
// with planted fake secrets and look-alikes. A copy of it is scanned with the built-in rules
// in --explain mode; the test asserts the exact findings, and for each look-alike either the
// filter that dropped it (what `scan --explain` prints) or that no rule matched it at all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "input/file_source.h"
#include "rules/loader.h"
#include "scan/scanner.h"

namespace leakguard::scan {
namespace {

namespace fs = std::filesystem;

using Location = std::pair<std::string, size_t>;  // (file relative to the root, line)

// Planted secrets: (rule, file, line).
const std::set<std::tuple<std::string, std::string, size_t>> kPlanted = {
    {"generic-password", "app.py", 3},
    {"generic-api-key", "app.py", 4},
    {"generic-api-key", "app.ts", 2},
    {"generic-password", "app.ts", 9},
    {"generic-api-key", "main.go", 5},
    {"generic-password", "App.java", 2},
    {"ado-connection-string", "Program.cs", 3},
    {"generic-api-key", "Program.cs", 4},
    {"generic-api-key", "config.rb", 1},
    {"generic-password", "config.php", 2},
    {"generic-password", "config.yaml", 3},
    {"generic-api-key-unquoted", "config.yaml", 7},
    {"generic-api-key", "settings.json", 2},
    {"generic-password", "config.toml", 2},
    {"generic-password-unquoted", "application.properties", 2},
    {"generic-api-key-unquoted", ".env", 1},
    {"generic-password-unquoted", ".env", 4},  // holds %4D: its percent decoding is no 2nd finding
    {"generic-secret-xml-appsettings", "web.config", 4},
    {"generic-secret-xml", "web.config", 8},
    {"generic-terraform-variable-default", "main.tf", 3},
    {"generic-password", "main.tf", 9},
    {"generic-api-key-unquoted", "deploy.sh", 2},
    {"curl-basic-auth", "deploy.sh", 4},
    {"authorization-bearer", "deploy.sh", 5},
    {"generic-dockerfile-secret", "Dockerfile", 2},
    {"generic-password-unquoted", "Dockerfile", 3},
    {"kubernetes-secret-data", "secret.yaml", 8},  // the first value of 16+ characters
    {"postgres-connection-string", "docker-compose.yml", 4},
    {"generic-api-key-unquoted", "secret.yaml", 9},  // a Secret's second value: generic rules
};

// Look-alikes that a rule matches and a filter drops: the drop reason --explain shows.
const std::map<Location, std::string> kDropped = {
    {{"app.py", 7}, "env-lookup"},                    // "${PAYMENTS_API_KEY_V2}"
    {{"app.py", 8}, "test-fixture"},                  // "test_token_..."
    {{"app.py", 9}, "hash"},                          // git SHA
    {{"app.py", 10}, "uuid"},                         //
    {{"app.py", 11}, "word-like"},                    // "my_secret_key_value"
    {{"app.py", 12}, "template"},                     // "%(db_password)s"
    {{"app.ts", 4}, "env-lookup"},                    // `${process.env.CLIENT_SECRET}`
    {{"app.ts", 5}, "word-like"},                     // "PasswordField"
    {{"app.ts", 10}, "word-like"},                    // "new-password"
    {{"main.go", 10}, "hash"},                        // sha256: digest
    {{"App.java", 6}, "word-like"},                   // "smtpPasswordValue"
    {{"App.java", 7}, "word-like"},                   // "getSmtpPassword()"
    {{"Program.cs", 6}, "env-lookup"},                // "%SMTP_PASSWORD%"
    {{"config.rb", 4}, "template"},                   // "#{smtp_password}"
    {{"config.php", 5}, "test-fixture"},              // 'fake_token_...'
    {{"config.yaml", 4}, "template"},                 // "{{.Values.apiToken}}"
    {{"config.yaml", 6}, "public-key"},               // ssh-ed25519 blob
    {{"settings.json", 3}, "uuid"},                   //
    {{"settings.json", 5}, "hash"},                   // sha512-... integrity
    {{"settings.json", 6}, "placeholder"},            // "undefined"
    {{"config.toml", 5}, "word-like"},                // a file path
    {{"config.toml", 6}, "word-like"},                // a URL without credentials
    {{"application.properties", 4}, "hash"},          // sha256: digest
    {{"application.properties", 5}, "test-fixture"},  // mockPass123
    {{".env", 2}, "test-fixture"},                    // test1234
    {{".env", 3}, "hash"},                            // git SHA
    {{"web.config", 5}, "env-lookup"},                // %SMTP_PASSWORD%
    {{"web.config", 9}, "word-like"},                 // ApiKeyFromVault
    {{"web.config", 10}, "template"},                 // ${env.NEXUS_TOKEN}
    {{"main.tf", 10}, "template"},                    // "${var.api_key}"
    {{"deploy.sh", 3}, "env-lookup"},                 // "$DB_PASSWORD_FROM_VAULT"
    {{"deploy.sh", 6}, "env-lookup"},                 // curl -u "$CI_USER:$CI_TOKEN"
    {{"Dockerfile", 5}, "word-like"},                 // jwt_signing_secret
    {{"docker-compose.yml", 5}, "env-lookup"},        // redis://:${REDIS_PASSWORD}@
    {{"docker-compose.yml", 6}, "placeholder"},       // mongodb://admin:changeme@
};

// Look-alikes no rule matches at all (environment accessors in code, unquoted references,
// lockfile hashes and public keys under names no generic rule takes).
const std::set<Location> kNoCandidate = {
    {"app.py", 5},
    {"app.py", 6},
    {"app.ts", 3},
    {"main.go", 7},
    {"App.java", 3},
    {"Program.cs", 5},
    {"config.rb", 7},
    {"config.php", 4},
    {"config.yaml", 5},
    {"settings.json", 4},
    {"application.properties", 3},
    {"main.tf", 8},
    {"deploy.sh", 7},
    {"Dockerfile", 4},
    {"docker-compose.yml", 7},
};

class GenericSecretsTest : public testing::Test {
 protected:
  void SetUp() override {
    // Per test and process: ctest runs tests in parallel, and other checkouts may run this one.
    root_ = fs::temp_directory_path() /
            ("lg_generic_" +
             std::string(testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
             std::to_string(getpid()));
    fs::remove_all(root_);
    fs::copy(LEAKGUARD_SOURCE_DIR "/testdata/generic", root_, fs::copy_options::recursive);
    fs::remove(root_ / "README.md");
    std::vector<std::string> warnings;
    auto db = match::RulesDatabase::Build(rules::DefaultRules(), &warnings);
    ASSERT_TRUE(db.has_value());
    ScanOptions o;
    o.explain = true;
    input::FileSource src({root_.string()}, {});
    result_ = Scanner(*db, o).Run(src);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  ScanResult result_;
};

TEST_F(GenericSecretsTest, FindsExactlyThePlantedSecretsAndNamesTheFilterForEachLookAlike) {
  std::set<std::tuple<std::string, std::string, size_t>> kept;
  std::map<Location, std::set<std::string>> dropped;  // location -> drop reasons seen there
  std::set<Location> covered;  // generic candidates of a secret a specific rule reports
  size_t reported = 0;
  for (const auto& f : result_.findings) {
    if (f.dropped_by.empty()) {
      kept.insert({f.rule_id, f.rel_path, f.line});
      ++reported;
    } else if (f.drop_detail == "covered by a specific rule")
      covered.insert({f.rel_path, f.line});
    else
      dropped[{f.rel_path, f.line}].insert(f.dropped_by);
  }
  EXPECT_EQ(kept, kPlanted);
  EXPECT_EQ(reported, kept.size()) << "a secret reported twice";

  std::set<Location> kept_at;
  for (const auto& [rule, file, line] : kept) kept_at.insert({file, line});
  for (const auto& [where, reason] : kDropped) {
    EXPECT_TRUE(dropped[where].contains(reason))
        << where.first << ":" << where.second << " not dropped by " << reason;
    EXPECT_FALSE(kept_at.contains(where)) << where.first << ":" << where.second;
  }
  for (const auto& where : kNoCandidate) {
    EXPECT_FALSE(dropped.contains(where)) << where.first << ":" << where.second;
    EXPECT_FALSE(kept_at.contains(where)) << where.first << ":" << where.second;
  }
  // Every other dropped candidate is an expected look-alike; the generic findings of planted
  // secrets that a specific rule reports (the scanner keeps only the specific one) are these.
  for (const auto& [where, reasons] : dropped)
    EXPECT_TRUE(kDropped.contains(where)) << where.first << ":" << where.second << " dropped";
  EXPECT_EQ(covered, (std::set<Location>{{"Program.cs", 3},      // ado-connection-string
                                         {"secret.yaml", 8}}));  // kubernetes-secret-data

  // Precision and recall over the tree (both 1 when the sets above hold); printed for the record.
  size_t true_positives = 0;
  for (const auto& k : kept) true_positives += kPlanted.contains(k);
  std::printf(
      "generic tree: %zu planted, %zu look-alikes, %zu reported, precision %.3f, recall %.3f\n",
      kPlanted.size(), kDropped.size() + kNoCandidate.size(), kept.size(),
      kept.empty() ? 0.0 : double(true_positives) / double(kept.size()),
      double(true_positives) / double(kPlanted.size()));
}

// Every file of the tree is a separate syntax; a new file needs its planted secrets and
// look-alikes listed above.
TEST_F(GenericSecretsTest, TreeHoldsOneFilePerSyntax) {
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(root_)) files.insert(e.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{".env", "App.java", "Dockerfile", "Program.cs", "app.py",
                                          "app.ts", "application.properties", "config.php",
                                          "config.rb", "config.toml", "config.yaml", "deploy.sh",
                                          "docker-compose.yml", "main.go", "main.tf", "secret.yaml",
                                          "settings.json", "web.config"}));
}

}  // namespace
}  // namespace leakguard::scan
