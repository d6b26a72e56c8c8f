// Unit tests for leakguard_findings: LineCounter, ids, redaction, ordering and ignore files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/hash.h"
#include "base/log.h"
#include "findings/finding.h"
#include "findings/ignore_file.h"

namespace leakguard::findings {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSecret = "FAKE_SECRET_0123456789abcdef";

struct CaseName {
  template <typename T>
  std::string operator()(const testing::TestParamInfo<T>& p) const {
    return p.param.name;
  }
};

// The simple path: count from the start every time.
std::pair<size_t, size_t> SlowLocate(std::string_view blob, size_t offset) {
  offset = std::min(offset, blob.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (blob[i] == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(blob[i]) & 0xC0) != 0x80) {
      ++col;
    }
  }
  return {line, col};
}

// ---------------------------------------------------------------------------------------------
// LineCounter

struct LocateCase {
  std::string name;
  std::string blob;
  std::vector<size_t> offsets;                      // fed in this order to one counter
  std::vector<std::pair<size_t, size_t>> expected;  // (line, column) for each offset
};
void PrintTo(const LocateCase& c, std::ostream* os) { *os << c.name; }

class LineCounterTest : public testing::TestWithParam<LocateCase> {};

TEST_P(LineCounterTest, Table) {
  const LocateCase& c = GetParam();
  ASSERT_EQ(c.offsets.size(), c.expected.size());
  LineCounter counter(c.blob);
  for (size_t i = 0; i < c.offsets.size(); ++i) {
    size_t line = 0, column = 0;
    counter.Locate(c.offsets[i], &line, &column);
    EXPECT_EQ(std::make_pair(line, column), c.expected[i]) << "offset " << c.offsets[i];
    EXPECT_EQ(std::make_pair(line, column), SlowLocate(c.blob, c.offsets[i]))
        << "offset " << c.offsets[i];
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, LineCounterTest,
    testing::Values(
        LocateCase{"StartOfBlob", "abc", {0}, {{1, 1}}}, LocateCase{"EmptyBlob", "", {0}, {{1, 1}}},
        LocateCase{"SameOffsetTwice", "abc\ndef", {5, 5}, {{2, 2}, {2, 2}}},
        LocateCase{"LfLines",
                   "ab\ncd\nef",
                   {0, 1, 3, 4, 6, 7},
                   {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 1}, {3, 2}}},
        // In "ab\r\ncd\r\n" the '\r' is the last character of its line; the line starts after
        // '\n'.
        LocateCase{"CrlfLines",
                   "ab\r\ncd\r\n",
                   {0, 2, 3, 4, 5, 6, 8},
                   {{1, 1}, {1, 3}, {1, 4}, {2, 1}, {2, 2}, {2, 3}, {3, 1}}},
        LocateCase{"OffsetOnNewlineIsEndOfLine", "abc\nxyz", {3}, {{1, 4}}},
        LocateCase{"OffsetJustAfterNewlineIsNextLine", "abc\nxyz", {4}, {{2, 1}}},
        LocateCase{"OffsetAtEndOfBlob", "abc\nxyz", {7}, {{2, 4}}},
        LocateCase{"OffsetAfterFinalNewline", "abc\n", {4}, {{2, 1}}},
        LocateCase{"OffsetBeyondBlobIsClamped", "abc\nxyz", {100}, {{2, 4}}},
        LocateCase{"EmptyLines", "\n\n\nx", {1, 2, 3}, {{2, 1}, {3, 1}, {4, 1}}},
        // "é" (2 bytes), "日" (3 bytes), "🔑" (4 bytes): each one column.
        LocateCase{"MultibyteColumns",
                   "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x94\x91x\nz",
                   {0, 2, 5, 9, 10, 11},
                   {{1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {2, 1}}},
        LocateCase{"MultibyteOnSecondLine", "a\n\xc3\xa9\xc3\xa9k", {4, 6}, {{2, 2}, {2, 3}}},
        LocateCase{"GoingBackwardsRestarts",
                   "one\ntwo\nthree\n",
                   {10, 1, 9, 4},
                   {{3, 3}, {1, 2}, {3, 2}, {2, 1}}},
        LocateCase{"BackwardsWithinSameLine", "abcdef", {5, 2}, {{1, 6}, {1, 3}}}),
    CaseName());

TEST(LineCounter, LongLineWithoutNewline) {
  const std::string blob(200000, 'a');
  LineCounter counter(blob);
  size_t line = 0, column = 0;
  counter.Locate(150000, &line, &column);
  EXPECT_EQ(line, 1u);
  EXPECT_EQ(column, 150001u);
  counter.Locate(200000, &line, &column);
  EXPECT_EQ(line, 1u);
  EXPECT_EQ(column, 200001u);
}

TEST(LineCounter, LongBlobsAgreeWithTheSimplePathAtRandomOffsets) {
  // Long enough for the block counter's lanes to be summed several times (every 4080 bytes),
  // with lines of every length, long lines without a newline, and runs of empty lines.
  std::mt19937 rng(7);
  std::string blob;
  while (blob.size() < 40000) {
    const size_t len = std::uniform_int_distribution<size_t>(0, 3)(rng) == 0
                           ? std::uniform_int_distribution<size_t>(0, 5000)(rng)
                           : std::uniform_int_distribution<size_t>(0, 90)(rng);
    blob += std::string(len, 'x') + (len % 7 == 0 ? "\xc3\xa9\n" : "\n");
  }
  std::vector<size_t> offsets;
  for (int k = 0; k < 300; ++k)
    offsets.push_back(std::uniform_int_distribution<size_t>(0, blob.size())(rng));
  std::sort(offsets.begin(), offsets.end());
  LineCounter forward(blob);
  for (size_t off : offsets) {
    size_t line = 0, column = 0;
    forward.Locate(off, &line, &column);
    ASSERT_EQ(std::make_pair(line, column), SlowLocate(blob, off)) << "offset " << off;
  }
  LineCounter once(blob);  // one jump over the whole blob
  size_t line = 0, column = 0;
  once.Locate(blob.size(), &line, &column);
  EXPECT_EQ(std::make_pair(line, column), SlowLocate(blob, blob.size()));
}

TEST(LineCounter, EveryOffsetAgreesWithTheSimplePath) {
  // Mixed content: CRLF, LF, multibyte characters, an empty line and no final newline.
  const std::string blob =
      "key = \"FAKE_SECRET_0123456789abcdef\"\r\n"
      "\xc3\xa9t\xc3\xa9 = \xe6\x97\xa5\xe6\x9c\xac\n"
      "\n"
      "\xf0\x9f\x94\x91 token: FAKE_SECRET_0123456789abcdef";
  LineCounter forward(blob);
  for (size_t off = 0; off <= blob.size() + 1; ++off) {
    size_t line = 0, column = 0;
    forward.Locate(off, &line, &column);
    ASSERT_EQ(std::make_pair(line, column), SlowLocate(blob, off)) << "forward, offset " << off;
  }
  // Strided and backwards jumps on one counter.
  LineCounter jumpy(blob);
  for (size_t off : {50ul, 3ul, 3ul, 40ul, 41ul, 0ul, 90ul, 39ul, 38ul, 1000ul, 2ul}) {
    size_t line = 0, column = 0;
    jumpy.Locate(off, &line, &column);
    ASSERT_EQ(std::make_pair(line, column), SlowLocate(blob, off)) << "jumpy, offset " << off;
  }
}

// ---------------------------------------------------------------------------------------------
// ComputeIds

Finding MakeFinding(std::string rule, std::string_view secret, std::string rel_path,
                    std::string commit = "") {
  Finding f;
  f.rule_id = std::move(rule);
  f.secret = std::string(secret);
  f.rel_path = rel_path;
  f.file = rel_path;
  f.commit = std::move(commit);
  return f;
}

Finding WithIds(Finding f) {
  ComputeIds(&f);
  return f;
}

TEST(ComputeIds, GoldenValuesAreStable) {
  Finding f = WithIds(MakeFinding("rule-x", kSecret, "src/config.py"));
  EXPECT_EQ(f.secret_id, "3d97b8b76e20977cfa162bd6acc1ffad");
  EXPECT_EQ(f.fingerprint, "b32d0d26607ef59bc62d9f67146b0bf7");
}

TEST(ComputeIds, SecretIdIsRuleAndSecretOnly) {
  Finding a = WithIds(MakeFinding("rule-x", kSecret, "a.py"));
  Finding b = WithIds(MakeFinding("rule-x", kSecret, "deep/dir/b.py", "0123abcd"));
  EXPECT_EQ(a.secret_id, b.secret_id);
  EXPECT_NE(a.secret_id, WithIds(MakeFinding("rule-y", kSecret, "a.py")).secret_id);
  EXPECT_NE(a.secret_id,
            WithIds(MakeFinding("rule-x", "FAKE_SECRET_fedcba9876543210", "a.py")).secret_id);
}

TEST(ComputeIds, FingerprintChangesWithPathAndCommit) {
  Finding base = WithIds(MakeFinding("rule-x", kSecret, "a.py"));
  EXPECT_NE(base.fingerprint, WithIds(MakeFinding("rule-x", kSecret, "b.py")).fingerprint);
  EXPECT_NE(base.fingerprint,
            WithIds(MakeFinding("rule-x", kSecret, "a.py", "0123abcd")).fingerprint);
  EXPECT_NE(WithIds(MakeFinding("rule-x", kSecret, "a.py", "0123abcd")).fingerprint,
            WithIds(MakeFinding("rule-x", kSecret, "a.py", "4567ef01")).fingerprint);
  EXPECT_NE(base.fingerprint, base.secret_id);
}

TEST(ComputeIds, FingerprintIgnoresLineAndDisplayPath) {
  Finding a = MakeFinding("rule-x", kSecret, "a.py");
  a.line = 3;
  a.file = "./checkout/a.py";
  Finding b = MakeFinding("rule-x", kSecret, "a.py");
  b.line = 300;
  EXPECT_EQ(WithIds(a).fingerprint, WithIds(b).fingerprint);
}

// ---------------------------------------------------------------------------------------------
// Redact

Finding SecretFinding() {
  Finding f = MakeFinding("rule-x", kSecret, "config/app.env");
  f.match = "API_TOKEN=FAKE_SECRET_0123456789abcdef";
  f.line_text = "export API_TOKEN=FAKE_SECRET_0123456789abcdef # FAKE_SECRET_0123456789abcdef";
  ComputeIds(&f);
  return f;
}

TEST(Redact, MasksSecretMatchAndLineText) {
  Finding f = SecretFinding();
  Redact(&f, redact::MaskPolicy{});
  EXPECT_TRUE(f.redacted);
  EXPECT_EQ(f.secret, "FAKE****");
  EXPECT_EQ(f.match, "API_TOKEN=FAKE****");
  EXPECT_EQ(f.line_text, "export API_TOKEN=FAKE**** # FAKE****");
  for (const std::string* s : {&f.secret, &f.match, &f.line_text})
    EXPECT_EQ(s->find(kSecret), std::string::npos) << *s;
}

TEST(Redact, KeepsIdsComputedFromTheRawSecret) {
  Finding f = SecretFinding();
  const std::string secret_id = f.secret_id, fingerprint = f.fingerprint;
  Redact(&f, redact::MaskPolicy{});
  EXPECT_EQ(f.secret_id, secret_id);
  EXPECT_EQ(f.fingerprint, fingerprint);
}

TEST(Redact, IsIdempotent) {
  for (int pct : {-1, 50, 100}) {
    Finding once = SecretFinding();
    redact::MaskPolicy policy{.percent = pct, .enabled = true};
    Redact(&once, policy);
    Finding twice = once;
    Redact(&twice, policy);
    EXPECT_EQ(twice.secret, once.secret) << pct;
    EXPECT_EQ(twice.match, once.match) << pct;
    EXPECT_EQ(twice.line_text, once.line_text) << pct;
  }
}

TEST(Redact, DisabledPolicyLeavesFindingRaw) {
  Finding f = SecretFinding();
  Redact(&f, redact::MaskPolicy{.percent = -1, .enabled = false});
  EXPECT_FALSE(f.redacted);
  EXPECT_EQ(f.secret, kSecret);
  EXPECT_EQ(f.match, "API_TOKEN=FAKE_SECRET_0123456789abcdef");
}

TEST(Redact, PercentHundredHidesEverything) {
  Finding f = SecretFinding();
  Redact(&f, redact::MaskPolicy{.percent = 100, .enabled = true});
  EXPECT_EQ(f.secret, "****");
  EXPECT_EQ(f.match, "API_TOKEN=****");
}

// ---------------------------------------------------------------------------------------------
// SortFindings

Finding At(std::string file, size_t line, size_t column, std::string rule,
           std::string commit = "") {
  Finding f;
  f.file = std::move(file);
  f.line = line;
  f.column = column;
  f.rule_id = std::move(rule);
  f.commit = std::move(commit);
  return f;
}

std::string Key(const Finding& f) {
  return f.file + ":" + (f.commit.empty() ? "" : f.commit + ":") + std::to_string(f.line) + ":" +
         std::to_string(f.column) + ":" + f.rule_id;
}

TEST(SortFindings, ByFileThenLineColumnRule) {
  std::vector<Finding> v = {At("b.py", 1, 1, "r1"), At("a.py", 10, 1, "r1"),
                            At("a.py", 2, 5, "r2"), At("a.py", 2, 5, "r1"),
                            At("a.py", 2, 1, "r9"), At("a/b.py", 1, 1, "r1")};
  SortFindings(&v);
  std::vector<std::string> keys;
  for (const auto& f : v) keys.push_back(Key(f));
  // Line numbers compare as numbers (2 < 10), not as text.
  EXPECT_EQ(keys, (std::vector<std::string>{"a.py:2:1:r9", "a.py:2:5:r1", "a.py:2:5:r2",
                                            "a.py:10:1:r1", "a/b.py:1:1:r1", "b.py:1:1:r1"}));
}

TEST(SortFindings, CommitsGroupedWithinAFile) {
  std::vector<Finding> v = {At("a.py", 1, 1, "r", "c2"), At("a.py", 5, 1, "r", "c1"),
                            At("a.py", 3, 1, "r", "c2")};
  SortFindings(&v);
  std::vector<std::string> keys;
  for (const auto& f : v) keys.push_back(Key(f));
  EXPECT_EQ(keys, (std::vector<std::string>{"a.py:c1:5:1:r", "a.py:c2:1:1:r", "a.py:c2:3:1:r"}));
}

TEST(SortFindings, StableForEqualKeys) {
  std::vector<Finding> v;
  for (int i = 0; i < 20; ++i) {
    Finding f = At("same.py", 1, 1, "r");
    f.secret = std::to_string(i);
    v.push_back(f);
  }
  SortFindings(&v);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(v[static_cast<size_t>(i)].secret, std::to_string(i));
}

TEST(SortFindings, EmptyIsFine) {
  std::vector<Finding> v;
  SortFindings(&v);
  EXPECT_TRUE(v.empty());
}

// ---------------------------------------------------------------------------------------------
// IgnoreList

// Captures warnings for the lifetime of the object.
class CaptureWarnings {
 public:
  CaptureWarnings() {
    SetLogSink([this](LogLevel level, std::string_view msg) {
      if (level >= LogLevel::kWarning) messages_.emplace_back(msg);
    });
  }
  ~CaptureWarnings() { SetLogSink(nullptr); }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

Finding Located(std::string rel_path, std::string rule, size_t line, std::string commit = "") {
  Finding f = MakeFinding(std::move(rule), kSecret, std::move(rel_path), std::move(commit));
  f.line = line;
  ComputeIds(&f);
  return f;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct SuppressCase {
  std::string name;
  std::string text;  // the ignore file; {fp} and {sid} are replaced by the finding's ids
  Finding finding;
  bool suppressed;
};
void PrintTo(const SuppressCase& c, std::ostream* os) { *os << c.name; }

class IgnoreListTest : public testing::TestWithParam<SuppressCase> {};

std::string Expand(std::string text, const Finding& f) {
  for (auto [key, value] : {std::pair<std::string, std::string>{"{fp}", f.fingerprint},
                            {"{FP}", Upper(f.fingerprint)},
                            {"{sid}", f.secret_id}}) {
    for (size_t p; (p = text.find(key)) != std::string::npos;) text.replace(p, key.size(), value);
  }
  return text;
}

TEST_P(IgnoreListTest, Suppresses) {
  const SuppressCase& c = GetParam();
  CaptureWarnings warnings;
  IgnoreList list;
  list.AddText(Expand(c.text, c.finding), ".leakguardignore");
  EXPECT_EQ(list.Suppresses(c.finding), c.suppressed);
  EXPECT_TRUE(warnings.messages().empty()) << warnings.messages().front();
}

// The other finding in these cases: same secret and rule, another file.
INSTANTIATE_TEST_SUITE_P(
    Table, IgnoreListTest,
    testing::Values(
        SuppressCase{"FingerprintSuppressesItsFinding", "{fp}\n", Located("a.py", "rule-x", 3),
                     true},
        SuppressCase{"FingerprintInUpperCase", "{FP}\n", Located("a.py", "rule-x", 3), true},
        SuppressCase{"FingerprintWithTrailingComment", "{fp}  # reviewed, test fixture\n",
                     Located("a.py", "rule-x", 3), true},
        SuppressCase{"FingerprintWithCrlf", "# header\r\n{fp}\r\n", Located("a.py", "rule-x", 3),
                     true},
        SuppressCase{"FingerprintWithoutFinalNewline", "{fp}", Located("a.py", "rule-x", 3), true},
        SuppressCase{"SecretIdSuppressesAnywhere", "{sid}\n",
                     Located("other/place.py", "rule-x", 99, "abc123"), true},
        SuppressCase{"CommentedOutEntryDoesNothing", "# {fp}\n", Located("a.py", "rule-x", 3),
                     false},
        SuppressCase{"EmptyFileDoesNothing", "", Located("a.py", "rule-x", 3), false},
        SuppressCase{"BlankLinesDoNothing", "\n   \n\t\n", Located("a.py", "rule-x", 3), false},
        SuppressCase{"GitleaksPathRuleLine", "src/a.py:rule-x:3\n",
                     Located("src/a.py", "rule-x", 3), true},
        SuppressCase{"GitleaksOtherLine", "src/a.py:rule-x:4\n", Located("src/a.py", "rule-x", 3),
                     false},
        SuppressCase{"GitleaksOtherRule", "src/a.py:rule-y:3\n", Located("src/a.py", "rule-x", 3),
                     false},
        SuppressCase{"GitleaksOtherPath", "src/b.py:rule-x:3\n", Located("src/a.py", "rule-x", 3),
                     false},
        SuppressCase{"GitleaksCommitPathRuleLine",
                     "0123456789abcdef0123456789abcdef01234567:src/a.py:rule-x:3\n",
                     Located("src/a.py", "rule-x", 3, "0123456789abcdef0123456789abcdef01234567"),
                     true},
        SuppressCase{"GitleaksCommitEntryNeedsThatCommit",
                     "0123456789abcdef0123456789abcdef01234567:src/a.py:rule-x:3\n",
                     Located("src/a.py", "rule-x", 3, "fedcba9876543210fedcba9876543210fedcba98"),
                     false},
        SuppressCase{"GitleaksPathEntryDoesNotMatchGitFinding", "src/a.py:rule-x:3\n",
                     Located("src/a.py", "rule-x", 3, "0123456789abcdef0123456789abcdef01234567"),
                     false},
        SuppressCase{"GitleaksPathWithColon", "dir:with:colons/a.py:rule-x:3\n",
                     Located("dir:with:colons/a.py", "rule-x", 3), true}),
    CaseName());

TEST(IgnoreList, FingerprintDoesNotSuppressTheSameSecretElsewhere) {
  Finding here = Located("a.py", "rule-x", 3);
  Finding there = Located("b.py", "rule-x", 3);
  IgnoreList list;
  list.AddText(here.fingerprint + "\n", "test");
  EXPECT_TRUE(list.Suppresses(here));
  EXPECT_FALSE(list.Suppresses(there));
}

TEST(IgnoreList, GitleaksEntryMatchesDisplayPathToo) {
  Finding f = Located("a.py", "rule-x", 7);
  f.file = "checkout/a.py";
  IgnoreList list;
  list.AddText("checkout/a.py:rule-x:7\n", "test");
  EXPECT_TRUE(list.Suppresses(f));
}

TEST(IgnoreList, SizeCountsEntriesNotCommentsOrDuplicates) {
  Finding f = Located("a.py", "rule-x", 3);
  IgnoreList list;
  list.AddText("# comment\n" + f.fingerprint + "\n" + f.fingerprint + "\n" + f.secret_id +
                   "\n\na.py:rule-x:3\n",
               "test");
  EXPECT_EQ(list.size(), 3u);
}

struct InvalidCase {
  std::string name;
  std::string line;
};
void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class IgnoreListInvalidTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(IgnoreListInvalidTest, WarnsWithOriginAndLineAndAddsNothing) {
  CaptureWarnings warnings;
  IgnoreList list;
  list.AddText("# first line is a comment\n" + GetParam().line + "\n", "team/.leakguardignore");
  EXPECT_EQ(list.size(), 0u);
  ASSERT_EQ(warnings.messages().size(), 1u);
  EXPECT_TRUE(warnings.messages()[0].starts_with("team/.leakguardignore:2: "))
      << warnings.messages()[0];
}

INSTANTIATE_TEST_SUITE_P(Table, IgnoreListInvalidTest,
                         testing::Values(InvalidCase{"PlainWord", "not-an-id"},
                                         InvalidCase{"HexWithSpaceInside", "3d97b8b7 6e20977c"},
                                         InvalidCase{"PathAndRuleWithoutLine", "src/a.py:rule-x"},
                                         InvalidCase{"LineIsNotANumber", "src/a.py:rule-x:three"},
                                         InvalidCase{"EmptyLineField", "src/a.py:rule-x:"}),
                         CaseName());

TEST(IgnoreList, WarningsNeverQuoteTheLine) {
  // An ignore file may hold a pasted secret by mistake; the message names the place only.
  CaptureWarnings warnings;
  IgnoreList list;
  list.AddText(std::string(kSecret) + "\n", "x");
  ASSERT_EQ(warnings.messages().size(), 1u);
  EXPECT_EQ(warnings.messages()[0].find(kSecret), std::string::npos);
}

// AddFile on real files.
class IgnoreListFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("leakguard_findings_test_" + std::to_string(::getpid()) + "_" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(IgnoreListFileTest, ReadsEntriesFromFile) {
  Finding f = Located("a.py", "rule-x", 3);
  const fs::path path = dir_ / ".gitleaksignore";
  std::ofstream(path, std::ios::binary) << "# reviewed\r\n"
                                        << f.fingerprint << "\r\nb.py:rule-x:9\r\n";
  IgnoreList list;
  Status st = list.AddFile(path.string(), false);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(list.size(), 2u);
  EXPECT_TRUE(list.Suppresses(f));
  EXPECT_TRUE(list.Suppresses(Located("b.py", "rule-x", 9)));
}

TEST_F(IgnoreListFileTest, MissingOptionalFileIsFine) {
  IgnoreList list;
  EXPECT_TRUE(list.AddFile((dir_ / "absent").string(), true).ok());
  EXPECT_EQ(list.size(), 0u);
}

TEST_F(IgnoreListFileTest, MissingRequiredFileIsAnIoError) {
  IgnoreList list;
  Status st = list.AddFile((dir_ / "absent").string(), false);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("absent"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace leakguard::findings
