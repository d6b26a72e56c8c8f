// Unit tests for leakguard_redact: MaskSecret and MaskIn.
#include "redact/redact.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

namespace leakguard::redact {
namespace {

struct CaseName {
  template <typename T>
  std::string operator()(const testing::TestParamInfo<T>& p) const {
    return p.param.name;
  }
};

// True when `s` is valid UTF-8 (structure only: lead byte + the right number of continuations).
bool IsWellFormedUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

struct MaskCase {
  std::string name;
  std::string secret;
  MaskPolicy policy;
  std::string masked;
};
void PrintTo(const MaskCase& c, std::ostream* os) { *os << c.name; }

class MaskSecretTest : public testing::TestWithParam<MaskCase> {};

TEST_P(MaskSecretTest, Table) {
  const MaskCase& c = GetParam();
  EXPECT_EQ(MaskSecret(c.secret, c.policy), c.masked);
}

constexpr MaskPolicy kDefault{};
constexpr MaskPolicy kDisabled{.percent = -1, .enabled = false};
constexpr MaskPolicy Percent(int p) { return MaskPolicy{.percent = p, .enabled = true}; }

INSTANTIATE_TEST_SUITE_P(
    Table, MaskSecretTest,
    testing::Values(
        // Default policy: keep min(4, len/4) leading characters, then a fixed "****".
        MaskCase{"DefaultLongKeepsFour", "FAKE_SECRET_0123456789abcdef", kDefault, "FAKE****"},
        MaskCase{"DefaultSixteenKeepsFour", "FAKE_SECRET_0123", kDefault, "FAKE****"},
        MaskCase{"DefaultFifteenKeepsThree", "FAKE_SECRET_012", kDefault, "FAK****"},
        MaskCase{"DefaultEightKeepsTwo", "FAKE_SEC", kDefault, "FA****"},
        MaskCase{"DefaultFourKeepsOne", "FAKE", kDefault, "F****"},
        MaskCase{"DefaultThreeKeepsNothing", "FAK", kDefault, "****"},
        MaskCase{"DefaultOneCharKeepsNothing", "F", kDefault, "****"},
        MaskCase{"EmptySecretIsEmpty", "", kDefault, ""},
        MaskCase{"EmptySecretIsEmptyAtFiftyPercent", "", Percent(50), ""},
        // --redact=N: N percent hidden.
        MaskCase{"PercentHundredKeepsNothing", "FAKE_SECRET_0123456789abcdef", Percent(100),
                 "****"},
        MaskCase{"PercentFiftyKeepsHalf", "FAKE_SECRET_0123", Percent(50), "FAKE_SEC****"},
        MaskCase{"PercentFiftyOddLengthRoundsDown", "FAKE_SECRET_01234", Percent(50),
                 "FAKE_SEC****"},
        MaskCase{"PercentSeventyFive", "FAKE_SECRET_0123", Percent(75), "FAKE****"},
        MaskCase{"PercentZeroHidesNothing", "FAKE_SECRET_0123456789abcdef", Percent(0),
                 "FAKE_SECRET_0123456789abcdef"},
        MaskCase{"PercentOverHundredClamped", "FAKE_SECRET_0123", Percent(250), "****"},
        // Disabled (--no-redact): the secret as it is.
        MaskCase{"DisabledShowsSecret", "FAKE_SECRET_0123456789abcdef", kDisabled,
                 "FAKE_SECRET_0123456789abcdef"},
        MaskCase{"DisabledIgnoresPercent", "FAKE_SECRET_0123",
                 MaskPolicy{.percent = 100, .enabled = false}, "FAKE_SECRET_0123"},
        // UTF-8: never a partial character. "ééééééééé" is 18 bytes: default keeps 4 bytes
        // (two whole characters); at 50% 9 bytes would cut the fifth character, so 8 are kept.
        MaskCase{"DefaultKeepsWholeTwoByteChars",
                 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
                 kDefault, "\xc3\xa9\xc3\xa9****"},
        MaskCase{"FiftyPercentBacksOffToCharBoundary",
                 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
                 Percent(50), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9****"},
        // "a" + a 4-byte emoji + padding: a 4-byte keep would end inside the emoji.
        MaskCase{"DefaultDoesNotCutFourByteChar", "a\xf0\x9f\x94\x91zzzzzzzzzzz", kDefault,
                 "a****"}),
    CaseName());

TEST(MaskSecret, DefaultNeverKeepsMoreThanFourOrAQuarter) {
  for (size_t len = 1; len <= 200; ++len) {
    std::string secret(len, 'x');
    std::string masked = MaskSecret(secret);
    ASSERT_TRUE(masked.ends_with("****")) << len;
    size_t kept = masked.size() - 4;
    EXPECT_LE(kept, 4u) << len;
    EXPECT_LE(kept * 4, len) << len;
    EXPECT_EQ(kept, std::min<size_t>(4, len / 4)) << len;
  }
}

TEST(MaskSecret, MaskLengthDoesNotRevealSecretLength) {
  // Beyond 16 characters, every secret has the same displayed length under the default policy.
  EXPECT_EQ(MaskSecret(std::string(16, 'x')).size(), MaskSecret(std::string(5000, 'x')).size());
}

TEST(MaskSecret, NeverCutsInsideUtf8AtAnyPercent) {
  // Mixed 1-, 2-, 3- and 4-byte characters.
  const std::string secret =
      "k\xc3\xa9y\xe6\x97\xa5\xf0\x9f\x94\x91-FAKE-\xc3\xa9\xe6\x97\xa5\xf0\x9f\x94\x91z";
  ASSERT_TRUE(IsWellFormedUtf8(secret));
  for (int pct = -1; pct <= 100; ++pct) {
    std::string masked = MaskSecret(secret, Percent(pct));
    EXPECT_TRUE(IsWellFormedUtf8(masked)) << "percent " << pct;
    if (pct != 0) {
      ASSERT_TRUE(masked.ends_with("****")) << pct;
      std::string_view kept(masked.data(), masked.size() - 4);
      EXPECT_TRUE(secret.starts_with(kept)) << pct;
      if (pct > 0) {
        EXPECT_LE(kept.size(), secret.size() * static_cast<size_t>(100 - pct) / 100);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// MaskIn

struct MaskInCase {
  std::string name;
  std::string text;
  std::string secret;
  MaskPolicy policy;
  std::string out;
};
void PrintTo(const MaskInCase& c, std::ostream* os) { *os << c.name; }

class MaskInTest : public testing::TestWithParam<MaskInCase> {};

TEST_P(MaskInTest, Table) {
  const MaskInCase& c = GetParam();
  EXPECT_EQ(MaskIn(c.text, c.secret, c.policy), c.out);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MaskInTest,
    testing::Values(
        MaskInCase{"SingleOccurrence", "token = \"FAKE_SECRET_0123456789abcdef\"",
                   "FAKE_SECRET_0123456789abcdef", kDefault, "token = \"FAKE****\""},
        MaskInCase{"EveryOccurrence",
                   "a=FAKE_SECRET_0123456789abcdef b=FAKE_SECRET_0123456789abcdef;"
                   "FAKE_SECRET_0123456789abcdef",
                   "FAKE_SECRET_0123456789abcdef", kDefault, "a=FAKE**** b=FAKE****;FAKE****"},
        MaskInCase{"AdjacentOccurrences", "FAKE_SECRET_0123FAKE_SECRET_0123", "FAKE_SECRET_0123",
                   kDefault, "FAKE****FAKE****"},
        MaskInCase{"TextIsSecret", "FAKE_SECRET_0123", "FAKE_SECRET_0123", kDefault, "FAKE****"},
        MaskInCase{"NoOccurrenceUnchanged", "nothing to see", "FAKE_SECRET_0123", kDefault,
                   "nothing to see"},
        MaskInCase{"EmptyTextStaysEmpty", "", "FAKE_SECRET_0123", kDefault, ""},
        MaskInCase{"EmptySecretLeavesText", "key = value", "", kDefault, "key = value"},
        MaskInCase{"PercentHundred", "x FAKE_SECRET_0123 y", "FAKE_SECRET_0123", Percent(100),
                   "x **** y"},
        MaskInCase{"PercentFifty", "x FAKE_SECRET_0123 y", "FAKE_SECRET_0123", Percent(50),
                   "x FAKE_SEC**** y"},
        MaskInCase{"DisabledLeavesText", "x FAKE_SECRET_0123 y", "FAKE_SECRET_0123", kDisabled,
                   "x FAKE_SECRET_0123 y"},
        MaskInCase{"MultibyteAroundSecret", "\xc3\xa9 FAKE_SECRET_0123 \xe6\x97\xa5",
                   "FAKE_SECRET_0123", kDefault, "\xc3\xa9 FAKE**** \xe6\x97\xa5"}),
    CaseName());

TEST(MaskIn, OutputNeverContainsTheSecret) {
  const std::string secret = "FAKE_SECRET_0123456789abcdef";
  const std::string text = "pre " + secret + secret + " mid " + secret + " post";
  for (int pct : {-1, 1, 50, 99, 100}) {
    std::string out = MaskIn(text, secret, Percent(pct));
    EXPECT_EQ(out.find(secret), std::string::npos) << pct;
  }
}

}  // namespace
}  // namespace leakguard::redact
