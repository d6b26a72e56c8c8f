// Unit tests for the installed C++ API (include/leakguard/): Scanner (built-in and custom rules,
// findings with Secret values, errors), Scanner::Redact and leakguard::Redact, and use from many
// threads at once. Apart from one test hook (api/scanner_internal.h), only the public headers are
// included, as a consumer would.
//
// Secrets are assembled at run time from pieces.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>
#include <type_traits>

#include "api/scanner_internal.h"
#include "leakguard/redact.h"
#include "leakguard/scanner.h"
#include "leakguard/secret.h"

namespace leakguard {
namespace {

static_assert(std::is_same_v<decltype(Finding::secret), Secret>, "findings hold Secrets");
static_assert(!std::is_copy_constructible_v<Finding>, "a finding is not copied by accident");
static_assert(std::is_copy_constructible_v<Scanner>, "copies share the compiled rules");

std::string GithubPat() {
  return std::string("gh") + "p_" + "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW00snvpY";
}
std::string AcmeToken() { return std::string("ac") + "me_" + "k3j9x0q7w2m5n8b1v4c6"; }

const Scanner& BuiltIn() {
  static const Scanner s = [] {
    auto made = Scanner::Create();
    EXPECT_TRUE(made.has_value()) << made.error().message;
    return *made;
  }();
  return s;
}

constexpr std::string_view kAcme = R"toml(
[[rules]]
id = "acme"
description = "Acme API token"
regex = '''\b(acme_[a-z0-9]{20})\b'''
keywords = ["acme_"]
tags = ["acme"]
[[allowlists]]
paths = ['''^fixtures/''']
)toml";

TEST(Scanner, BuiltInRulesFindASecretWithItsLocation) {
  const std::string text = "x = 1\n  token: \xc3\xa9 " + GithubPat() + "\n";
  std::vector<Finding> found = BuiltIn().Scan(text, "config/app.yaml");
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found[0];
  EXPECT_EQ(f.rule_id, "github-pat");
  EXPECT_FALSE(f.description.empty());
  EXPECT_EQ(f.line, 2u);
  EXPECT_EQ(f.column, 12u);  // "  token: é " is 11 characters
  EXPECT_EQ(f.end_line, 2u);
  EXPECT_EQ(f.end_column, 12u + GithubPat().size() - 1);
  EXPECT_EQ(text.substr(f.offset, f.end_offset - f.offset), GithubPat());
  EXPECT_EQ(f.secret.Reveal(), GithubPat());
  EXPECT_EQ(fmt::format("{}", f.secret), "**********");
  EXPECT_EQ(f.masked, "ghp_****");
  EXPECT_GT(f.entropy, 3.0);
  EXPECT_EQ(f.confidence, "high");
  EXPECT_EQ(f.validation, "CRC32 checksum matches");
  EXPECT_EQ(f.secret_id.size(), f.fingerprint.size());
  EXPECT_FALSE(f.fingerprint.empty());
  EXPECT_GT(BuiltIn().rule_count(), 200u);
}

TEST(Scanner, SecretsInsideEncodedTextAreFoundAtTheEncodedSpan) {
  // The custom token, percent-encoded in a URL ("_" as %5F).
  auto s = Scanner::FromConfigText(kAcme);
  ASSERT_TRUE(s.has_value());
  std::string token = AcmeToken();
  const std::string encoded = "https://x.io/?t=" + token.replace(4, 1, "%5F");
  const std::string text = "a = 1\nurl = \"" + encoded + "\"\n";
  std::vector<Finding> found = s->Scan(text, "app.py");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].decoded, std::vector<std::string>{"percent"});
  EXPECT_EQ(found[0].secret.Reveal(), AcmeToken());
  EXPECT_EQ(found[0].line, 2u);
  EXPECT_EQ(found[0].column, 8u);
  EXPECT_EQ(text.substr(found[0].offset, found[0].end_offset - found[0].offset), encoded);
}

TEST(Scanner, FingerprintDependsOnThePathAndSecretIdDoesNot) {
  auto a = BuiltIn().Scan("t=" + GithubPat() + "\n", "a/app.env");
  auto b = BuiltIn().Scan("t=" + GithubPat() + "\n", "b/app.env");
  auto a2 = BuiltIn().Scan("t=" + GithubPat() + "\n", "./a/app.env");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  ASSERT_EQ(a2.size(), 1u);
  EXPECT_NE(a[0].fingerprint, b[0].fingerprint);
  EXPECT_EQ(a[0].secret_id, b[0].secret_id);
  EXPECT_EQ(a[0].fingerprint, a2[0].fingerprint) << "./ is not part of the path";
}

TEST(Scanner, CleanTextAndPlaceholdersHaveNoFindings) {
  EXPECT_TRUE(BuiltIn().Scan("").empty());
  EXPECT_TRUE(BuiltIn().Scan("GITHUB_TOKEN=${GITHUB_TOKEN}\napi_key = \"YOUR_API_KEY\"\n").empty());
}

TEST(Scanner, InlineAllowMarkerSuppressesLikeTheScanCommand) {
  EXPECT_TRUE(BuiltIn().Scan("t=" + GithubPat() + "  # leakguard:allow\n").empty());
}

TEST(Scanner, CustomRulesFromTextWithAllowlists) {
  auto s = Scanner::FromConfigText(kAcme, "acme.toml");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->rule_count(), 1u);
  const std::string text = "k=" + AcmeToken() + " and " + GithubPat() + "\n";
  auto found = s->Scan(text, "src/app.py");
  ASSERT_EQ(found.size(), 1u) << "a config without [extend] replaces the built-in rules";
  EXPECT_EQ(found[0].rule_id, "acme");
  EXPECT_EQ(found[0].tags, std::vector<std::string>{"acme"});
  EXPECT_TRUE(s->Scan(text, "fixtures/app.py").empty()) << "path allowlist";
}

TEST(Scanner, ExtendUseDefaultKeepsTheBuiltInRules) {
  auto s =
      Scanner::FromConfigText(std::string("[extend]\nuseDefault = true\n") + std::string(kAcme));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  auto found = s->Scan("k=" + AcmeToken() + " and " + GithubPat() + "\n");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rule_id, "acme");
  EXPECT_EQ(found[1].rule_id, "github-pat");
}

TEST(Scanner, CustomRulesFromAFile) {
  const auto path = std::filesystem::temp_directory_path() / "leakguard_api_test_rules.toml";
  std::ofstream(path) << kAcme;
  auto s = Scanner::FromConfigFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->Scan("k=" + AcmeToken()).size(), 1u);
}

TEST(Scanner, ErrorsNameTheFileAndNeverHoldSecrets) {
  auto missing = Scanner::FromConfigFile("/nonexistent/leakguard-rules.toml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("/nonexistent/leakguard-rules.toml"), std::string::npos)
      << missing.error().message;
  EXPECT_TRUE(missing.error().code == ErrorCode::kNotFound ||
              missing.error().code == ErrorCode::kIoError);

  auto bad =
      Scanner::FromConfigText("[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\n", "bad.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kParseError);
  EXPECT_NE(bad.error().message.find("bad.toml"), std::string::npos) << bad.error().message;

  auto toml = Scanner::FromConfigText("this is = = not toml", "broken.toml");
  ASSERT_FALSE(toml.has_value());
  EXPECT_EQ(toml.error().code, ErrorCode::kParseError);
}

TEST(Scanner, WarningsReportUnsupportedFields) {
  auto s = Scanner::FromConfigText(std::string(kAcme) + "\n[frobnicate]\nx = 1\n", "w.toml");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_FALSE(s->warnings().empty());
  EXPECT_NE(s->warnings()[0].find("frobnicate"), std::string::npos) << s->warnings()[0];
}

TEST(Scanner, CopiesShareTheRulesAndOutliveTheOriginal) {
  std::optional<Scanner> copy;
  {
    auto s = Scanner::FromConfigText(kAcme);
    ASSERT_TRUE(s.has_value());
    copy = *s;
  }
  EXPECT_EQ(copy->Scan("k=" + AcmeToken()).size(), 1u);
}

// ---- Redaction
// -------------------------------------------------------------------------------------

TEST(Redact, FreeFunctionMasksWithTheBuiltInRules) {
  EXPECT_EQ(Redact("Authorization: token " + GithubPat() + "\r\n"),
            "Authorization: token [REDACTED:github-pat]\r\n");
  EXPECT_EQ(Redact("t=" + GithubPat(), {.mask = "***", .keep = 4}), "t=ghp_***");
  EXPECT_EQ(Redact("nothing here"), "nothing here");
  EXPECT_EQ(Redact(""), "");
  const std::string bytes("\xff\x00\xfe x\n", 6);
  EXPECT_EQ(Redact(bytes), bytes);
}

TEST(Redact, InlineAllowMarkerDoesNotUnmask) {
  EXPECT_EQ(Redact("t=" + GithubPat() + " # leakguard:allow"),
            "t=[REDACTED:github-pat] # leakguard:allow");
}

TEST(Redact, ScannerRedactUsesItsOwnRulesAndPath) {
  auto s = Scanner::FromConfigText(kAcme);
  ASSERT_TRUE(s.has_value());
  const std::string text = "k=" + AcmeToken() + " " + GithubPat();
  EXPECT_EQ(s->Redact(text), "k=[REDACTED:acme] " + GithubPat());
  EXPECT_EQ(s->Redact(text, {.mask = "<{rule}>"}), "k=<acme> " + GithubPat());
  EXPECT_EQ(s->Redact(text, {}, "fixtures/x.log"), text) << "path allowlist";
}

TEST(Redact, MultiLineKeyKeepsTheLineCount) {
  std::string body;
  for (int i = 0; i < 8; ++i)
    body += "MIIEpAIBAAKCAQEA" + std::string(48, static_cast<char>('k' + i)) + "\n";
  const std::string key = std::string("-----BEGIN RSA ") + "PRIVATE KEY-----\n" + body +
                          "-----END RSA PRIVATE KEY-----";
  const std::string out = Redact("a\n" + key + "\nb\n");
  std::string want = "a\n";
  for (int i = 0; i < 10; ++i) want += "[REDACTED:rsa-private-key]\n";
  want += "b\n";
  EXPECT_EQ(out, want);
}

TEST(Scanner, BigBuffersScannedInWindowsFindExactlyWhatOneScanFinds) {
  // Buffers over 4 GiB are scanned in windows; the same code with small windows must give
  // exactly the findings of one whole scan, locations and fingerprints included.
  std::string text;
  for (int i = 0; i < 400; ++i) {
    text += "2024-05-01 INFO caf\xc3\xa9 request " + std::to_string(i) + " ok\r\n";
    if (i % 3 == 0) text += "  token: " + GithubPat() + " (" + std::to_string(i) + ")\n";
    if (i % 7 == 0) text += "aws=" + std::string("AK") + "IAQZ7XW3LKP4RTY2NV\n";
  }
  const auto whole = BuiltIn().Scan(text, "big.log");
  ASSERT_GT(whole.size(), 150u);
  for (size_t window : {size_t{1000}, size_t{4096}, size_t{30000}}) {
    api_internal::SetScanWindowForTesting(window, 256);
    const auto windowed = BuiltIn().Scan(text, "big.log");
    api_internal::SetScanWindowForTesting(0, 0);
    ASSERT_EQ(windowed.size(), whole.size()) << window;
    for (size_t i = 0; i < whole.size(); ++i) {
      const Finding &a = whole[i], &b = windowed[i];
      EXPECT_EQ(std::tie(a.rule_id, a.line, a.column, a.end_line, a.end_column, a.offset,
                         a.end_offset, a.fingerprint),
                std::tie(b.rule_id, b.line, b.column, b.end_line, b.end_column, b.offset,
                         b.end_offset, b.fingerprint))
          << "window " << window << ", finding " << i;
      EXPECT_TRUE(a.secret == b.secret);
    }
  }
}

TEST(Scanner, ManyThreadsAtOnce) {
  const Scanner& s = BuiltIn();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        const std::string text =
            "line " + std::to_string(t * 1000 + i) + " t=" + GithubPat() + "\n";
        auto found = s.Scan(text);
        if (found.size() != 1 || found[0].secret.Reveal() != GithubPat()) ++wrong;
        RedactOptions o;
        o.keep = static_cast<size_t>(i % 3);  // several redactors in use at once
        const std::string red = s.Redact(text, o);
        if (red.find(GithubPat()) != std::string::npos ||
            red.find("[REDACTED:github-pat]") == std::string::npos)
          ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace leakguard
