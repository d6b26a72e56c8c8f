#include "scan/scanner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "input/file_source.h"
#include "input/stream_source.h"
#include "rules/loader.h"

namespace leakguard::scan {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRules = R"toml(
[[rules]]
id = "tok"
description = "Test token"
regex = '''\b(tok_[a-z0-9]{12})\b'''
keywords = ["tok_"]
tags = ["test"]
[[rules]]
id = "generic-value"
description = "Generic assignment"
regex = '''(?i)(?:token|secret)\s{0,4}=\s{0,4}"([^"]{8,64})"'''
keywords = ["token", "secret"]
tags = ["generic"]
[[rules]]
id = "p12"
description = "PKCS#12 file"
path = '''\.p12$'''
tags = ["file"]
)toml";

class ScannerTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("lg_scanner_" +
             std::string(testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
             std::to_string(getpid()));  // other checkouts on the machine may run the same test
    fs::remove_all(root_);
    fs::create_directories(root_ / "src");
    std::vector<std::string> w;
    auto set = rules::LoadConfigText(kRules, "t.toml", &w);
    ASSERT_TRUE(set.has_value());
    auto db = match::RulesDatabase::Build(std::move(*set), &w);
    ASSERT_TRUE(db.has_value());
    db_ = *db;
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, std::string_view content) {
    std::ofstream(root_ / rel, std::ios::binary) << content;
  }
  ScanResult Scan(ScanOptions o = {}) {
    input::FileSource src({root_.string()}, {});
    return Scanner(db_, o).Run(src);
  }
  fs::path root_;
  std::shared_ptr<const match::RulesDatabase> db_;
};

TEST_F(ScannerTest, ReportsExactLocationsOnCrlfAndMultibyteLines) {
  Write("src/a.py", "# h\xc3\xa9llo\r\nx = 1\r\n\xc3\xa9\xc3\xa9 = \"tok_a1b2c3d4e5f6\"\r\n");
  ScanOptions o;
  o.mask.enabled = false;
  auto r = Scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  const auto& f = r.findings[0];
  EXPECT_EQ(f.rule_id, "tok");
  EXPECT_EQ(f.rel_path, "src/a.py");
  EXPECT_EQ(f.file, root_.string() + "/src/a.py");
  EXPECT_EQ(f.line, 3u);
  EXPECT_EQ(f.column, 7u);  // two 2-byte characters count as two columns
  EXPECT_EQ(f.end_line, 3u);
  EXPECT_EQ(f.end_column, 22u);
  EXPECT_EQ(f.secret, "tok_a1b2c3d4e5f6");
  EXPECT_EQ(r.summary.files_scanned, 1u);
  EXPECT_EQ(r.summary.findings, 1u);
}

// The built-in rules' offline checks, end to end: a GitHub token with a valid CRC32 is reported
// with confidence high; one with a broken checksum is reported by no rule (not as a generic
// secret either), and --explain says the checksum dropped it.
TEST_F(ScannerTest, BuiltInChecksumsSetConfidenceAndDropBrokenTokens) {
  std::vector<std::string> w;
  auto db = match::RulesDatabase::Build(rules::DefaultRules(), &w);
  ASSERT_TRUE(db.has_value());
  // Fake tokens: 30 random base62 characters + base62(CRC32) of them; the second has its last
  // character changed.
  Write("good.env", "GITHUB_TOKEN=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\n");
  Write("bad.py", "github_token = \"ghp_qsvMWpCu8FBSkNtq0IGYfpHlJrqkwZ0pjkjd\"\n");
  input::FileSource src({root_.string()}, {});
  ScanOptions o;
  auto r = Scanner(*db, o).Run(src);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule_id, "github-pat");
  EXPECT_EQ(r.findings[0].rel_path, "good.env");
  EXPECT_EQ(r.findings[0].confidence, "high");
  EXPECT_EQ(r.findings[0].validation, "CRC32 checksum matches");

  o.explain = true;
  input::FileSource again({root_.string()}, {});
  r = Scanner(*db, o).Run(again);
  std::vector<std::string> dropped;
  for (const auto& f : r.findings)
    if (f.rel_path == "bad.py")
      dropped.push_back(f.rule_id + ":" + f.dropped_by + ":" + f.drop_detail);
  ASSERT_GE(dropped.size(), 2u);  // github-pat, and at least one generic rule on the same bytes
  size_t checksum = 0;
  for (const auto& d : dropped) {
    if (d == "github-pat:checksum:CRC32 checksum mismatch")
      ++checksum;
    else
      EXPECT_TRUE(d.find(":rule-allowlist:covered by a specific rule") != std::string::npos) << d;
  }
  EXPECT_EQ(checksum, 1u);

  o.explain = false;
  o.min_confidence = match::Confidence::kHigh;
  Write("low.py", "password = \"Zq8vLr2mXw4pTn6kJd9s\"\n");
  input::FileSource third({root_.string()}, {});
  r = Scanner(*db, o).Run(third);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rel_path, "good.env");
}

TEST_F(ScannerTest, RedactsByDefault) {
  Write("a.txt", "tok_a1b2c3d4e5f6\n");
  auto r = Scan();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].secret, "tok_****");
  EXPECT_EQ(r.findings[0].match.find("a1b2c3"), std::string::npos);
  EXPECT_EQ(r.findings[0].line_text.find("a1b2c3"), std::string::npos);
}

TEST_F(ScannerTest, GenericFindingOnTheSameBytesAsASpecificOneIsDropped) {
  Write("a.txt", "token = \"tok_a1b2c3d4e5f6\"\nsecret = \"Zq8Lw3Kd91Xy\"\n");
  ScanOptions o;
  o.explain = true;
  auto r = Scan(o);
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.summary.findings, 2u);
  EXPECT_EQ(r.findings[0].rule_id, "generic-value");
  EXPECT_EQ(r.findings[0].dropped_by, "rule-allowlist");
  EXPECT_EQ(r.findings[0].drop_detail, "covered by a specific rule");
  EXPECT_EQ(r.findings[1].rule_id, "tok");
  EXPECT_EQ(r.findings[2].rule_id, "generic-value");
  EXPECT_EQ(r.findings[2].line, 2u);
}

TEST_F(ScannerTest, PathOnlyRuleFiresEvenOnBinaryFiles) {
  Write("keystore.p12", std::string("\x30\x82\x00\x01", 4));
  auto r = Scan();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule_id, "p12");
  EXPECT_EQ(r.findings[0].line, 0u);
  EXPECT_EQ(r.summary.skipped_binary, 1u);
}

TEST_F(ScannerTest, IgnoreListSuppressesAndCounts) {
  Write("a.txt", "tok_a1b2c3d4e5f6\ntok_q1w2e3r4t5y6\n");
  auto first = Scan();
  ASSERT_EQ(first.findings.size(), 2u);
  findings::IgnoreList ignore;
  ignore.AddText(first.findings[0].fingerprint + "  # reviewed\n", "test");
  ScanOptions o;
  o.ignore = &ignore;
  auto r = Scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].line, 2u);
  EXPECT_EQ(r.summary.suppressed, 1u);
}

TEST_F(ScannerTest, ThreadCountsAndEnginesAgree) {
  for (int i = 0; i < 60; ++i)
    Write("f" + std::to_string(i) + ".txt",
          std::string(static_cast<size_t>(i) * 97, 'x') + "\ntoken = \"tok_a1b2c3d4e5f" +
              std::to_string(i % 10) + "\"\nsecret=\"K" + std::to_string(i) + "q8Lw3Kd91Xy\"\n");
  ScanOptions one, many, simple;
  one.threads = 1;
  many.threads = 4;
  simple.threads = 2;
  simple.use_simple_matcher = true;
  auto a = Scan(one), b = Scan(many), c = Scan(simple);
  ASSERT_EQ(a.findings.size(), 120u);
  ASSERT_EQ(a.findings.size(), b.findings.size());
  ASSERT_EQ(a.findings.size(), c.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].fingerprint, b.findings[i].fingerprint);
    EXPECT_EQ(a.findings[i].fingerprint, c.findings[i].fingerprint);
    EXPECT_EQ(a.findings[i].line, c.findings[i].line);
  }
  EXPECT_EQ(a.summary.bytes_scanned, b.summary.bytes_scanned);
}

TEST_F(ScannerTest, FingerprintsDoNotDependOnWhereTheTreeLives) {
  Write("a.txt", "tok_a1b2c3d4e5f6\n");
  auto here = Scan();
  fs::path other = root_.string() + "_moved";
  fs::remove_all(other);
  fs::copy(root_, other, fs::copy_options::recursive);
  input::FileSource src({other.string()}, {});
  auto there = Scanner(db_, {}).Run(src);
  fs::remove_all(other);
  ASSERT_EQ(here.findings.size(), 1u);
  ASSERT_EQ(there.findings.size(), 1u);
  EXPECT_EQ(here.findings[0].fingerprint, there.findings[0].fingerprint);
}

TEST_F(ScannerTest, ChunkedStreamFindsExactlyWhatAWholeFileScanFinds) {
  // Tokens at every alignment, including across chunk boundaries, and long lines.
  std::string text;
  for (int i = 0; i < 400; ++i) {
    text += std::string(static_cast<size_t>(i % 37), 'y') + " ";
    text += "tok_a1b2c3d4e5f" + std::to_string(i % 10) + (i % 3 ? "\n" : " ");
    if (i % 50 == 0) text += std::string(700, 'z') + "\n";
  }
  Write("stream.txt", text);
  auto whole = Scan();
  ASSERT_GT(whole.findings.size(), 300u);
  for (size_t chunk : {64u, 100u, 1000u, 4096u}) {
    int fd = ::open((root_ / "stream.txt").c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    input::StreamSource src(fd, "stream.txt", {.chunk_size = chunk, .overlap = 128});
    auto streamed = Scanner(db_, {}).Run(src);
    ::close(fd);
    ASSERT_EQ(streamed.findings.size(), whole.findings.size()) << "chunk " << chunk;
    for (size_t i = 0; i < whole.findings.size(); ++i) {
      EXPECT_EQ(streamed.findings[i].line, whole.findings[i].line) << "chunk " << chunk;
      EXPECT_EQ(streamed.findings[i].offset, whole.findings[i].offset) << "chunk " << chunk;
    }
    EXPECT_EQ(streamed.summary.bytes_scanned, text.size());
    EXPECT_EQ(streamed.summary.files_scanned, 1u);
  }
}

TEST_F(ScannerTest, BinaryStreamIsSkippedWholeUnlessScanBinary) {
  // Regression: the stream skipped binary input even with --scan-binary, and a later chunk
  // could be scanned after the first was skipped.
  std::string text(std::string("\0\x01\x02", 3) + std::string(3000, 'q') + "\ntok_a1b2c3d4e5f6\n");
  Write("bin.dat", text);
  for (bool skip : {true, false}) {
    int fd = ::open((root_ / "bin.dat").c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    input::StreamSource src(fd, "-", {.chunk_size = 1024, .overlap = 128, .skip_binary = skip});
    auto r = Scanner(db_, {}).Run(src);
    ::close(fd);
    EXPECT_EQ(r.findings.size(), skip ? 0u : 1u);
    EXPECT_EQ(r.summary.skipped_binary, skip ? 1u : 0u);
  }
}

// ---- secrets inside encoded text ----

// Where a decoded finding is reported: the encoded span, and the encodings undone.
struct DecodedCase {
  const char* name;
  std::string content;
  size_t line, column, end_column, offset, end_offset;
  std::vector<std::string> chain;
};

class DecodedScanTest : public ScannerTest, public testing::WithParamInterface<DecodedCase> {};

TEST_P(DecodedScanTest, FoundAtTheEncodedSpanWithItsChain) {
  const DecodedCase& c = GetParam();
  Write("src/f.txt", c.content);
  for (bool simple : {false, true}) {  // the fast path and the reference path agree
    ScanOptions o;
    o.mask.enabled = false;
    o.use_simple_matcher = simple;
    auto r = Scan(o);
    ASSERT_EQ(r.findings.size(), 1u) << c.name << (simple ? " (re2)" : "");
    const auto& f = r.findings[0];
    EXPECT_EQ(f.rule_id, "tok");
    EXPECT_EQ(f.secret, "tok_a1b2c3d4e5f6");
    EXPECT_EQ(f.line, c.line);
    EXPECT_EQ(f.end_line, c.line);
    EXPECT_EQ(f.column, c.column);
    EXPECT_EQ(f.end_column, c.end_column);
    EXPECT_EQ(f.offset, c.offset);
    EXPECT_EQ(f.end_offset, c.end_offset);
    EXPECT_EQ(f.encoded, c.content.substr(c.offset, c.end_offset - c.offset));
    EXPECT_EQ(f.decoded, c.chain);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Encodings, DecodedScanTest,
    testing::Values(
        DecodedCase{"Base64",
                    "name: demo\nvalue: dG9rX2ExYjJjM2Q0ZTVmNg==\n",
                    2,
                    8,
                    31,
                    18,
                    42,
                    {"base64"}},
        DecodedCase{
            "Hex", "# k\nkey = 746f6b5f613162326333643465356636;\n", 2, 7, 38, 10, 42, {"hex"}},
        DecodedCase{"Percent",
                    "cb = \"https://x.io/?id=tok%5Fa1b2c3d4e5f6&y=1\"\n",
                    1,
                    7,
                    45,
                    6,
                    45,
                    {"percent"}},
        DecodedCase{"JsonEscape",
                    "{\"a\": 1,\n \"k\": \"\\u0074ok_a1b2c3d4e5f6\"}\n",
                    2,
                    8,
                    28,
                    16,
                    37,
                    {"escape"}},
        DecodedCase{"Base64OfHex",
                    "v: NzgyMDc0NmY2YjVmNjEzMTYyMzI2MzMzNjQzNDY1MzU2NjM2\n",
                    1,
                    4,
                    51,
                    3,
                    51,
                    {"base64", "hex"}}),
    [](const testing::TestParamInfo<DecodedCase>& i) { return std::string(i.param.name); });

TEST_F(ScannerTest, DecodeDepthLimitsNesting) {
  Write("src/f.txt", "v: NzgyMDc0NmY2YjVmNjEzMTYyMzI2MzMzNjQzNDY1MzU2NjM2\n");
  Write("src/g.txt", "value: dG9rX2ExYjJjM2Q0ZTVmNg==\n");
  ScanOptions o;
  o.decode_depth = 1;  // base64 only: the hex inside it is not decoded
  auto one = Scan(o);
  ASSERT_EQ(one.findings.size(), 1u);
  EXPECT_EQ(one.findings[0].rel_path, "src/g.txt");
  EXPECT_EQ(one.findings[0].decoded, std::vector<std::string>{"base64"});
  o.decode_depth = 0;
  EXPECT_EQ(Scan(o).findings.size(), 0u);
  o.decode_depth = 2;
  EXPECT_EQ(Scan(o).findings.size(), 2u);
}

TEST_F(ScannerTest, DecodeBudgetStopsDecodingTheBlob) {
  // 56 bytes, two base64 values of 16 decoded bytes each.
  Write("src/f.txt", "a: dG9rX2ExYjJjM2Q0ZTVmNg==\nb: dG9rXzl6OHk3eDZ3NXY0dQ==\n");
  ScanOptions o;
  o.mask.enabled = false;
  o.decode_budget = 0.4;  // 22 bytes: the first decoding fits, the second does not
  auto r = Scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].secret, "tok_a1b2c3d4e5f6");
  EXPECT_EQ(r.findings[0].line, 1u);
  o.decode_budget = 0.6;  // 33 bytes: both
  EXPECT_EQ(Scan(o).findings.size(), 2u);
}

TEST_F(ScannerTest, SecretBothRawAndEncodedIsReportedOnceAsRaw) {
  // The percent-encoded run holds the raw token too: its decoding finds it again at that place.
  Write("src/f.txt", "cb = \"https://x.io/?id=tok_a1b2c3d4e5f6&sig=a%2Fb%2Bc\"\n");
  auto r = Scan();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_TRUE(r.findings[0].decoded.empty());
  EXPECT_EQ(r.findings[0].column, 24u);
}

TEST_F(ScannerTest, GenericFindingOnAnEncodedSpanGivesWayToTheDecodedSecret) {
  Write("src/f.txt", "token = \"dG9rX2ExYjJjM2Q0ZTVmNg==\"\n");
  ScanOptions o;
  auto r = Scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule_id, "tok");
  EXPECT_EQ(r.findings[0].decoded, std::vector<std::string>{"base64"});
  o.decode_depth = 0;  // without decoding, the generic rule reports the encoded value
  auto raw = Scan(o);
  ASSERT_EQ(raw.findings.size(), 1u);
  EXPECT_EQ(raw.findings[0].rule_id, "generic-value");
}

TEST_F(ScannerTest, KubernetesSecretDataValues) {
  Write("src/secret.yaml",
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: app\n"
        "type: Opaque\n"
        "data:\n"
        "  token: dG9rX2ExYjJjM2Q0ZTVmNg==\n"
        "  other: dG9rXzl6OHk3eDZ3NXY0dQ==\n"
        "  creds: dXNlcjogYWRtaW4KcGFzczogdG9rX2ExYjJjM2Q0ZTVmNgo=\n");
  ScanOptions o;
  o.mask.enabled = false;
  auto r = Scan(o);
  ASSERT_EQ(r.findings.size(), 3u);
  const size_t lines[] = {7, 8, 9};
  const char* secrets[] = {"tok_a1b2c3d4e5f6", "tok_9z8y7x6w5v4u", "tok_a1b2c3d4e5f6"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.findings[i].line, lines[i]);
    EXPECT_EQ(r.findings[i].column, 10u);
    EXPECT_EQ(r.findings[i].secret, secrets[i]);
    EXPECT_EQ(r.findings[i].decoded, std::vector<std::string>{"base64"});
  }
  // The same secret under the same chain at two places of one file shares its ids, as raw
  // findings do (fingerprints name the file, not the line).
  EXPECT_EQ(r.findings[0].secret_id, r.findings[2].secret_id);
  EXPECT_EQ(r.findings[0].fingerprint, r.findings[2].fingerprint);
}

TEST_F(ScannerTest, DecodedFingerprintDiffersFromTheRawOne) {
  Write("src/f.txt", "raw = tok_a1b2c3d4e5f6\nenc = dG9rX2ExYjJjM2Q0ZTVmNg==\n");
  auto r = Scan();
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_TRUE(r.findings[0].decoded.empty());
  EXPECT_EQ(r.findings[1].decoded, std::vector<std::string>{"base64"});
  EXPECT_EQ(r.findings[0].secret_id, r.findings[1].secret_id);
  EXPECT_NE(r.findings[0].fingerprint, r.findings[1].fingerprint);
  // Stable: the same run again gives the same fingerprint.
  EXPECT_EQ(Scan().findings[1].fingerprint, r.findings[1].fingerprint);
}

TEST_F(ScannerTest, InlineAllowAndIgnoreFilesApplyToDecodedFindings) {
  Write("src/f.txt",
        "a = dG9rX2ExYjJjM2Q0ZTVmNg==  # leakguard:allow\n"
        "b = dG9rXzl6OHk3eDZ3NXY0dQ==\n");
  auto r = Scan();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].line, 2u);
  EXPECT_EQ(r.summary.suppressed, 1u);
  findings::IgnoreList ignore;
  ignore.AddText(r.findings[0].fingerprint + "\n", "test");
  ScanOptions o;
  o.ignore = &ignore;
  auto ignored = Scan(o);
  EXPECT_EQ(ignored.findings.size(), 0u);
  EXPECT_EQ(ignored.summary.suppressed, 2u);
}

TEST_F(ScannerTest, DecodedFindingIsRedactedIncludingTheEncodedSpan) {
  Write("src/f.txt", "value: dG9rX2ExYjJjM2Q0ZTVmNg==\n");
  auto r = Scan();
  ASSERT_EQ(r.findings.size(), 1u);
  const auto& f = r.findings[0];
  EXPECT_EQ(f.secret, "tok_****");
  EXPECT_EQ(f.match, "tok_****");
  EXPECT_EQ(f.line_text, "value: dG9r****");
}

}  // namespace
}  // namespace leakguard::scan
