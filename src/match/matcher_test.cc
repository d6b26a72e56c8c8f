#include "match/matcher.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "match/entropy.h"
#include "match/hs_runtime.h"
#include "match/placeholder.h"
#include "match/regex_info.h"
#include "rules/loader.h"

namespace leakguard::match {
namespace {

std::shared_ptr<const RulesDatabase> Build(std::string_view toml, bool no_vectorscan = false) {
  std::vector<std::string> warnings;
  auto set = rules::LoadConfigText(toml, "test.toml", &warnings);
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().message());
  BuildOptions bo;
  bo.disable_vectorscan = no_vectorscan;
  auto db = RulesDatabase::Build(std::move(*set), &warnings, bo);
  EXPECT_TRUE(db.has_value());
  return *db;
}

struct Found {
  std::string rule;
  std::string secret;
  DropReason drop;
  bool operator==(const Found&) const = default;
};

std::vector<Found> ScanText(const RulesDatabase& db, std::string_view text, bool simple = false,
                            bool keep_dropped = false) {
  Matcher m(std::shared_ptr<const RulesDatabase>(&db, [](const RulesDatabase*) {}),
            MatcherOptions{keep_dropped});
  std::vector<Candidate> out;
  simple ? m.ScanSimple(text, &out) : m.Scan(text, &out);
  std::vector<Found> f;
  for (const auto& c : out)
    f.push_back({db.rules()[c.rule].rule->id, std::string(c.Secret(text)), c.drop});
  return f;
}

std::ostream& operator<<(std::ostream& os, const Found& f) {
  return os << "{" << f.rule << ", " << f.secret << ", " << DropReasonName(f.drop) << "}";
}

constexpr std::string_view kTokenRule = R"(
[[rules]]
id = "tok"
regex = '''\b(tok_[a-z0-9]{12})\b'''
keywords = ["tok_"]
)";

TEST(Matcher, FindsASecretAndExtractsItsGroup) {
  auto db = Build(kTokenRule);
  EXPECT_EQ(ScanText(*db, "x = tok_a1b2c3d4e5f6;"),
            (std::vector<Found>{{"tok", "tok_a1b2c3d4e5f6", DropReason::kNone}}));
}

TEST(Matcher, SecretsAtTheVeryStartAndEndOfTheBlob) {
  auto db = Build(kTokenRule);
  EXPECT_EQ(ScanText(*db, "tok_a1b2c3d4e5f6").size(), 1u);
  EXPECT_EQ(ScanText(*db, "tok_a1b2c3d4e5f6 and tok_q1w2e3r4t5y6").size(), 2u);
}

TEST(Matcher, WordBoundaryUsesTheRealNeighbouringBytes) {
  auto db = Build(kTokenRule);
  // The window starts mid-text; \b must still see the 'x' before the token.
  std::string text(5000, ' ');
  text += "xtok_a1b2c3d4e5f6 tok_a1b2c3d4e5f6x";
  EXPECT_TRUE(ScanText(*db, text).empty());
}

TEST(Matcher, MatchesPastTwoKilobytes) {
  // Regression: Vectorscan 5.4.9's AVX-512 scan code missed this token after 2 KB of input when
  // the database held a second pattern. Checked at several lengths and line shapes.
  auto db = Build(std::string(kTokenRule) + R"toml(
[[rules]]
id = "generic-value"
regex = '''(?i)(?:token|secret)\s{0,4}=\s{0,4}"([^"]{8,64})"'''
)toml");
  for (size_t n : {100u, 2046u, 2047u, 2100u, 5000u, 70000u})
    for (bool lines : {false, true}) {
      std::string text(n, 'q');
      if (lines)
        for (size_t i = 80; i < n; i += 80) text[i] = '\n';
      text += "\ntok_a1b2c3d4e5f6\n";
      EXPECT_EQ(ScanText(*db, text),
                (std::vector<Found>{{"tok", "tok_a1b2c3d4e5f6", DropReason::kNone}}))
          << n << (lines ? " with lines" : "");
    }
}

TEST(Matcher, KeywordMustOccurInTheBlob) {
  auto db = Build(R"(
[[rules]]
id = "kw"
regex = '''[A-Z]{4}_[0-9]{8}'''
keywords = ["acme"]
)");
  EXPECT_TRUE(ScanText(*db, "ABCD_12345678").empty());
  EXPECT_EQ(ScanText(*db, "ACME: ABCD_12345678").size(), 1u);  // keywords are case-insensitive
}

TEST(Matcher, SecretGroupDefaultsToTheFirstNonEmptyGroup) {
  auto db = Build(R"(
[[rules]]
id = "groups"
regex = '''(?:a=(\w{6,})|b=(\w{6,}))'''
[[rules]]
id = "explicit"
regex = '''(c)=(\w{6,})'''
secretGroup = 2
[[rules]]
id = "whole"
regex = '''d=\w{6,}'''
)");
  EXPECT_EQ(ScanText(*db, "b=QWERTY1"),
            (std::vector<Found>{{"groups", "QWERTY1", DropReason::kNone}}));
  EXPECT_EQ(ScanText(*db, "c=ZXCVBN2"),
            (std::vector<Found>{{"explicit", "ZXCVBN2", DropReason::kNone}}));
  EXPECT_EQ(ScanText(*db, "d=ASDFGH3"),
            (std::vector<Found>{{"whole", "d=ASDFGH3", DropReason::kNone}}));
}

TEST(Matcher, FiltersInOrderWithReasons) {
  auto db = Build(R"(
[allowlist]
stopwords = ["globalstop"]
[[rules]]
id = "v"
regex = '''val=([A-Za-z0-9]{8,40})'''
entropy = 2.5
  [[rules.allowlists]]
  regexes = ['''^Fixture''']
  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''# test-only''']
)");
  struct Case {
    std::string text;
    DropReason want;
  } cases[] = {
      {"val=Q8w3Lz91Kd7", DropReason::kNone},
      {"val=abababab12", DropReason::kEntropy},
      {"val=aaaaaaaaab", DropReason::kPlaceholder},  // placeholder is checked before entropy
      {"val=YourTokenHere1", DropReason::kPlaceholder},
      {"val=Fixture8w3Lz9", DropReason::kRuleAllowlist},
      {"val=Q8w3Lz91Kd7 # test-only", DropReason::kRuleAllowlist},
      {"val=Q8globalstop9", DropReason::kStopword},
      {"val=Q8w3Lz91Kd7 // leakguard:allow", DropReason::kInlineAllow},
      {"val=Q8w3Lz91Kd7 # gitleaks:allow", DropReason::kInlineAllow},
      {"val=Q8w3Lz91Kd7 # pragma: allowlist secret", DropReason::kInlineAllow},
  };
  for (const auto& c : cases) {
    auto got = ScanText(*db, c.text, false, true);
    ASSERT_EQ(got.size(), 1u) << c.text;
    EXPECT_EQ(got[0].drop, c.want) << c.text << ": " << DropReasonName(got[0].drop);
    // Without keep_dropped only reportable candidates come back, plus inline-allowed ones
    // (so they can be counted as suppressed).
    auto plain = ScanText(*db, c.text, false, false);
    const bool returned = c.want == DropReason::kNone || c.want == DropReason::kInlineAllow;
    EXPECT_EQ(plain.size(), returned ? 1u : 0u) << c.text;
  }
}

// The value-shape filters: environment lookups and templates for every rule, the others only
// for rules tagged `generic`, each with its own drop reason.
TEST(Matcher, ValueShapeFiltersApplyToGenericRulesOnly) {
  auto db = Build(R"(
[[rules]]
id = "generic-thing"
regex = '''secret=([^\s]{6,})'''
tags = ["generic"]
[[rules]]
id = "provider-thing"
regex = '''token=([^\s]{6,})'''
tags = ["acme", "saas"]
)");
  struct Case {
    std::string value;
    DropReason generic, provider;
  } cases[] = {
      {"Q8w3Lz91Kd7xR2", DropReason::kNone, DropReason::kNone},
      {"$API_TOKEN", DropReason::kEnvLookup, DropReason::kEnvLookup},
      {"process.env.TOKEN_2", DropReason::kEnvLookup, DropReason::kEnvLookup},
      {"{{vault_token}}", DropReason::kTemplate, DropReason::kTemplate},
      {"%(token)s", DropReason::kTemplate, DropReason::kTemplate},
      {"YOUR_TOKEN_HERE", DropReason::kPlaceholder, DropReason::kPlaceholder},
      {"ece3a6bfee523288bbcced16faa0aa100a1070fa", DropReason::kHash, DropReason::kNone},
      {"53d8354b-1a84-6be2-70c7-e68a5f914329", DropReason::kUuid, DropReason::kNone},
      {"AAAAC3NzaC1lZDI1NTE5AAAAIGrV0dEwWi3nmd9E8jN2xQpNEm3qfPTGvUd8Vq2t1Sxa",
       DropReason::kPublicKey, DropReason::kNone},
      {"fake-token-8f3k2j", DropReason::kTestFixture, DropReason::kNone},
      {"DB_PASSWORD_SECRET", DropReason::kWordLike, DropReason::kNone},
      {"getPassword()", DropReason::kWordLike, DropReason::kNone},
  };
  for (const auto& c : cases) {
    for (const auto& [prefix, want] :
         {std::pair<std::string, DropReason>{"secret=", c.generic}, {"token=", c.provider}}) {
      auto got = ScanText(*db, prefix + c.value, false, true);
      ASSERT_EQ(got.size(), 1u) << prefix << c.value;
      EXPECT_EQ(got[0].drop, want) << prefix << c.value << ": " << DropReasonName(got[0].drop);
    }
  }
  EXPECT_EQ(DropReasonName(DropReason::kEnvLookup), "env-lookup");
  EXPECT_EQ(DropReasonName(DropReason::kTemplate), "template");
  EXPECT_EQ(DropReasonName(DropReason::kHash), "hash");
  EXPECT_EQ(DropReasonName(DropReason::kUuid), "uuid");
  EXPECT_EQ(DropReasonName(DropReason::kPublicKey), "public-key");
  EXPECT_EQ(DropReasonName(DropReason::kTestFixture), "test-fixture");
  EXPECT_EQ(DropReasonName(DropReason::kWordLike), "word-like");
}

TEST(Matcher, LocationFiltersRulePathAndAndAllowlists) {
  auto db = Build(R"(
[[allowlists]]
targetRules = ["p"]
paths = ['''^vendor/''']
[[rules]]
id = "p"
regex = '''pw=([a-z0-9]{10})'''
path = '''\.(env|ini)$'''
  [[rules.allowlists]]
  condition = "AND"
  paths = ['''^test/''']
  stopwords = ["fake"]
)");
  auto where = [&](std::string_view path, std::string_view secret) {
    return LocationDropReason(*db, 0, path, "", secret, "", "");
  };
  EXPECT_EQ(where("app/.env", "q1w2e3r4t5"), DropReason::kNone);
  EXPECT_EQ(where("app/main.py", "q1w2e3r4t5"), DropReason::kPath);
  EXPECT_EQ(where("vendor/x.env", "q1w2e3r4t5"), DropReason::kGlobalAllowlist);
  EXPECT_EQ(where("test/x.env", "q1w2e3r4t5"), DropReason::kNone);  // AND: path alone is not enough
  EXPECT_EQ(where("test/x.env", "q1fake3r4t"), DropReason::kRuleAllowlist);
  EXPECT_EQ(where("src/x.env", "q1fake3r4t"), DropReason::kNone);  // AND: stopword alone neither
}

TEST(Matcher, RegexVectorscanRejectsFallsBackToKeywordsOrEveryBlob) {
  std::vector<std::string> warnings;
  auto set = rules::LoadConfigText(R"(
[[rules]]
id = "lazy-kw"
regex = '''(?U)lazy_[a-z]{4,}'''
keywords = ["lazy_"]
[[rules]]
id = "lazy-always"
regex = '''(?U)idle_[a-z]{4,}'''
)",
                                   "t.toml", &warnings);
  ASSERT_TRUE(set.has_value());
  auto db = RulesDatabase::Build(std::move(*set), &warnings);
  ASSERT_TRUE(db.has_value());
  EXPECT_EQ((*db)->rules()[0].mode, PrefilterMode::kKeywords);
  EXPECT_EQ((*db)->rules()[1].mode, PrefilterMode::kAlways);
  EXPECT_EQ(warnings.size(), 2u);
  auto found = ScanText(**db, "lazy_abcdef idle_ghijkl");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].secret, "lazy_abcd");  // (?U): non-greedy, exactly as RE2 defines it
  EXPECT_EQ(found[1].secret, "idle_ghij");
}

TEST(Matcher, ManyHitsOfOneRuleSwitchToAWholeBlobSearchWithTheSameResult) {
  auto db = Build(kTokenRule);
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "k" + std::to_string(i) + " = tok_a1b2c3d4e5f6\n";
  auto fast = ScanText(*db, text), simple = ScanText(*db, text, true);
  EXPECT_EQ(fast.size(), 2000u);
  EXPECT_EQ(fast, simple);
}

TEST(Matcher, NonAsciiAndInvalidUtf8AreBytes) {
  auto db = Build(R"toml(
[[rules]]
id = "q"
regex = '''secret="([^"]{8,12})"'''
keywords = ["secret"]
)toml");
  // 6 two-byte characters = 12 bytes: both engines count bytes.
  std::string utf8 = "secret=\"\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c\"";
  std::string invalid = "secret=\"\xff\xfe\x80q1w2e3r4\"";
  for (const auto& t : {utf8, invalid}) {
    EXPECT_EQ(ScanText(*db, t).size(), 1u);
    EXPECT_EQ(ScanText(*db, t), ScanText(*db, t, true));
  }
}

TEST(Matcher, LineAroundClipsHugeLines) {
  std::string text(100000, 'a');
  std::string_view line = LineAround(text, 50000, 50010, 100);
  EXPECT_EQ(line.size(), 210u);
  EXPECT_EQ(LineAround("one\ntwo x\r\nthree", 4, 7), "two x");
}

// The fast path must find exactly what the reference path finds, with the built-in rules, on a
// corpus of every rule example embedded in noise.
TEST(Matcher, FastPathAgreesWithReferencePathOnAllRuleExamples) {
  std::vector<std::string> warnings;
  auto db = RulesDatabase::Build(rules::DefaultRules(), &warnings);
  ASSERT_TRUE(db.has_value());
  auto no_vs = RulesDatabase::Build(rules::DefaultRules(), &warnings, {.disable_vectorscan = true});
  ASSERT_TRUE(no_vs.has_value());
  std::mt19937 rng(42);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 _=:\"'\n{}()";
  std::string corpus;
  size_t examples = 0;
  for (const auto& e : std::filesystem::directory_iterator(LEAKGUARD_SOURCE_DIR "/rules/tests")) {
    toml::table t;
    try {
      t = toml::parse_file(e.path().string());
    } catch (const toml::parse_error&) {
      ADD_FAILURE() << e.path();
      continue;
    }
    for (const char* kind : {"positive", "negative"}) {
      if (const toml::array* arr = t[kind].as_array()) {
        for (const auto& n : *arr) {
          if (const auto* ex = n.as_table()) {
            corpus += (*ex)["text"].value_or(std::string());
            ++examples;
            std::uniform_int_distribution<int> len(1, 300);
            int k = len(rng);
            corpus += '\n';
            for (int i = 0; i < k; ++i) corpus += alphabet[rng() % alphabet.size()];
            corpus += '\n';
          }
        }
      }
    }
  }
  ASSERT_GT(examples, 500u);
  auto fast = ScanText(**db, corpus, false, true);
  auto simple = ScanText(**db, corpus, true, true);
  auto keyword_only = ScanText(**no_vs, corpus, false, true);
  EXPECT_GT(fast.size(), 300u);
  EXPECT_EQ(fast, simple);
  EXPECT_EQ(fast, keyword_only);
}

TEST(Entropy, KnownValues) {
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("ab"), 1);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abcd"), 2);
}

TEST(Placeholder, RecognisesStandIns) {
  for (std::string_view s : {"YOUR_API_KEY",
                             "<token>",
                             "${GITHUB_TOKEN}",
                             "{{ secret }}",
                             "%(password)s",
                             "$API_KEY",
                             "xxxxxxxxxxxxxxxx",
                             "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                             "changeme",
                             "AKIAIOSFODNN7EXAMPLE",
                             "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             "************",
                             "0000000000000000",
                             "1234567890abcdef",
                             "insert_key_here",
                             "[REDACTED]",
                             "#{secret}",
                             "b",
                             "pw",
                             "sekrit",
                             "-anonymous@",
                             "not my real password"})
    EXPECT_FALSE(PlaceholderReason(s).empty()) << s;
  for (std::string_view s : {"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", "Q8w3Lz91Kd7", "hunter2!",
                             "123", "sk_live_51Hx9aQ2eZvKYlo2C8nM3pR7t"})
    EXPECT_TRUE(PlaceholderReason(s).empty()) << s;
}

// One character in 60 % or more of a value of 8+ characters makes it a stand-in, wherever the
// character stands; 59 % does not.
TEST(Placeholder, RepeatedCharacterThreshold) {
  EXPECT_EQ(StandInReason("0000000000000000"), "repeated character");
  EXPECT_EQ(StandInReason("ab000000"), "repeated character");           // 6 of 8
  EXPECT_EQ(StandInReason("0a0b0c000q"), "repeated character");         // 6 of 10, spread out
  EXPECT_EQ(StandInReason("Zq7Zq7ZZZZZZZZZZZ"), "repeated character");  // 13 of 17
  EXPECT_NE(StandInReason("0a0b0c00qr"), "repeated character");         // 5 of 10
  EXPECT_EQ(StandInReason("ab00000c"), "repeated character");           // 5 of 8
  EXPECT_NE(StandInReason("ab0000cd"), "repeated character");           // 4 of 8
  std::string many(100, 'k');
  for (size_t i = 0; i < 41; ++i) many[i * 2] = static_cast<char>('A' + i % 26);  // 59 'k'
  EXPECT_NE(StandInReason(many), "repeated character");
  many[0] = 'k';  // 60 of 100
  EXPECT_EQ(StandInReason(many), "repeated character");
  EXPECT_NE(StandInReason("a0a0a0"), "repeated character");  // under 8 characters
}

// Values longer than StandInReason's stack buffer (a PEM block) take the same test.
TEST(Placeholder, LongValues) {
  std::string body;
  for (int i = 0; body.size() < 2000; ++i) body += "MIIEq" + std::to_string(i * 7919) + "Zk/";
  EXPECT_TRUE(PlaceholderReason(body).empty());
  for (std::string_view marker : {"EXAMPLE", "Redacted", "xxxxx", "REPLACE_ME"}) {
    std::string v = body;
    v.insert(1500, marker);
    EXPECT_EQ(PlaceholderReason(v), "placeholder word") << marker;
  }
}

}  // namespace
}  // namespace leakguard::match

namespace leakguard::match {
namespace {

TEST(RegexInfo, CanMatchNewlineIsConservative) {
  struct Case {
    const char* re;
    bool can;
  } cases[] = {
      {R"re(ghp_[0-9A-Za-z]{36})re", false},
      {R"re(key\s*=\s*"([^"]{8,64})")re", true},           // \s
      {R"re(key[ \t]*=[ \t]*"([^"\n]{8,64})")re", false},  // negated class lists \n
      {R"re(key=([^"\s\\]{8,}))re", false},                // negated class lists \s
      {R"re(key=([^"]{8,}))re", true},                     // [^"] matches \n
      {R"re((?s)BEGIN.{10,}END)re", true},
      {R"re((?i)token.{0,20})re", false},  // (?i) is not (?s)
      {R"re(a\nb)re", true},
      {R"re(a[\x00-\x7f]b)re", true},
      {R"re(a[[:alpha:]]b)re", true},  // conservative
      {R"re(a\pLb)re", true},
      {R"re(\bAKIA[A-Z2-7]{16}\b)re", false},
      {R"re(a[\]x]b)re", false},
  };
  for (const auto& c : cases) EXPECT_EQ(CanMatchNewline(c.re), c.can) << c.re;
}

TEST(RegexInfo, LineBoundedAllowsNewlinesOnlyAtTheEdges) {
  EXPECT_TRUE(LineBounded(R"re((?:^|[^A-Za-z0-9])(tok_[a-z]{8})(?:[^A-Za-z0-9]|$))re"));
  EXPECT_TRUE(LineBounded(R"re(pw=([A-Za-z0-9]{8,})(?:[\s;,)\]}]|$))re"));
  EXPECT_TRUE(LineBounded(R"re(ghp_[0-9A-Za-z]{36})re"));
  EXPECT_FALSE(LineBounded(R"re((?:^|[^A-Za-z0-9])key\s*=\s*(\w{8}))re"));
  EXPECT_FALSE(LineBounded(R"re(BEGIN[\s\S]{10,}END)re"));
}

struct TailCase {
  const char* name;
  const char* re;
  int group;
  bool bounded;
};

TEST(RegexInfo, SecretTailLineBoundedLooksFromTheSecretToTheMatchEnd) {
  const TailCase cases[] = {
      {"single-line token", R"re(ghp_[0-9A-Za-z]{36})re", 0, true},
      {"trailing boundary may be a newline", R"re(key=([a-z0-9]{32})(?:\s|$))re", 0, true},
      {"multi-line prefix, one-line secret", R"re(bot[\s\S]{0,100}?([0-9a-f]{32}))re", 1, true},
      {"multi-line assignment, secret group never empty", R"re(x\s*=\s*(\w+))re", 0, true},
      {"newline as the last byte only", R"re((a+)\n?)re", 1, true},
      {"nested trailing boundary",
       R"re(\b(glpat-[0-9A-Za-z_-]{20})(?:[^0-9A-Za-z_.-]|\.(?:[^0-9A-Za-z_-]|$)|$))re", 0, true},
      {"pem block",
       R"re((-----BEGIN PRIVATE KEY-----\r?\n(?:[A-Za-z0-9+/=]{16,}\r?\n)+-----END PRIVATE KEY-----))re",
       0, false},
      {"whole match spans lines", R"re(BEGIN[\s\S]{10,}END)re", 0, false},
      {"lines after the secret", R"re(([a-z]{8})[\s\S]{0,20}end)re", 1, false},
      {"two newlines after the secret", R"re((a+)\n\n)re", 1, false},
      {"dot-all flag set before the group", R"re((?s)key=(.+))re", 0, false},
      {"dot-all scoped group", R"re(key=((?s:.+)))re", 0, false},
      {"second alternative may hold the secret", R"re((?:(a+)|(b\nc)))re", 0, false},
      {"named secret group", R"re(k=(?P<v>[a-z]+)\n[a-z])re", 1, false},
      {"repeated group: another iteration follows", R"re((?:(a+)\n)+)re", 1, false},
      {"look-ahead is not RE2: unknown", R"re((?=x)(a))re", 1, false},
      {"stacked repetition: unknown", R"re((a**))re", 1, false},
      {"unbalanced: unknown", R"re((a)))re", 1, false},
  };
  for (const auto& c : cases) EXPECT_EQ(SecretTailLineBounded(c.re, c.group), c.bounded) << c.name;
}

TEST(RegexInfo, EveryLineBoundedBuiltInRuleHasALineBoundedSecretTail) {
  for (const auto& r : rules::DefaultRules().rules) {
    if (r.regex.empty()) continue;
    if (LineBounded(r.regex)) {
      EXPECT_TRUE(SecretTailLineBounded(r.regex, r.secret_group)) << r.id;
    }
  }
}

// Every prefix of `match` must be a full match of the prefix pattern.
void ExpectAllPrefixesMatch(const RE2& prefixes, std::string_view match, std::string_view what) {
  // Every short prefix, then about 24 spread over the rest (each is a full RE2 match).
  const size_t stride = std::max<size_t>(1, match.size() / 24);
  for (size_t i = 0; i <= match.size(); i += (i < 48 ? 1 : stride)) {
    ASSERT_TRUE(RE2::FullMatch(match.substr(0, i), prefixes))
        << what << ": prefix of " << i << " bytes rejected";
  }
  ASSERT_TRUE(RE2::FullMatch(match, prefixes)) << what << ": the whole match rejected";
}

TEST(RegexInfo, PrefixPatternMatchesEveryPrefixAndRejectsWhatCannotStartAMatch) {
  struct Case {
    const char* re;
    std::vector<std::string> yes, no;
  };
  const Case cases[] = {
      {R"re(-----BEGIN X-----\r?\n(?:[A-Z]{4}\r?\n)+-----END X-----)re",
       {"", "-", "-----BEG", "-----BEGIN X-----", "-----BEGIN X-----\r", "-----BEGIN X-----\nAB",
        "-----BEGIN X-----\nABCD\nEFGH\n-----EN", "-----BEGIN X-----\nABCD\n-----END X-----"},
       {"x", "-----BEGIN X----- from vault\n", "-----BEGIN X-----\nABCD\nab",
        "-----BEGIN X-----\nABCD\n-----END X-----\n"}},
      {R"re((?i)secret=[a-z]+)re", {"SECR", "secret=ABC", "SeCrEt="}, {"secret=1", "x"}},
      {R"re(a{2,3}b)re", {"a", "aa", "aaa", "aab", "aaab"}, {"aaaa", "b", "ab"}},
      {R"re(\bkey(?:=|:)\s*"(\w+)")re",
       {"ke", "key:", "key= \n \"a", "key=\"abc\""},
       {"key\"", "k ey"}},
      {R"re(x\Q.*\Ey)re", {"x.", "x.*y"}, {"xay"}},
      {R"re((?:ab|cd)*e)re", {"abab", "abc", "cde"}, {"ac", "ee"}},
  };
  for (const auto& c : cases) {
    auto p = PrefixPattern(c.re);
    ASSERT_TRUE(p.has_value()) << c.re;
    RE2 re(*p, rules::RegexOptions());
    ASSERT_TRUE(re.ok()) << c.re << " -> " << *p << ": " << re.error();
    for (const auto& y : c.yes)
      EXPECT_TRUE(RE2::FullMatch(y, re)) << c.re << " should accept " << y;
    for (const auto& n : c.no)
      EXPECT_FALSE(RE2::FullMatch(n, re)) << c.re << " should reject " << n;
  }
  EXPECT_FALSE(PrefixPattern("(?=x)a").has_value());
}

TEST(RegexInfo, PrefixPatternOfEveryBuiltInRuleAcceptsEveryPrefixOfItsExamples) {
  size_t checked = 0;
  for (const auto& r : rules::DefaultRules().rules) {
    if (r.regex.empty()) continue;
    auto p = PrefixPattern(r.regex);
    ASSERT_TRUE(p.has_value()) << r.id << ": the parser does not know the built-in rule's syntax";
    // The redactor uses the prefix pattern only for rules whose secret tail spans lines (the
    // private keys); the others' can be large (counted repeats) and slow to check.
    if (SecretTailLineBounded(r.regex, r.secret_group)) continue;
    RE2 prefixes(*p, rules::RegexOptions());
    ASSERT_TRUE(prefixes.ok()) << r.id << ": " << prefixes.error();
    RE2 rule_re(r.regex, rules::RegexOptions());
    const auto file =
        std::filesystem::path(LEAKGUARD_SOURCE_DIR) / "rules/tests" / (r.id + ".toml");
    toml::table t = toml::parse_file(file.string());
    const toml::array* positives = t["positive"].as_array();
    if (!positives) continue;
    for (const auto& ex : *positives) {
      std::string text = (*ex.as_table())["text"].value_or(std::string());
      re2::StringPiece m;
      if (!rule_re.Match(text, 0, text.size(), RE2::UNANCHORED, &m, 1)) continue;
      ExpectAllPrefixesMatch(prefixes, std::string_view(m.data(), m.size()), r.id);
      ++checked;
    }
  }
  EXPECT_GE(checked, 8u);
}

TEST(RulesDatabase, BuiltInAllowlistsCompileOnFirstUseAndAllCompile) {
  std::vector<std::string> warnings;
  auto db = RulesDatabase::Build(rules::DefaultRules(), &warnings);
  ASSERT_TRUE(db.has_value());
  size_t lists = 0, regexes = 0;
  for (const CompiledRule& cr : (*db)->rules()) {
    for (const CompiledAllowlist& al : cr.allowlists) {
      ++lists;
      EXPECT_TRUE(al.deferred_) << cr.rule->id;  // nothing compiled by Build itself
      // Every regex of the built-in allowlists compiles (a failure would abort the scan).
      EXPECT_EQ(al.Regexes().empty(), al.src->regexes.empty()) << cr.rule->id;
      EXPECT_EQ(al.Paths().empty(), al.src->paths.empty()) << cr.rule->id;
      for (const auto& re : al.Regexes()) {
        EXPECT_TRUE(re->ok()) << cr.rule->id;
        ++regexes;
      }
      for (const auto& re : al.Paths()) EXPECT_TRUE(re->ok()) << cr.rule->id;
    }
  }
  EXPECT_GE(lists, 60u);    // 69 at the time of writing
  EXPECT_GE(regexes, 40u);  // 46
}

TEST(RulesDatabase, AllowlistsOfLoadedFilesAreCompiledByBuild) {
  auto db = Build(R"(
[[rules]]
id = "r"
regex = '''tok_[0-9]{8}'''
[[rules.allowlists]]
regexes = ['''^tok_0''', '''9$''']
paths = ['''fixtures/''']
)");
  const CompiledAllowlist& al = db->rules()[0].allowlists[0];
  EXPECT_FALSE(al.deferred_);
  ASSERT_EQ(al.Regexes().size(), 1u);  // the two regexes as one alternation
  EXPECT_TRUE(RE2::PartialMatch("tok_01234567", *al.Regexes()[0]));
  EXPECT_TRUE(RE2::PartialMatch("tok_12345679", *al.Regexes()[0]));
  EXPECT_FALSE(RE2::PartialMatch("tok_12345678", *al.Regexes()[0]));
  ASSERT_EQ(al.Paths().size(), 1u);
}

// Points LEAKGUARD_CACHE_DIR at a fresh directory `name` under the test's temporary directory
// for the object's lifetime, then restores the variable and removes the directory.
class ScopedCacheDir {
 public:
  explicit ScopedCacheDir(const std::string& name)
      : dir_(::testing::TempDir() + name + "_" + std::to_string(::getpid())) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (const char* old = std::getenv("LEAKGUARD_CACHE_DIR")) saved_ = old;
    ::setenv("LEAKGUARD_CACHE_DIR", dir_.c_str(), 1);
  }
  ~ScopedCacheDir() {
    if (saved_)
      ::setenv("LEAKGUARD_CACHE_DIR", saved_->c_str(), 1);
    else
      ::unsetenv("LEAKGUARD_CACHE_DIR");
    std::filesystem::remove_all(dir_);
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::optional<std::string> saved_;
};

TEST(DatabaseCache, KeepsTheMostRecentlyUsedEntriesAndRemovesStaleTemporaries) {
  namespace fs = std::filesystem;
  const ScopedCacheDir cache("lg_db_cache_prune");
  const std::string& dir = cache.dir();
  // 20 entries of earlier rule sets, entry i used i hours ago; two temporaries of writers that
  // crashed, one two hours ago and one just now (perhaps still writing); another kind of file.
  const auto now = fs::file_time_type::clock::now();
  for (int i = 0; i < 20; ++i) {
    const std::string p = dir + "/hs-old" + std::to_string(i) + ".db";
    std::ofstream(p) << "x";
    fs::last_write_time(p, now - std::chrono::hours(i + 1));
  }
  std::ofstream(dir + "/hs-stale.db.tmp.1") << "x";
  fs::last_write_time(dir + "/hs-stale.db.tmp.1", now - std::chrono::hours(2));
  std::ofstream(dir + "/hs-fresh.db.tmp.2") << "x";
  std::ofstream(dir + "/notes.txt") << "x";
  // A rule set no earlier test used: compiled now, and written to the cache.
  const std::string pattern = "prune-test-" + std::to_string(::getpid()) + "-[0-9]{4}";
  const std::string config = "[[rules]]\nid = \"p\"\nregex = '" + pattern + "'\n";
  auto db = Build(config);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  size_t dbs = 0;
  for (const auto& n : names) dbs += n.ends_with(".db");
  EXPECT_EQ(dbs, 16u);  // the new entry and the 15 most recently used
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(fs::exists(dir + "/hs-old" + std::to_string(i) + ".db"), i < 15) << i;
  EXPECT_FALSE(fs::exists(dir + "/hs-stale.db.tmp.1"));
  EXPECT_TRUE(fs::exists(dir + "/hs-fresh.db.tmp.2"));
  EXPECT_TRUE(fs::exists(dir + "/notes.txt"));
  // Loading an entry marks it used (its modification time is refreshed), so an entry in use is
  // among the most recent when the next one is written.
  std::string entry;
  for (const auto& n : names)
    if (n.ends_with(".db") && !n.starts_with("hs-old")) entry = dir + "/" + n;
  ASSERT_FALSE(entry.empty());
  fs::last_write_time(entry, now - std::chrono::hours(200));
  auto again = Build(config);  // from the cache
  EXPECT_GT(fs::last_write_time(entry), now - std::chrono::hours(1));
}

TEST(HsRuntime, VerdictIsCachedAndAnUnreadableEntryIsTestedAgain) {
  const ScopedCacheDir cache("lg_hs_runtime_cache");
  const std::string& dir = cache.dir();
  const HsRuntime first = DetectHsRuntime();  // runs the self-test
  std::vector<std::filesystem::path> verdicts;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().starts_with("hs-runtime-")) verdicts.push_back(e.path());
  ASSERT_EQ(verdicts.size(), 1u);
  std::string cached;
  std::getline(std::ifstream(verdicts[0]) >> std::ws, cached);
  EXPECT_EQ(cached, first.name);
  const HsRuntime second = DetectHsRuntime();  // from the cache
  EXPECT_EQ(second.name, first.name);
  EXPECT_EQ(second.scan, first.scan);
  EXPECT_EQ(second.platform.cpu_features, first.platform.cpu_features);
  std::ofstream(verdicts[0], std::ios::trunc) << "no_such_entry_point";
  const HsRuntime third = DetectHsRuntime();  // tested again, and the entry rewritten
  EXPECT_EQ(third.name, first.name);
  std::getline(std::ifstream(verdicts[0]) >> std::ws, cached);
  EXPECT_EQ(cached, first.name);
}

TEST(Matcher, VectorscanFastPathFindsATokenAfterAnyRunOfFiller) {
  // Regression: Vectorscan 5.4.9's AVX-512 runtime missed the token after 63+ filler bytes when
  // both rules were in one database (hs_runtime.h); the fast path must find what RE2 finds.
  auto db = Build(R"toml(
[[rules]]
id = "tok"
regex = '''\b(tok_[a-z0-9]{12})\b'''
keywords = ["tok_"]
[[rules]]
id = "generic-value"
regex = '''(?i)(?:token|secret)\s{0,4}=\s{0,4}"([^"]{8,64})"'''
keywords = ["token", "secret"]
)toml");
  for (size_t n = 0; n < 1200; n += (n < 300 ? 1 : 37)) {
    const std::string text = std::string(n, 'q') + "\ntok_a1b2c3d4e5f6\n";
    auto fast = ScanText(*db, text), simple = ScanText(*db, text, true);
    ASSERT_EQ(simple.size(), 1u) << n;
    ASSERT_EQ(fast, simple) << "after " << n << " filler bytes";
  }
}

TEST(Matcher, LineBoundedRulesMatchAtLineEdges) {
  auto db = Build(R"toml(
[[rules]]
id = "edges"
regex = '''(?:^|[^A-Za-z0-9])(tok_[a-z]{8})(?:[^A-Za-z0-9]|$)'''
keywords = ["tok_"]
)toml");
  ASSERT_TRUE(db->rules()[0].line_bounded);
  const std::string text = "tok_abcdefgh\ntok_ijklmnop\n\ntok_qrstuvwx";
  auto fast = ScanText(*db, text), simple = ScanText(*db, text, true);
  EXPECT_EQ(fast.size(), 3u);
  EXPECT_EQ(fast, simple);
}

TEST(DatabaseCache, RecordsEachRuleModeAndWidth) {
  const ScopedCacheDir cache("lg_db_cache_width");
  // Bounded, unbounded, keyword-prefiltered (Vectorscan refuses `(?U)`) and path-only rules, in
  // a set no other test uses.
  const std::string tag = std::to_string(::getpid());
  const std::string config = "[[rules]]\nid = \"bounded\"\nregex = '''wtest" + tag +
                             "_[0-9]{4,12}'''\n"
                             "[[rules]]\nid = \"unbounded\"\nregex = '''wtest" +
                             tag +
                             "-[a-z]+'''\n"
                             "[[rules]]\nid = \"lazy\"\nregex = '''(?U)wtest" +
                             tag +
                             "_lazy[a-z]{4,}'''\nkeywords = [\"wtest\"]\n"
                             "[[rules]]\nid = \"path\"\npath = '''\\.pem$'''\n";
  auto fresh = Build(config);   // compiled, written to the cache
  auto cached = Build(config);  // loaded from it
  ASSERT_EQ(fresh->rules().size(), 4u);
  ASSERT_EQ(cached->rules().size(), 4u);
  EXPECT_EQ(cached->rules()[0].max_width(), 6 + tag.size() + 12);
  EXPECT_EQ(cached->rules()[1].max_width(), SIZE_MAX);
  EXPECT_EQ(cached->rules()[2].mode, PrefilterMode::kKeywords);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(cached->rules()[i].mode, fresh->rules()[i].mode) << i;
    EXPECT_EQ(cached->rules()[i].width_known_, i != 3) << i;
    if (i != 3) {
      EXPECT_EQ(cached->rules()[i].max_width(), fresh->rules()[i].max_width()) << i;
    }
  }
  EXPECT_FALSE(fresh->rules()[0].width_known_);  // computed on first use instead
  // The cached database (deserialized into memory of its own) finds what the fresh one finds.
  const std::string text = "x wtest" + tag + "_123456 y wtest" + tag + "-abc z wtest" + tag +
                           "_lazyabcdef\nwtest" + tag + "_12\n";
  const auto found = ScanText(*cached, text);
  EXPECT_EQ(found, ScanText(*fresh, text));
  EXPECT_EQ(found, ScanText(*cached, text, /*simple=*/true));
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].rule, "bounded");
  EXPECT_EQ(found[1].rule, "unbounded");
  EXPECT_EQ(found[2].rule, "lazy");
}

}  // namespace
}  // namespace leakguard::match
