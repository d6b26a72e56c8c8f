// Tests for the report module: golden files for every format, plus the properties that matter for
// safety (escaping, injection guards, valid JSON from invalid UTF-8) and for GitHub's SARIF upload.
//
// Golden files live in testdata/expected/report/. To regenerate them after an intended change:
//   LEAKGUARD_UPDATE_GOLDEN=1 ./report_test
// and review the diff. All secrets below are obviously fake.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "findings/finding.h"
#include "report/formats.h"
#include "report/reporter.h"

#ifndef LEAKGUARD_SOURCE_DIR
#error "LEAKGUARD_SOURCE_DIR must be defined (leakguard_add_test does this)"
#endif

namespace leakguard::report {
namespace {

using findings::Finding;
using nlohmann::json;

constexpr std::string_view kFakePat = "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE";

// ---- fixtures ----

Finding PlainFinding() {
  Finding f;
  f.rule_id = "github-pat";
  f.description = "GitHub Personal Access Token";
  f.tags = {"github", "token"};
  f.file = "src/config.py";
  f.rel_path = "src/config.py";
  f.line = 12;
  f.column = 10;
  f.end_line = 12;
  f.end_column = 49;
  f.secret = std::string(kFakePat);
  f.match = "token = \"" + std::string(kFakePat) + "\"";
  f.line_text = f.match;
  f.entropy = 3.1234;
  f.confidence = "high";
  f.validation = "CRC32 checksum matches";
  return f;
}

Finding GitFinding() {
  Finding f;
  f.rule_id = "generic-api-key";
  f.description = "Generic API Key";
  f.tags = {"generic"};
  f.file = "docs/my notes/caf\xc3\xa9.env";
  f.rel_path = f.file;
  f.line = 3;
  f.column = 9;
  f.end_line = 3;
  f.end_column = 32;
  f.secret = "FAKE0123456789FAKE012345";
  f.match = "API_KEY=FAKE0123456789FAKE012345";
  f.entropy = 4.0567;
  f.confidence = "low";
  f.commit = "0000000000000000000000000000000000000001";
  f.author = "Zo\xc3\xab Example";
  f.email = "zoe@example.com";
  f.date = "2024-01-02T03:04:05Z";
  f.message = "Add config\n\nSigned-off-by: Zo\xc3\xab Example";
  return f;
}

Finding PathOnlyFinding() {
  Finding f;
  f.rule_id = "pkcs12-file";
  f.description = "PKCS #12 file";
  f.tags = {"file"};
  f.file = "certs/server.p12";
  f.rel_path = "certs/server.p12";
  return f;
}

// The three golden findings, with ids computed and redacted as the pipeline hands them over.
std::vector<Finding> GoldenFindings() {
  std::vector<Finding> all = {PlainFinding(), GitFinding(), PathOnlyFinding()};
  for (Finding& f : all) {
    findings::ComputeIds(&f);
    // MaskSecret("") gives "****"; a path-only finding has no secret to mask, so leave it empty.
    if (f.secret.empty())
      f.redacted = true;
    else
      findings::Redact(&f, redact::MaskPolicy{});
  }
  return all;
}

Summary GoldenSummary() {
  Summary s;
  s.files_scanned = 1204;
  s.bytes_scanned = 40055603;  // 38.2 MiB
  s.findings = 3;
  s.skipped_binary = 2;
  s.skipped_too_large = 1;
  s.skipped_unreadable = 0;
  s.skipped_other = 0;
  s.suppressed = 1;
  s.seconds = 0.41;  // fixed: the only unstable field
  s.rules = 3;
  return s;
}

ReportOptions GoldenOptions() {
  ReportOptions o;
  o.tool_version = "0.1.0";
  o.rules = {
      {"github-pat", "GitHub Personal Access Token", {"github", "token"}},
      {"generic-api-key", "Generic API Key", {"generic"}},
      {"pkcs12-file", "PKCS #12 file", {"file"}},
      {"github-pat", "GitHub Personal Access Token (duplicate)", {"github"}},
  };
  return o;
}

std::string Render(Format format, const std::vector<Finding>& all,
                   ReportOptions options = GoldenOptions(), Summary summary = GoldenSummary()) {
  std::unique_ptr<Reporter> reporter = MakeReporter(format, std::move(options));
  EXPECT_NE(reporter, nullptr);
  std::ostringstream out;
  Status st = reporter->Write(all, summary, out);
  EXPECT_TRUE(st.ok()) << st.message();
  return out.str();
}

// A minimal RFC 4180 reader (CRLF rows) to check what a spreadsheet would see.
std::vector<std::vector<std::string>> ParseCsv(std::string_view s) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

// ---- golden files ----

struct GoldenCase {
  Format format;
  const char* file;
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.file; }

class GoldenTest : public testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, OutputMatchesGoldenFileByteForByte) {
  const GoldenCase& c = GetParam();
  std::string got = Render(c.format, GoldenFindings());
  std::filesystem::path path =
      std::filesystem::path(LEAKGUARD_SOURCE_DIR) / "testdata/expected/report" / c.file;

  const char* update = std::getenv("LEAKGUARD_UPDATE_GOLDEN");
  if (update != nullptr && std::string_view(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << got;
    GTEST_SKIP() << "rewrote " << path;
  }

  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path
                  << " (run with LEAKGUARD_UPDATE_GOLDEN=1 to create it)";
  std::string want((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, want) << "golden file " << path
                       << " differs; if the change is intended, rerun with "
                          "LEAKGUARD_UPDATE_GOLDEN=1 and review the diff";
}

INSTANTIATE_TEST_SUITE_P(AllFormats, GoldenTest,
                         testing::Values(GoldenCase{Format::kText, "findings.txt"},
                                         GoldenCase{Format::kJson, "findings.json"},
                                         GoldenCase{Format::kJsonl, "findings.jsonl"},
                                         GoldenCase{Format::kSarif, "findings.sarif"},
                                         GoldenCase{Format::kCsv, "findings.csv"}),
                         [](const testing::TestParamInfo<GoldenCase>& p) {
                           std::string name = p.param.file;
                           return name.substr(name.find('.') + 1);
                         });

// ---- helpers in reporter.cc ----

TEST(ParseFormatTest, AcceptsEveryFormatName) {
  EXPECT_EQ(ParseFormat("text"), Format::kText);
  EXPECT_EQ(ParseFormat("json"), Format::kJson);
  EXPECT_EQ(ParseFormat("jsonl"), Format::kJsonl);
  EXPECT_EQ(ParseFormat("sarif"), Format::kSarif);
  EXPECT_EQ(ParseFormat("csv"), Format::kCsv);
}

TEST(ParseFormatTest, RejectsUnknownNameWithInvalidArgument) {
  Result<Format> r = ParseFormat("xml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("xml"), std::string::npos);
  EXPECT_FALSE(ParseFormat("").has_value());
  EXPECT_FALSE(ParseFormat("JSON ").has_value());
}

TEST(HumanBytesTest, PicksTheLargestUnitBelow1024) {
  struct Case {
    uint64_t bytes;
    const char* want;
  } cases[] = {
      {0, "0 B"},
      {1023, "1023 B"},
      {1024, "1.0 KiB"},
      {1536, "1.5 KiB"},
      {1048575, "1.0 MiB"},  // would be "1024.0 KiB" without the carry
      {40055603, "38.2 MiB"},
      {uint64_t{5} << 30, "5.0 GiB"},
      {UINT64_MAX, "16.0 EiB"},
  };
  for (const Case& c : cases) EXPECT_EQ(HumanBytes(c.bytes), c.want) << c.bytes;
}

TEST(SummaryLineTest, MatchesTheDocumentedShape) {
  Summary s = GoldenSummary();
  s.suppressed = 0;
  EXPECT_EQ(SummaryLine(s),
            "scanned 1,204 files (38.2 MiB) in 0.41s: 3 findings; skipped 2 binary, 1 too large, "
            "0 unreadable");
}

TEST(SummaryLineTest, SingularCountsOtherSkipsAndSuppressions) {
  Summary s;
  s.files_scanned = 1;
  s.bytes_scanned = 10;
  s.findings = 1;
  s.skipped_other = 1234567;
  s.suppressed = 2;
  s.seconds = 1.0;
  EXPECT_EQ(SummaryLine(s),
            "scanned 1 file (10 B) in 1.00s: 1 finding; skipped 0 binary, 0 too large, "
            "0 unreadable, 1,234,567 other; 2 suppressed");
}

// ---- text ----

TEST(TextReporterTest, EscapesControlCharactersInEveryField) {
  Finding f = PlainFinding();
  f.file = "evil\x1b]0;pwned\x07name\r.txt";
  f.match =
      "key=\x1b[2Jabc\x7f\xc2\x9b"
      "31m";
  f.secret = "abc";
  f.rule_id = "rule\ttab";
  f.commit = "c0ffee";
  f.author = "Mallory\x1b[8m";
  f.message =
      "line1\nline2\xe2\x80\xae"
      "txt.exe";  // U+202E right-to-left override
  std::string out = Render(Format::kText, {f});
  for (char bad : {'\x1b', '\x07', '\r', '\x7f', '\t'})
    EXPECT_EQ(out.find(bad), std::string::npos) << "raw byte " << int(bad) << " in output";
  EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos);
  EXPECT_EQ(out.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_NE(out.find("evil\\x1b]0;pwned\\x07name\\r.txt"), std::string::npos) << out;
  EXPECT_NE(out.find("key=\\x1b[2Jabc\\x7f\\u{009b}31m"), std::string::npos) << out;
  EXPECT_NE(out.find("rule\\ttab"), std::string::npos);
  EXPECT_NE(out.find("line1\\nline2\\u{202e}txt.exe"), std::string::npos) << out;
  // A newline inside a field must not start a new output line.
  EXPECT_NE(out.find("Message:     line1\\nline2"), std::string::npos);
}

TEST(TextReporterTest, EscapeKeepsPrintableUtf8AndShowsInvalidBytes) {
  EXPECT_EQ(internal::EscapeForTerminal("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(internal::EscapeForTerminal("a\xff"
                                        "b\xc3"),
            "a\\xffb\\xc3");
  EXPECT_EQ(internal::EscapeForTerminal("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(internal::EscapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(internal::EscapeForTerminal(std::string_view("\0x", 2)), "\\x00x");
}

TEST(TextReporterTest, NoColourWhenColorIsFalse) {
  ReportOptions o = GoldenOptions();
  o.color = false;
  std::string out = Render(Format::kText, GoldenFindings(), o);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

TEST(TextReporterTest, ColourWhenColorIsTrueAndSecretHighlightedInMatch) {
  ReportOptions o = GoldenOptions();
  o.color = true;
  std::vector<Finding> all = {PlainFinding()};
  std::string out = Render(Format::kText, all, o);
  EXPECT_NE(out.find("\x1b["), std::string::npos);
  EXPECT_NE(out.find("token = \"\x1b[1;31m" + std::string(kFakePat) + "\x1b[0m\""),
            std::string::npos)
      << out;
}

TEST(TextReporterTest, EndsWithTheSummaryLine) {
  std::string out = Render(Format::kText, GoldenFindings());
  std::string want = "\n" + SummaryLine(GoldenSummary()) + "\n";
  ASSERT_GE(out.size(), want.size());
  EXPECT_EQ(out.substr(out.size() - want.size()), want);
}

TEST(TextReporterTest, NoFindingsPrintsOnlyTheSummary) {
  Summary s = GoldenSummary();
  s.findings = 0;
  EXPECT_EQ(Render(Format::kText, {}, GoldenOptions(), s), SummaryLine(s) + "\n");
}

// ---- json / jsonl ----

TEST(JsonReporterTest, InvalidUtf8StillGivesValidJson) {
  Finding f = PlainFinding();
  f.file = "bad\xff\xfe name.txt";
  f.match = "tok=\xc3";       // truncated two-byte sequence
  f.secret = "\xed\xa0\x80";  // encoded surrogate
  f.commit = "c0ffee";
  f.message = "msg \x80";
  for (Format format : {Format::kJson, Format::kJsonl, Format::kSarif}) {
    std::string out = Render(format, {f});
    if (format == Format::kJsonl) {
      std::istringstream lines(out);
      std::string line;
      while (std::getline(lines, line)) EXPECT_TRUE(json::accept(line)) << line;
    } else {
      EXPECT_TRUE(json::accept(out)) << out;
    }
    EXPECT_NE(out.find("tok=\xef\xbf\xbd"), std::string::npos);  // U+FFFD
  }
  json doc = json::parse(Render(Format::kJson, {f}));
  EXPECT_EQ(doc["findings"][0]["file"], "bad\xef\xbf\xbd\xef\xbf\xbd name.txt");
  EXPECT_EQ(doc["findings"][0]["match"], "tok=\xef\xbf\xbd");
}

TEST(JsonReporterTest, KeysInStableOrderAndOptionalGroups) {
  std::vector<Finding> all = GoldenFindings();
  all[2].dropped_by = "allowlist";
  all[2].drop_detail = "path matches certs/**";
  std::string out = Render(Format::kJson, all);
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(out);

  std::vector<std::string> top;
  for (const auto& [k, v] : doc.items()) top.push_back(k);
  EXPECT_EQ(top, (std::vector<std::string>{"findings", "summary"}));

  auto keys = [](const nlohmann::ordered_json& o) {
    std::vector<std::string> ks;
    for (const auto& [k, v] : o.items()) ks.push_back(k);
    return ks;
  };
  std::vector<std::string> base = {"rule_id",     "description", "file",   "line",  "column",
                                   "end_line",    "end_column",  "secret", "match", "entropy",
                                   "fingerprint", "secret_id",   "tags"};
  // confidence and validation follow entropy when set (PlainFinding has both, GitFinding only
  // confidence).
  std::vector<std::string> checked = base;
  checked.insert(checked.begin() + 10, {"confidence", "validation"});
  EXPECT_EQ(keys(doc["findings"][0]), checked);
  std::vector<std::string> git = base;
  git.insert(git.begin() + 10, "confidence");
  git.insert(git.end(), {"commit", "author", "email", "date", "message"});
  EXPECT_EQ(keys(doc["findings"][1]), git);
  std::vector<std::string> dropped = base;
  dropped.insert(dropped.end(), {"dropped_by", "drop_detail"});
  EXPECT_EQ(keys(doc["findings"][2]), dropped);

  EXPECT_EQ(keys(doc["summary"]),
            (std::vector<std::string>{"files_scanned", "bytes_scanned", "findings", "skipped",
                                      "suppressed", "seconds", "rules", "version"}));
  EXPECT_EQ(keys(doc["summary"]["skipped"]),
            (std::vector<std::string>{"binary", "too_large", "unreadable", "other"}));
  EXPECT_TRUE(doc["findings"][0]["entropy"].is_number());
}

TEST(JsonlReporterTest, OneCompactObjectPerFindingAndNoSummary) {
  std::string out = Render(Format::kJsonl, GoldenFindings());
  std::istringstream lines(out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    json j = json::parse(line);
    EXPECT_TRUE(j.contains("rule_id"));
    EXPECT_FALSE(j.contains("summary"));
    ++n;
  }
  EXPECT_EQ(n, 3);
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(Render(Format::kJsonl, {}), "");
}

// ---- sarif ----

TEST(SarifReporterTest, HasEveryFieldGitHubCodeScanningRequires) {
  json doc = json::parse(Render(Format::kSarif, GoldenFindings()));
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_EQ(doc["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  ASSERT_EQ(doc["runs"].size(), 1u);
  const json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "leakguard");
  EXPECT_EQ(run["tool"]["driver"]["semanticVersion"], "0.1.0");
  EXPECT_EQ(run["columnKind"], "unicodeCodePoints");

  const json& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 3u) << "duplicate rule ids must be merged";
  for (const json& r : rules) {
    EXPECT_FALSE(r["shortDescription"]["text"].get<std::string>().empty());
    EXPECT_EQ(r["defaultConfiguration"]["level"], "error");
  }
  EXPECT_EQ(rules[0]["shortDescription"]["text"], "GitHub Personal Access Token");

  const json& results = run["results"];
  ASSERT_EQ(results.size(), 3u);
  for (const json& r : results) {
    EXPECT_FALSE(r["message"]["text"].get<std::string>().empty());
    size_t index = r["ruleIndex"];
    ASSERT_LT(index, rules.size());
    EXPECT_EQ(rules[index]["id"], r["ruleId"]);
    ASSERT_GE(r["locations"].size(), 1u);
    const json& phys = r["locations"][0]["physicalLocation"];
    EXPECT_FALSE(phys["artifactLocation"]["uri"].get<std::string>().empty());
    if (phys.contains("region")) {
      EXPECT_GE(phys["region"]["startLine"].get<int>(), 1);
    }
    EXPECT_TRUE(r["partialFingerprints"].contains("leakguard/v1"));
  }

  const json& plain = results[0]["locations"][0]["physicalLocation"];
  EXPECT_EQ(plain["artifactLocation"]["uri"], "src/config.py");
  EXPECT_EQ(plain["region"]["startLine"], 12);
  EXPECT_EQ(plain["region"]["startColumn"], 10);
  EXPECT_EQ(plain["region"]["endLine"], 12);
  EXPECT_EQ(plain["region"]["endColumn"], 50) << "SARIF endColumn is exclusive";

  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "docs/my%20notes/caf%C3%A9.env");
  EXPECT_FALSE(results[2]["locations"][0]["physicalLocation"].contains("region"))
      << "a finding with line 0 must have no region";
}

TEST(SarifReporterTest, MessageNeverShowsTheWholeSecret) {
  Finding raw = PlainFinding();  // not redacted, as under --no-redact
  findings::ComputeIds(&raw);
  json doc = json::parse(Render(Format::kSarif, {raw}));
  std::string text = doc["runs"][0]["results"][0]["message"]["text"];
  EXPECT_EQ(text.find(kFakePat), std::string::npos) << text;
  EXPECT_EQ(text, "GitHub Personal Access Token found: ghp_****");

  // Already redacted: shown as is, not masked a second time.
  std::vector<Finding> golden = GoldenFindings();
  doc = json::parse(Render(Format::kSarif, {golden[0]}));
  EXPECT_EQ(doc["runs"][0]["results"][0]["message"]["text"],
            "GitHub Personal Access Token found: ghp_****");
}

TEST(SarifReporterTest, UnlistedRuleIsAddedSoRuleIndexStaysValid) {
  Finding f = PlainFinding();
  f.rule_id = "not-in-options";
  f.tags = {"dup", "dup", "security"};
  json doc = json::parse(Render(Format::kSarif, {f}));
  const json& run = doc["runs"][0];
  size_t index = run["results"][0]["ruleIndex"];
  EXPECT_EQ(run["tool"]["driver"]["rules"][index]["id"], "not-in-options");
  // Property-bag tags must be distinct (SARIF schema: uniqueItems).
  EXPECT_EQ(run["tool"]["driver"]["rules"][index]["properties"]["tags"],
            json::array({"dup", "security"}));
  EXPECT_EQ(run["results"][0]["properties"]["tags"], json::array({"dup", "security"}));
}

TEST(SarifReporterTest, DroppedCandidateCarriesASuppression) {
  Finding f = PlainFinding();
  f.dropped_by = "stopword";
  f.drop_detail = "contains EXAMPLE";
  json doc = json::parse(Render(Format::kSarif, {f}));
  const json& s = doc["runs"][0]["results"][0]["suppressions"];
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]["kind"], "external");
  EXPECT_EQ(s[0]["justification"], "stopword: contains EXAMPLE");
}

TEST(SarifReporterTest, PathToUriEncodesEverythingButUnreservedAndSlash) {
  EXPECT_EQ(internal::PathToUri("a/b c/d#e%f?g"), "a/b%20c/d%23e%25f%3Fg");
  EXPECT_EQ(internal::PathToUri("./dir\\win.txt"), "dir/win.txt");
  EXPECT_EQ(internal::PathToUri("c:foo"), "c%3Afoo");  // must not read as a URI scheme
  EXPECT_EQ(internal::PathToUri("\xff"), "%FF");
}

// ---- csv ----

TEST(CsvReporterTest, FormulaInjectionIsNeutralised) {
  EXPECT_EQ(internal::CsvField("=1+1"), "'=1+1");
  EXPECT_EQ(internal::CsvField("+cmd"), "'+cmd");
  EXPECT_EQ(internal::CsvField("-2"), "'-2");
  EXPECT_EQ(internal::CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(internal::CsvField("\tx"), "'\tx");
  EXPECT_EQ(internal::CsvField("\rx"), "\"'\rx\"");
  EXPECT_EQ(internal::CsvField("safe=1"), "safe=1");

  Finding f = PlainFinding();
  f.description = "=HYPERLINK(\"http://example.invalid\",\"click\")";
  f.file = "+evil.csv";
  f.match = "-1+1";
  f.commit = "c0ffee";
  f.author = "@attacker";
  f.message = "\tcmd|' /C calc'!A0";
  f.image = "=cmd|' /C calc'!A0";  // image names and layer paths come from the scanned archive
  f.layer_path = "@SUM(1+1)";
  std::vector<std::vector<std::string>> rows = ParseCsv(Render(Format::kCsv, {f}));
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].size(), 26u);
  for (const std::string& cell : rows[1]) {
    if (cell.empty()) continue;
    EXPECT_EQ(std::string_view("=+-@\t\r").find(cell.front()), std::string_view::npos)
        << "cell starts with a formula character: " << cell;
  }
  EXPECT_EQ(rows[1][1], "'=HYPERLINK(\"http://example.invalid\",\"click\")");
  EXPECT_EQ(rows[1][2], "'+evil.csv");
}

TEST(CsvReporterTest, Rfc4180QuotingRoundTrips) {
  Finding f = GitFinding();
  f.match = "a,b \"quoted\"\r\nnext";
  std::string out = Render(Format::kCsv, {f});
  std::vector<std::vector<std::string>> rows = ParseCsv(out);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].size(), 26u);
  EXPECT_EQ(rows[0][0], "rule_id");
  EXPECT_EQ(rows[0][16], "message");
  ASSERT_EQ(rows[1].size(), 26u);
  EXPECT_EQ(rows[1][8], f.match);
  EXPECT_EQ(rows[1][2], "docs/my notes/caf\xc3\xa9.env");
  EXPECT_EQ(rows[1][16], f.message);
  EXPECT_EQ(rows[1][11], "generic");
}

TEST(CsvReporterTest, TagsJoinedWithSemicolonAndExplainAddsColumns) {
  ReportOptions o = GoldenOptions();
  o.explain = true;
  Finding f = PlainFinding();
  f.dropped_by = "entropy";
  f.drop_detail = "2.1 < 3.5";
  std::vector<std::vector<std::string>> rows = ParseCsv(Render(Format::kCsv, {f}, o));
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].size(), 28u);
  EXPECT_EQ(rows[0][23], "confidence");
  EXPECT_EQ(rows[0][25], "decoded");
  EXPECT_EQ(rows[0][26], "dropped_by");
  EXPECT_EQ(rows[1][11], "github;token");
  EXPECT_EQ(rows[1][23], "high");
  EXPECT_EQ(rows[1][24], "CRC32 checksum matches");
  EXPECT_EQ(rows[1][26], "entropy");
  EXPECT_EQ(rows[1][27], "2.1 < 3.5");
}

// ---- archives, container images, notebooks ----

Finding ArchiveFinding() {
  Finding f = PlainFinding();
  f.file = "dist/app.tar!blobs/sha256/ab12!etc/app.env";
  f.rel_path = f.file;
  f.archive_chain = {"dist/app.tar", "blobs/sha256/ab12", "etc/app.env"};
  f.line = 3;
  f.image = "example/app:1.0";
  f.layer = "sha256:ab12";
  f.layer_path = "etc/app.env";
  f.in_final_image = false;
  findings::ComputeIds(&f);
  findings::Redact(&f, redact::MaskPolicy{});
  return f;
}

Finding NotebookFinding() {
  Finding f = PlainFinding();
  f.file = "nb/explore.ipynb";
  f.rel_path = f.file;
  f.cell = 4;
  f.cell_output = 2;
  f.line = 7;
  findings::ComputeIds(&f);
  findings::Redact(&f, redact::MaskPolicy{});
  return f;
}

TEST(ContainerReportTest, JsonCarriesTheChainImageAndCell) {
  json doc = json::parse(Render(Format::kJson, {ArchiveFinding(), NotebookFinding()}));
  const json& a = doc["findings"][0];
  EXPECT_EQ(a["archive_chain"], json::array({"dist/app.tar", "blobs/sha256/ab12", "etc/app.env"}));
  EXPECT_EQ(a["image"], "example/app:1.0");
  EXPECT_EQ(a["layer"], "sha256:ab12");
  EXPECT_EQ(a["layer_path"], "etc/app.env");
  EXPECT_EQ(a["in_final_image"], false);
  EXPECT_FALSE(a.contains("cell"));
  const json& n = doc["findings"][1];
  EXPECT_EQ(n["cell"], 4);
  EXPECT_EQ(n["cell_output"], 2);
  EXPECT_FALSE(n.contains("archive_chain"));
  EXPECT_FALSE(n.contains("image"));
  // Plain findings keep their shape.
  json plain = json::parse(Render(Format::kJson, {PlainFinding()}))["findings"][0];
  for (const char* key : {"archive_chain", "cell", "image", "layer", "in_final_image"})
    EXPECT_FALSE(plain.contains(key)) << key;
}

// The json and jsonl reports are written directly, not through nlohmann objects: the text must
// be byte for byte what nlohmann's dump of FindingToJson makes, for every field and every kind of
// string (escapes, control bytes, DEL, UTF-8, invalid bytes replaced by U+FFFD, truncated
// sequences, bytes valid alone after a broken sequence).
TEST(JsonReportTest, DirectWriterMatchesNlohmannByteForByte) {
  const std::vector<std::string> strings = {
      "",
      "plain text: a=b, [x] {y}",
      "quote \" backslash \\ slash /",
      "C:\\Users\\me (a backslash alone)",
      std::string("controls \x01\x08\x09\x0a\x0c\x0d\x1b\x1f end"),
      std::string("nul \0 inside", 12),
      "del \x7f and tilde ~",
      "utf-8: caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x94\x91",
      "invalid: \xff\xfe lone",
      "broken: \xc3( then \xe2\x82 and \xf0\x9f\x94",
      "truncated at end \xe2\x82",
      "overlong \xc0\xaf and surrogate \xed\xa0\x80",
  };
  std::vector<Finding> all;
  for (size_t i = 0; i < strings.size(); ++i) {
    Finding f = i % 2 ? ArchiveFinding() : NotebookFinding();
    const std::string& s = strings[i];
    f.rule_id = s;
    f.description = s + "d";
    f.file = s;
    f.secret = s;
    f.match = "m" + s;
    f.line = i;
    f.column = i * 1000003;
    f.end_line = SIZE_MAX - i;
    f.entropy = i == 0 ? 0.0 : i == 1 ? 4.0 : 1.0 / static_cast<double>(i) + 3.25 * i;
    f.confidence = i % 3 ? "high" : "";
    f.validation = i % 4 ? s : "";
    f.tags = i % 5 ? std::vector<std::string>{s, "t"} : std::vector<std::string>{};
    f.decoded = i % 2 ? std::vector<std::string>{"base64", s} : std::vector<std::string>{};
    f.notebook_metadata = i % 3 == 1;
    if (i % 4 == 3) f.in_final_image.reset();
    if (i % 3 == 2) {
      f.commit = s + "c";
      f.author = s;
      f.email = s + "@e";
      f.date = "2026-01-01T00:00:00Z";
      f.message = s;
      f.blob = "b" + s;
      f.unreachable = true;
    }
    if (i % 5 == 4) {
      f.dropped_by = "entropy";
      f.drop_detail = s;
    }
    all.push_back(std::move(f));
  }
  const Summary summary = GoldenSummary();
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::string lines;
  for (const Finding& f : all) {
    list.push_back(internal::FindingToJson(f));
    lines += internal::DumpJson(internal::FindingToJson(f), -1) + "\n";
  }
  doc["findings"] = std::move(list);
  doc["summary"] = internal::SummaryToJson(summary, "9.9");
  EXPECT_EQ(internal::FindingsJson(all, &summary, "9.9"), internal::DumpJson(doc, 2) + "\n");
  EXPECT_EQ(internal::FindingsJson(all, nullptr, ""), lines);
  // No findings: an empty array, as nlohmann writes it.
  nlohmann::ordered_json empty = nlohmann::ordered_json::object();
  empty["findings"] = nlohmann::ordered_json::array();
  empty["summary"] = internal::SummaryToJson(summary, "");
  EXPECT_EQ(internal::FindingsJson({}, &summary, ""), internal::DumpJson(empty, 2) + "\n");
  for (const std::string& s : strings) {
    std::string got;
    internal::AppendJsonString(&got, s);
    EXPECT_EQ(got, internal::DumpJson(nlohmann::ordered_json(s), -1)) << s;
  }
}

TEST(ContainerReportTest, SarifPointsAtTheTopLevelFileWithoutARegion) {
  json doc = json::parse(Render(Format::kSarif, {ArchiveFinding(), NotebookFinding()}));
  const json& results = doc["runs"][0]["results"];
  const json& a = results[0];
  EXPECT_EQ(a["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "dist/app.tar");
  EXPECT_FALSE(a["locations"][0]["physicalLocation"].contains("region"));
  EXPECT_EQ(a["message"]["text"],
            "GitHub Personal Access Token found: ghp_**** in "
            "dist/app.tar!blobs/sha256/ab12!etc/app.env, line 3, image layer sha256:ab12 (deleted "
            "or replaced in a later layer)");
  EXPECT_EQ(a["properties"]["archive_chain"].size(), 3u);
  EXPECT_EQ(a["properties"]["line"], 3);
  EXPECT_EQ(a["properties"]["in_final_image"], false);
  const json& n = results[1];
  EXPECT_EQ(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "nb/explore.ipynb");
  EXPECT_FALSE(n["locations"][0]["physicalLocation"].contains("region"));
  EXPECT_EQ(n["properties"]["cell"], 4);
  EXPECT_NE(
      n["message"]["text"].get<std::string>().find("nb/explore.ipynb, cell 4, output 2, line 7"),
      std::string::npos);
}

TEST(ContainerReportTest, CsvAndTextColumns) {
  std::vector<std::vector<std::string>> rows =
      ParseCsv(Render(Format::kCsv, {ArchiveFinding(), NotebookFinding()}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(rows[0].begin() + 17, rows[0].end()),
            (std::vector<std::string>{"cell", "cell_output", "image", "layer", "layer_path",
                                      "in_final_image", "confidence", "validation", "decoded"}));
  EXPECT_EQ(std::vector<std::string>(rows[1].begin() + 17, rows[1].end()),
            (std::vector<std::string>{"", "", "example/app:1.0", "sha256:ab12", "etc/app.env",
                                      "false", "high", "CRC32 checksum matches", ""}));
  EXPECT_EQ(
      std::vector<std::string>(rows[2].begin() + 17, rows[2].end()),
      (std::vector<std::string>{"4", "2", "", "", "", "", "high", "CRC32 checksum matches", ""}));
  std::string text = Render(Format::kText, {ArchiveFinding(), NotebookFinding()});
  EXPECT_NE(text.find("File:        dist/app.tar!blobs/sha256/ab12!etc/app.env\nLine:        3\n"
                      "Image:       example/app:1.0\nLayer:       sha256:ab12\n"
                      "Layer path:  etc/app.env\n"
                      "In image:    no (deleted or replaced in a later layer)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("File:        nb/explore.ipynb\nCell:        4, output 2\nLine:        7\n"),
            std::string::npos)
      << text;
}

TEST(ContainerReportTest, SummaryMentionsArchivesOnlyWhenThereWereSome) {
  Summary s = GoldenSummary();
  EXPECT_EQ(SummaryLine(s).find("archive"), std::string::npos);
  EXPECT_FALSE(
      json::parse(Render(Format::kJson, {}, GoldenOptions(), s))["summary"].contains("archives"));
  s.archives = 3;
  s.archive_members = 1204;
  s.archives_incomplete = 1;
  s.skipped_encrypted = 2;
  s.duplicate_members = 7;
  EXPECT_NE(SummaryLine(s).find("; 3 archives opened, 1,204 members scanned, 1 archive not read to "
                                "the end (see warnings), 2 encrypted members not scanned"),
            std::string::npos)
      << SummaryLine(s);
  json j = json::parse(Render(Format::kJson, {}, GoldenOptions(), s))["summary"]["archives"];
  EXPECT_EQ(j, json::parse(R"({"opened": 3, "members": 1204, "duplicate_members": 7,
                               "incomplete": 1, "encrypted": 2})"));
}

// ---- secrets found inside encoded text ----

// The fake token base64-encoded, then hex-encoded inside that (as scan/decoded.h reports it).
Finding DecodedFinding() {
  Finding f = PlainFinding();
  f.decoded = {"base64", "hex"};
  f.encoded = "Njc2ODcwNWY0NjQxNGI0NTQ2NDE0YjQ1";
  f.line_text = "blob: " + f.encoded;
  f.match = f.secret;
  findings::ComputeIds(&f);
  findings::Redact(&f, redact::MaskPolicy{});
  return f;
}

TEST(DecodedReportTest, EveryFormatCarriesTheChain) {
  const std::vector<Finding> both = {PlainFinding(), DecodedFinding()};
  json j = json::parse(Render(Format::kJson, both));
  EXPECT_FALSE(j["findings"][0].contains("decoded"));  // omitted when empty
  EXPECT_EQ(j["findings"][1]["decoded"], json::array({"base64", "hex"}));
  json line = json::parse(Render(Format::kJsonl, {DecodedFinding()}));
  EXPECT_EQ(line["decoded"], json::array({"base64", "hex"}));
  json sarif = json::parse(Render(Format::kSarif, both));
  EXPECT_FALSE(sarif["runs"][0]["results"][0]["properties"].contains("decoded"));
  EXPECT_EQ(sarif["runs"][0]["results"][1]["properties"]["decoded"],
            json::array({"base64", "hex"}));
  std::vector<std::vector<std::string>> rows = ParseCsv(Render(Format::kCsv, both));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].back(), "decoded");
  EXPECT_EQ(rows[1].back(), "");
  EXPECT_EQ(rows[2].back(), "base64;hex");
  std::string text = Render(Format::kText, {DecodedFinding()});
  EXPECT_NE(text.find("Tags:        github, token\nDecoded:     base64, hex\nFile:"),
            std::string::npos)
      << text;
}

TEST(DecodedReportTest, TheEncodedSpanIsMaskedInTheLineAndTheFingerprintDiffers) {
  Finding plain = PlainFinding();
  findings::ComputeIds(&plain);
  const Finding d = DecodedFinding();
  EXPECT_EQ(d.line_text, "blob: Njc2****");
  EXPECT_EQ(d.encoded, "Njc2****");
  EXPECT_EQ(d.secret_id, plain.secret_id);  // the same secret
  EXPECT_NE(d.fingerprint, plain.fingerprint);
  Finding other = DecodedFinding();
  other.decoded = {"base64"};
  other.redacted = false;
  findings::ComputeIds(&other);
  EXPECT_NE(other.fingerprint, d.fingerprint);
}

}  // namespace
}  // namespace leakguard::report
