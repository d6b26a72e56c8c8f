// Unit tests for leakguard_base: blob ids, hashes, fingerprints, printable paths and globs.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/glob.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/status.h"

namespace leakguard {
namespace {

using namespace std::string_view_literals;

// Names parameterised cases after their `name` field.
struct CaseName {
  template <typename T>
  std::string operator()(const testing::TestParamInfo<T>& p) const {
    return p.param.name;
  }
};

// ---------------------------------------------------------------------------------------------
// KeyedContentHash: equal content, equal keys; any other content (another byte, another length,
// an embedded NUL) another key, including inputs of several Poly1305 blocks and of none.

TEST(KeyedContentHash, EqualContentEqualKeysOtherContentOtherKeys) {
  EXPECT_EQ(KeyedContentHash("abc"), KeyedContentHash(std::string("abc")));
  EXPECT_EQ(KeyedContentHash(""), KeyedContentHash(std::string()));
  const std::string big(100000, 'x');
  std::string big2 = big;
  big2[70000] = 'y';
  const std::string inputs[] = {
      "",  "abc", "abd",    "abc\n", std::string("a\0b", 3), std::string("a\0c", 3),
      big, big2,  big + "x"};
  for (size_t i = 0; i < std::size(inputs); ++i)
    for (size_t j = 0; j < std::size(inputs); ++j)
      EXPECT_EQ(KeyedContentHash(inputs[i]) == KeyedContentHash(inputs[j]), i == j)
          << i << " " << j;
  EXPECT_EQ(KeyedContentHash(big).size, 100000u);
}

// The key is the same on every thread (workers share one blob cache).
TEST(KeyedContentHash, SameKeyOnEveryThread) {
  const ContentKey here = KeyedContentHash("shared content");
  ContentKey there;
  std::thread([&] { there = KeyedContentHash("shared content"); }).join();
  EXPECT_EQ(here, there);
}

// ---------------------------------------------------------------------------------------------
// Sha256Hex and ToHex

struct ShaCase {
  std::string name;
  std::string data;
  std::string hex;
};
void PrintTo(const ShaCase& c, std::ostream* os) { *os << c.name; }

class Sha256HexTest : public testing::TestWithParam<ShaCase> {};

TEST_P(Sha256HexTest, MatchesKnownDigest) { EXPECT_EQ(Sha256Hex(GetParam().data), GetParam().hex); }

INSTANTIATE_TEST_SUITE_P(
    KnownDigests, Sha256HexTest,
    testing::Values(
        ShaCase{"Empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        ShaCase{"Abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}),
    CaseName());

TEST(ToHex, LowerCaseTwoDigitsPerByte) {
  const uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(ToHex(bytes, 4), "000fa0ff");
  EXPECT_EQ(ToHex(bytes, 0), "");
}

// ---------------------------------------------------------------------------------------------
// FingerprintHex: fingerprints are stored in baselines and ignore files, so the exact values are
// part of the format. These goldens are SHA-256 over the parts joined with NUL, truncated.

TEST(FingerprintHex, GoldenValuesAreStable) {
  EXPECT_EQ(FingerprintHex({"rule-x", "FAKE_SECRET_0123456789abcdef"}),
            "3d97b8b76e20977cfa162bd6acc1ffad");
  EXPECT_EQ(FingerprintHex({"rule-x", "FAKE_SECRET_0123456789abcdef", "src/config.py"}),
            "b32d0d26607ef59bc62d9f67146b0bf7");
}

TEST(FingerprintHex, SameInputsSameOutput) {
  EXPECT_EQ(FingerprintHex({"a", "b", "c"}), FingerprintHex({"a", "b", "c"}));
}

TEST(FingerprintHex, LengthFollowsByteCount) {
  EXPECT_EQ(FingerprintHex({"x"}).size(), 32u);
  EXPECT_EQ(FingerprintHex({"rule-x", "FAKE_SECRET_0123456789abcdef", "src/config.py"}, 4),
            "b32d0d26");
  EXPECT_EQ(FingerprintHex({"x"}, 32), Sha256Hex("x"));
  EXPECT_EQ(FingerprintHex({"x"}, 1000), Sha256Hex("x")) << "clamped to the digest size";
}

TEST(FingerprintHex, PartBoundariesMatter) {
  // The NUL separator keeps ("ab","c") apart from ("a","bc") and from ("abc").
  EXPECT_NE(FingerprintHex({"ab", "c"}), FingerprintHex({"a", "bc"}));
  EXPECT_NE(FingerprintHex({"ab", "c"}), FingerprintHex({"abc"}));
  EXPECT_NE(FingerprintHex({"a", ""}), FingerprintHex({"a"}));
  EXPECT_EQ(FingerprintHex({"a", "b"}, 32), Sha256Hex("a\0b"sv));
}

// ---------------------------------------------------------------------------------------------
// PrintablePath

struct PrintableCase {
  std::string name;
  std::string in;
  std::string out;
};
void PrintTo(const PrintableCase& c, std::ostream* os) { *os << c.name; }

class PrintablePathTest : public testing::TestWithParam<PrintableCase> {};

TEST_P(PrintablePathTest, EscapesWhatIsNotPrintableUtf8) {
  EXPECT_EQ(PrintablePath(GetParam().in), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PrintablePathTest,
    testing::Values(
        PrintableCase{"PlainAsciiKept", "src/app/config.py", "src/app/config.py"},
        PrintableCase{"SpacesKept", "my dir/a b.txt", "my dir/a b.txt"},
        PrintableCase{"EmptyStaysEmpty", "", ""},
        PrintableCase{"EscapeCharacterEscaped", "a\x1b[31mred", "a\\x1b[31mred"},
        PrintableCase{"NewlineAndTabEscaped", "a\nb\tc", "a\\x0ab\\x09c"},
        PrintableCase{"CarriageReturnEscaped", "x\r", "x\\x0d"},
        PrintableCase{"NulEscaped", std::string("a\0b", 3), "a\\x00b"},
        PrintableCase{"DeleteEscaped", "a\x7f", "a\\x7f"},
        PrintableCase{"TwoByteUtf8Kept", "caf\xc3\xa9.txt", "caf\xc3\xa9.txt"},
        PrintableCase{"ThreeByteUtf8Kept", "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac"},
        PrintableCase{"FourByteUtf8Kept", "\xf0\x9f\x94\x91key", "\xf0\x9f\x94\x91key"},
        PrintableCase{"LoneLatin1ByteEscaped", "caf\xe9.txt", "caf\\xe9.txt"},
        PrintableCase{"LoneContinuationByteEscaped", "a\x80z", "a\\x80z"},
        PrintableCase{"TruncatedSequenceAtEndEscaped", "ab\xe6\x97", "ab\\xe6\\x97"},
        PrintableCase{"SequenceBrokenByAsciiEscaped", "\xe6x\xa5", "\\xe6x\\xa5"},
        PrintableCase{"ByteF8NeverValid", "\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80"},
        PrintableCase{"OverlongSlashEscaped",
                      "a\xc0\xaf"
                      "b",
                      "a\\xc0\\xafb"},
        PrintableCase{"OverlongThreeByteEscaped", "\xe0\x80\xaf", "\\xe0\\x80\\xaf"},
        PrintableCase{"SurrogateEscaped", "\xed\xa0\x80", "\\xed\\xa0\\x80"},
        PrintableCase{"BeyondUnicodeEscaped", "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},
        PrintableCase{"C1ControlCsiEscaped",
                      "a\xc2\x9b"
                      "2J",
                      "a\\xc2\\x9b2J"},
        PrintableCase{"NoBreakSpaceKept",
                      "a\xc2\xa0"
                      "b",
                      "a\xc2\xa0"
                      "b"}),
    CaseName());

// ---------------------------------------------------------------------------------------------
// Logging: sink, level and warning count.

TEST(Log, SinkReceivesWarningsAndCountGoesUp) {
  std::vector<std::string> got;
  SetLogSink([&](LogLevel level, std::string_view msg) {
    if (level == LogLevel::kWarning) got.emplace_back(msg);
  });
  ResetWarningCount();
  Warn("{}: {} things", "file.txt", 3);
  Debug("dropped at the default level");
  SetLogSink(nullptr);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "file.txt: 3 things");
  EXPECT_EQ(WarningCount(), 1u);
  ResetWarningCount();
  EXPECT_EQ(WarningCount(), 0u);
}

TEST(Status, OkAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = ParseError("config.toml:12: bad");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.message(), "config.toml:12: bad");
  Result<int> r = Err(NotFound("x"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------------------------
// GlobMatch

struct GlobCase {
  std::string name;
  std::string pattern;
  std::string path;
  bool match;
};
void PrintTo(const GlobCase& c, std::ostream* os) { *os << c.name; }

class GlobMatchTest : public testing::TestWithParam<GlobCase> {};

TEST_P(GlobMatchTest, Table) {
  const GlobCase& c = GetParam();
  EXPECT_EQ(GlobMatch(c.pattern, c.path), c.match)
      << "pattern '" << c.pattern << "' path '" << c.path << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, GlobMatchTest,
    testing::Values(
        // Literals
        GlobCase{"LiteralEqual", "a.txt", "a.txt", true},
        GlobCase{"LiteralDiffers", "a.txt", "b.txt", false},
        GlobCase{"LiteralIsWholeMatchNotPrefix", "a", "ab", false},
        GlobCase{"LiteralIsWholeMatchNotSuffix", "b", "ab", false},
        GlobCase{"EmptyPatternEmptyPath", "", "", true},
        GlobCase{"EmptyPatternNonEmptyPath", "", "a", false},
        // Single star
        GlobCase{"StarSuffix", "*.pem", "server.pem", true},
        GlobCase{"StarSuffixNoMatch", "*.pem", "server.key", false},
        GlobCase{"StarMatchesEmpty", "*.pem", ".pem", true},
        GlobCase{"StarAlone", "*", "anything", true}, GlobCase{"StarAloneEmptyPath", "*", "", true},
        GlobCase{"StarInMiddle", "a*z", "abcz", true},
        GlobCase{"TwoStars", "*a*b*", "xxaxxbxx", true},
        GlobCase{"StarNeedsBacktracking", "*ab", "aaab", true},
        GlobCase{"StarDoesNotCrossSlash", "*.txt", "dir/a.txt", false},
        GlobCase{"StarAtEndDoesNotCrossSlash", "src*", "src/a", false},
        GlobCase{"StarWithinOneSegment", "src/*.go", "src/main.go", true},
        GlobCase{"StarNotIntoSubdirectory", "src/*.go", "src/x/main.go", false},
        // Question mark
        GlobCase{"QuestionOneChar", "?.c", "a.c", true},
        GlobCase{"QuestionNotZeroChars", "?.c", ".c", false},
        GlobCase{"QuestionNotTwoChars", "?.c", "ab.c", false},
        GlobCase{"QuestionNotSlash", "a?b", "a/b", false},
        // Bracket classes
        GlobCase{"RangeHit", "[a-z].txt", "q.txt", true},
        GlobCase{"RangeMiss", "[a-z].txt", "Q.txt", false},
        GlobCase{"SetHit", "file[123]", "file2", true},
        GlobCase{"SetMiss", "file[123]", "file4", false},
        GlobCase{"NegatedBangMiss", "[!x]y", "xy", false},
        GlobCase{"NegatedBangHit", "[!x]y", "zy", true},
        GlobCase{"NegatedCaretHit", "[^x]y", "zy", true},
        GlobCase{"ClassNeverMatchesSlash", "a[!x]b", "a/b", false},
        GlobCase{"ClosingBracketFirstIsLiteral", "[]a]", "]", true},
        GlobCase{"UnclosedBracketIsLiteral", "a[b", "a[b", true},
        GlobCase{"MultipleRanges", "[a-cx-z]", "y", true},
        // Double star
        GlobCase{"DoubleStarMatchesEverything", "**", "a/b/c.txt", true},
        GlobCase{"DoubleStarSlashXAtRoot", "**/x", "x", true},
        GlobCase{"DoubleStarSlashXDeep", "**/x", "a/b/x", true},
        GlobCase{"DoubleStarSlashXWholeNameOnly", "**/x", "a/bx", false},
        GlobCase{"DoubleStarSlashXNotPrefix", "**/x", "x/y", false},
        GlobCase{"MiddleDoubleStarZeroDirs", "a/**/b", "a/b", true},
        GlobCase{"MiddleDoubleStarOneDir", "a/**/b", "a/x/b", true},
        GlobCase{"MiddleDoubleStarManyDirs", "a/**/b", "a/x/y/z/b", true},
        GlobCase{"MiddleDoubleStarWrongRoot", "a/**/b", "c/x/b", false},
        GlobCase{"MiddleDoubleStarWrongLeaf", "a/**/b", "a/x/c", false},
        GlobCase{"MiddleDoubleStarNotPartialName", "a/**/b", "a/xb", false},
        GlobCase{"TrailingDoubleStarInside", "vendor/**", "vendor/lib/x.js", true},
        GlobCase{"TrailingDoubleStarOtherDir", "vendor/**", "vendors/x.js", false},
        GlobCase{"DoubleStarThenStar", "**/*.pem", "keys/dev/server.pem", true},
        GlobCase{"DoubleStarThenStarAtRoot", "**/*.pem", "server.pem", true},
        GlobCase{"DoubleStarThenStarMiss", "**/*.pem", "keys/server.key", false},
        // Escapes
        GlobCase{"EscapedStarIsLiteral", "a\\*b", "a*b", true},
        GlobCase{"EscapedStarNotWildcard", "a\\*b", "axb", false},
        GlobCase{"EscapedQuestionIsLiteral", "a\\?", "a?", true},
        GlobCase{"EscapedQuestionNotWildcard", "a\\?", "ab", false},
        GlobCase{"EscapedBracketIsLiteral", "\\[x]", "[x]", true},
        GlobCase{"EscapedBracketNotClass", "\\[x]", "x", false},
        GlobCase{"EscapedHash", "\\#notes", "#notes", true},
        GlobCase{"EscapedSpace", "a\\ ", "a ", true}),
    CaseName());

}  // namespace
}  // namespace leakguard
