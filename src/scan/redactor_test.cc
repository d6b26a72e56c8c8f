// Unit tests for the stream redactor: every built-in rule's examples are masked, nothing else
// changes (CRLF, invalid UTF-8, NUL bytes), the streamed output equals the whole-buffer output
// however the input is cut, lines are released as soon as they are decided (and PEM blocks are
// held until complete), memory stays bounded on a 100 MB line, and the config's allowlists apply.
//
// Secrets are the rule examples' fake ones (rules/tests/) or assembled at run time.
#include "scan/redactor.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "rules/loader.h"

namespace leakguard::scan {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const match::RulesDatabase> BuiltIn() {
  static std::shared_ptr<const match::RulesDatabase> db = [] {
    std::vector<std::string> w;
    auto built = match::RulesDatabase::Build(rules::DefaultRules(), &w);
    EXPECT_TRUE(built.has_value());
    return *built;
  }();
  return db;
}

std::shared_ptr<const match::RulesDatabase> FromToml(std::string_view toml) {
  std::vector<std::string> w;
  auto set = rules::LoadConfigText(toml, "test.toml", &w);
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().message());
  auto db = match::RulesDatabase::Build(std::move(*set), &w);
  EXPECT_TRUE(db.has_value());
  return *db;
}

std::string GithubPat() {
  return std::string("gh") + "p_" + "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW00snvpY";
}
std::string AwsKeyId() { return std::string("AK") + "IA" + "QZ7XW3LKP4RTY2NV"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Example {
  std::string rule, text, secret, path;
};

// The positive examples of every built-in rule that has a regex.
const std::vector<Example>& Examples() {
  static std::vector<Example> all = [] {
    std::vector<Example> out;
    for (const auto& r : rules::DefaultRules().rules) {
      if (r.regex.empty()) continue;
      auto file = fs::path(LEAKGUARD_SOURCE_DIR) / "rules/tests" / (r.id + ".toml");
      toml::table t = toml::parse(ReadFile(file), file.string());
      if (const toml::array* a = t["positive"].as_array())
        for (const auto& n : *a) {
          const toml::table& ex = *n.as_table();
          out.push_back({r.id, ex["text"].value_or(std::string()),
                         ex["secret"].value_or(std::string()), ex["path"].value_or(std::string())});
        }
    }
    return out;
  }();
  return all;
}

// `text` with each span replaced by `[REDACTED:<rule>]` (line by line for multi-line spans, as
// the redactor writes them): the output must be exactly this, so nothing else changed.
std::string Apply(const match::RulesDatabase& db, std::string_view text,
                  const std::vector<RedactedSpan>& spans) {
  std::string out;
  size_t pos = 0;
  for (const auto& s : spans) {
    out.append(text.substr(pos, s.start - pos));
    const std::string label = "[REDACTED:" + db.rules()[s.rule].rule->id + "]";
    std::string_view secret = text.substr(s.start, s.end - s.start);
    for (size_t p = 0; p <= secret.size();) {
      size_t nl = secret.find('\n', p);
      std::string_view line = secret.substr(p, nl == std::string_view::npos ? nl : nl - p);
      std::string_view eol;
      if (nl != std::string_view::npos) {
        eol = "\n";
        if (line.ends_with('\r')) {
          line.remove_suffix(1);
          eol = "\r\n";
        }
      }
      if (!line.empty()) out += label;
      out += eol;
      if (nl == std::string_view::npos) break;
      p = nl + 1;
    }
    pos = s.end;
  }
  out.append(text.substr(pos));
  return out;
}

// Empty when equal; else where `got` first differs from `want`, with some context.
std::string Diff(std::string_view got, std::string_view want) {
  if (got == want) return "";
  size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  const size_t from = i > 120 ? i - 120 : 0;
  return "sizes " + std::to_string(got.size()) + " vs " + std::to_string(want.size()) +
         ", first difference at byte " + std::to_string(i) + "\n--- got ---\n" +
         std::string(got.substr(from, 300)) + "\n--- want ---\n" +
         std::string(want.substr(from, 300));
}

// Streams `text` through a RedactStream in pieces of `piece` bytes (0: one line at a time).
std::string Stream(const Redactor& r, std::string_view text, size_t piece,
                   std::string_view path = "-", RedactStats* stats = nullptr,
                   size_t* max_buffered = nullptr) {
  RedactStream s(r, std::string(path));
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t n = piece;
    if (n == 0) {
      size_t nl = text.find('\n', pos);
      n = nl == std::string_view::npos ? text.size() - pos : nl + 1 - pos;
    }
    n = std::min(n, text.size() - pos);
    s.Feed(text.substr(pos, n), &out);
    pos += n;
    if (max_buffered) *max_buffered = std::max(*max_buffered, s.buffered());
  }
  s.Finish(&out);
  if (stats) *stats = s.stats();
  return out;
}

// ---- Every rule family --------------------------------------------------------------------------

TEST(Redactor, EveryBuiltInRulesExamplesAreMaskedAndNothingElseChanges) {
  Redactor r(BuiltIn(), {});
  size_t checked = 0;
  std::map<std::string, size_t> per_rule;
  for (const Example& ex : Examples()) {
    // As a line of a log, between ordinary lines.
    const std::string text =
        "2024-05-01T10:00:00Z INFO start\n" + ex.text + "\n2024-05-01T10:00:01Z INFO done\n";
    std::vector<RedactedSpan> spans;
    RedactStats stats;
    const std::string out =
        r.RedactAll(text, ex.path.empty() ? "app.log" : ex.path, &stats, &spans);
    SCOPED_TRACE(ex.rule + ": " + ex.text.substr(0, 200));
    ASSERT_FALSE(spans.empty()) << "nothing masked";
    EXPECT_EQ(out, Apply(r.db(), text, spans));
    EXPECT_GE(stats.secrets, 1u);
    EXPECT_EQ(stats.late_secrets, 0u);
    if (!ex.secret.empty()) {
      // The example's secret lies inside a masked span.
      const size_t at = text.find(ex.secret);
      ASSERT_NE(at, std::string::npos);
      bool covered = false;
      for (const auto& s : spans) covered |= s.start <= at && at + ex.secret.size() <= s.end;
      EXPECT_TRUE(covered) << "secret not masked: " << ex.secret;
    }
    EXPECT_TRUE(out.starts_with("2024-05-01T10:00:00Z INFO start\n"));
    EXPECT_TRUE(out.ends_with("\n2024-05-01T10:00:01Z INFO done\n"));
    ++per_rule[ex.rule];
    ++checked;
  }
  // Every rule with a regex contributed at least one example.
  size_t rules_with_regex = 0;
  for (const auto& rule : rules::DefaultRules().rules) rules_with_regex += !rule.regex.empty();
  EXPECT_EQ(per_rule.size(), rules_with_regex);
  EXPECT_GT(checked, 500u);
}

TEST(Redactor, RedactedOutputScansClean) {
  // Whatever a scan finds in the input, the redacted output holds none of it.
  Redactor r(BuiltIn(), {});
  match::Matcher m(BuiltIn());
  std::string all;
  for (const Example& ex : Examples())
    if (ex.path.empty()) all += ex.text + "\n";
  const std::string out = r.RedactAll(all, "app.log");
  std::vector<match::Candidate> found;
  m.Scan(out, &found);
  for (const auto& c : found) {
    if (c.drop != match::DropReason::kNone) continue;
    ADD_FAILURE() << r.db().rules()[c.rule].rule->id << " still finds '"
                  << c.Secret(out).substr(0, 80) << "' in the redacted output";
  }
}

// ---- Streaming == whole -------------------------------------------------------------------------

std::string Corpus(bool crlf) {
  std::string text;
  int i = 0;
  for (const Example& ex : Examples()) {
    if (!ex.path.empty()) continue;
    text += "2024-05-01T10:00:" + std::to_string(10 + i % 50) + "Z INFO request " +
            std::to_string(i) + " handled in 12ms\n";
    text += ex.text + "\n";
    if (++i % 7 == 0) text += "\n";
  }
  if (!crlf) return text;
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST(Redactor, StreamingInAnyPiecesGivesExactlyTheWholeBufferOutput) {
  Redactor r(BuiltIn(), {});
  for (bool crlf : {false, true}) {
    const std::string text = Corpus(crlf);
    const std::string whole = r.RedactAll(text, "-");
    // Every piece boundary costs a rescan of 64 KiB of context: line by line is the costly case.
    const std::vector<size_t> pieces =
        crlf ? std::vector<size_t>{7} : std::vector<size_t>{0, 4096, 1u << 20};
    for (size_t piece : pieces) {
      RedactStats stats;
      EXPECT_EQ(Diff(Stream(r, text, piece, "-", &stats), whole), "")
          << "pieces of " << piece << (crlf ? " (CRLF)" : "");
      EXPECT_EQ(stats.late_secrets, 0u);
      EXPECT_EQ(stats.bytes_in, text.size());
    }
  }
}

TEST(Redactor, TinyLimitsStillGiveTheWholeBufferOutput) {
  // One long line of all single-line examples, written in pieces of a few KiB: no secret may be
  // cut differently from the whole-buffer path. The guarantee holds for secrets that fit in the
  // overlap (64 KiB by default), so the overlap here exceeds the longest example.
  RedactOptions o;
  o.context = 8192;
  o.long_line = 8192;
  o.overlap = 4096;
  Redactor r(BuiltIn(), o);
  std::string text;
  size_t longest = 0;
  for (const Example& ex : Examples()) {
    if (!ex.path.empty() || ex.text.find('\n') != std::string::npos) continue;
    text += "x=1 " + ex.text + " ";
    longest = std::max(longest, ex.text.size());
  }
  text += "\n";
  ASSERT_LT(longest, o.overlap);
  const std::string whole = r.RedactAll(text, "-");
  for (size_t piece : {size_t{1}, size_t{13}, size_t{300}, size_t{4096}}) {
    RedactStats stats;
    size_t max_buffered = 0;
    EXPECT_EQ(Diff(Stream(r, text, piece, "-", &stats, &max_buffered), whole), "") << piece;
    EXPECT_EQ(stats.late_secrets, 0u) << piece;
    EXPECT_LE(max_buffered, o.context + o.long_line + o.max_hold + o.overlap + piece) << piece;
  }
}

TEST(Redactor, ContextBeforeTheLineFindsAMatchThatBeganFortyKilobytesEarlier) {
  // The secret's line is written only once complete, but the match began 40 KiB earlier: the
  // 64 KiB of written text kept as context lets the matcher see it, line by line as in one piece.
  Redactor r(FromToml(R"toml(
[[rules]]
id = "ini-key"
regex = '''\[vault\][^\[]*?\nkey = ([a-z0-9]{12})\b'''
)toml"),
             {});
  for (size_t filler : {size_t{40} << 10, size_t{100} << 10}) {
    std::string text = "[vault]\n";
    while (text.size() < filler) text += "# a comment line in the vault section\n";
    text += "key = k3j9x0q7w2m5\n";
    const std::string whole = r.RedactAll(text, "-");
    EXPECT_EQ(Diff(Stream(r, text, 0), whole), "") << filler;
    // Beyond the matcher's 64 KiB window neither path finds it, as `leakguard scan` would not.
    EXPECT_EQ(whole.ends_with("key = [REDACTED:ini-key]\n"), filler < (64u << 10)) << filler;
  }
}

// ---- Line buffering
// ------------------------------------------------------------------------------

TEST(Redactor, EachCompleteLineIsWrittenAsSoonAsItArrives) {
  Redactor r(BuiltIn(), {});
  RedactStream s(r, "-");
  std::string out;
  s.Feed("first line\n", &out);
  EXPECT_EQ(out, "first line\n");
  out.clear();
  s.Feed("token=" + GithubPat() + "\n", &out);
  EXPECT_EQ(out, "token=[REDACTED:github-pat]\n");
  out.clear();
  s.Feed("partial", &out);
  EXPECT_EQ(out, "") << "an incomplete line waits for its end";
  s.Feed(" line " + AwsKeyId(), &out);
  EXPECT_EQ(out, "");
  s.Finish(&out);
  EXPECT_EQ(out, "partial line [REDACTED:aws-access-key-id]");
  EXPECT_EQ(s.stats().secrets, 2u);
}

TEST(Redactor, ALineMentioningAKeyHeaderIsNotHeldBack) {
  Redactor r(BuiltIn(), {});
  RedactStream s(r, "-");
  std::string out;
  const std::string line = "loading -----BEGIN RSA PRIVATE KEY----- from the vault\n";
  s.Feed(line, &out);
  EXPECT_EQ(out, line);
}

const Example& PemExample(std::string_view rule) {
  for (const Example& ex : Examples())
    if (ex.rule == rule) return ex;
  static Example none;
  ADD_FAILURE() << "no example for " << rule;
  return none;
}

TEST(Redactor, PemBlockIsHeldUntilCompleteThenMaskedLineByLine) {
  Redactor r(BuiltIn(), {});
  const std::string key = PemExample("rsa-private-key").text;  // ends with '\n'
  ASSERT_TRUE(key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
  RedactStream s(r, "-");
  std::string out;
  s.Feed("before\n", &out);
  EXPECT_EQ(out, "before\n");
  // Line by line: nothing of the block is written until its END line arrives.
  size_t pos = 0, lines = 0;
  std::string block_out;
  while (pos < key.size()) {
    size_t nl = key.find('\n', pos);
    std::string line = key.substr(pos, nl + 1 - pos);
    pos = nl + 1;
    ++lines;
    std::string got;
    s.Feed(line, &got);
    if (pos < key.size()) {
      EXPECT_EQ(got, "") << "line " << lines << " written before the END line";
    }
    block_out += got;
  }
  std::string expected;
  for (size_t i = 0; i < lines; ++i) expected += "[REDACTED:rsa-private-key]\n";
  EXPECT_EQ(block_out, expected);
  s.Feed("after\n", &out);
  out.clear();
  s.Finish(&out);
  EXPECT_EQ(s.stats().secrets, 1u);
  EXPECT_EQ(s.stats().late_secrets, 0u);
}

TEST(Redactor, EveryPrivateKeyFormatIsHeldAndMaskedWithItsLineBreaks) {
  Redactor r(BuiltIn(), {});
  for (const char* rule : {"rsa-private-key", "ec-private-key", "dsa-private-key",
                           "pkcs8-private-key", "pkcs8-encrypted-private-key",
                           "openssh-private-key", "pgp-private-key", "putty-private-key"}) {
    const Example& ex = PemExample(rule);
    for (bool crlf : {false, true}) {
      std::string key = ex.text;
      if (crlf) {
        std::string c;
        for (char ch : key) c += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
        key = c;
      }
      const std::string text = "a\n" + key + (key.ends_with('\n') ? "" : "\n") + "b\n";
      std::vector<RedactedSpan> spans;
      const std::string whole = r.RedactAll(text, "-", nullptr, &spans);
      EXPECT_EQ(whole, Apply(r.db(), text, spans)) << rule;
      EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'),
                std::count(text.begin(), text.end(), '\n'))
          << rule << ": the line count changed";
      EXPECT_EQ(Stream(r, text, 0), whole) << rule << (crlf ? " CRLF" : "") << " line by line";
      EXPECT_EQ(Stream(r, text, 5), whole) << rule << (crlf ? " CRLF" : "") << " in 5-byte pieces";
      // No line of the secret survives anywhere in the output.
      ASSERT_FALSE(spans.empty()) << rule;
      std::istringstream lines(text.substr(spans[0].start, spans[0].end - spans[0].start));
      for (std::string line; std::getline(lines, line);)
        if (line.size() >= 16) {
          EXPECT_EQ(whole.find(line), std::string::npos) << rule << ": " << line;
        }
    }
  }
}

TEST(Redactor, OnlyThePrivateKeyRulesHoldLinesBackAndAllHaveAPrefixPattern) {
  Redactor r(BuiltIn(), {});
  ASSERT_FALSE(r.holds().empty());
  for (const auto& h : r.holds()) {
    EXPECT_TRUE(r.db().rules()[h.rule].rule->HasTag("private-key"))
        << r.db().rules()[h.rule].rule->id
        << " holds lines back: its secret may span lines (streaming latency for every log)";
    EXPECT_NE(h.prefixes, nullptr) << r.db().rules()[h.rule].rule->id;
  }
}

TEST(Redactor, AnUnfinishedKeyHoldsAtMostMaxHoldBytesThenGoesOut) {
  RedactOptions o;
  o.max_hold = 2048;
  Redactor r(BuiltIn(), o);
  RedactStream s(r, "-");
  std::string out;
  s.Feed("-----BEGIN RSA PRIVATE KEY-----\n", &out);
  EXPECT_EQ(out, "");
  const std::string body = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkwYWJjZGVmZ2hpamts\n";
  size_t fed = 0;
  while (out.empty() && fed < 4 * o.max_hold) {
    s.Feed(body, &out);
    fed += body.size();
  }
  EXPECT_FALSE(out.empty());
  EXPECT_LE(fed, o.max_hold + body.size());
  EXPECT_LE(s.pending(), o.max_hold + body.size());
}

// A string literal's bytes, embedded NULs included.
template <size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

// ---- Byte-for-byte elsewhere
// ----------------------------------------------------------------------

TEST(Redactor, CrlfInvalidUtf8AndNulBytesArePreserved) {
  Redactor r(BuiltIn(), {});
  const std::string pat = GithubPat();
  const std::string text = Bytes("\xff\xfe head \x80\xc3\x28 \0 x\r\n") + "tok=" + pat + "\r\n" +
                           Bytes("\xe2\x82 \0\0\r\r\n") + "a\xc3\xa9" + pat + "\xff\r\n\r\n" +
                           "no newline at end \xf0\x9f";
  const std::string want = Bytes("\xff\xfe head \x80\xc3\x28 \0 x\r\n") +
                           "tok=[REDACTED:github-pat]\r\n" + Bytes("\xe2\x82 \0\0\r\r\n") +
                           "a\xc3\xa9[REDACTED:github-pat]\xff\r\n\r\n" +
                           "no newline at end \xf0\x9f";
  EXPECT_EQ(r.RedactAll(text, "-"), want);
  for (size_t piece : {size_t{0}, size_t{1}, size_t{3}}) EXPECT_EQ(Stream(r, text, piece), want);
}

TEST(Redactor, TextWithoutSecretsComesOutIdentical) {
  Redactor r(BuiltIn(), {});
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "2024-05-01 12:00:00,123 INFO [worker-" + std::to_string(i % 8) +
            "] GET /api/v1/items/" + std::to_string(i * 7919) + " 200 " + std::to_string(i % 97) +
            "ms\n";
  RedactStats stats;
  EXPECT_EQ(Stream(r, text, 4096, "-", &stats), text);
  EXPECT_EQ(stats.secrets, 0u);
  EXPECT_EQ(stats.bytes_out, text.size());
}

TEST(Redactor, EmptyInputGivesEmptyOutput) {
  Redactor r(BuiltIn(), {});
  EXPECT_EQ(r.RedactAll("", "-"), "");
  EXPECT_EQ(Stream(r, "", 1), "");
}

// ---- Masks
// ------------------------------------------------------------------------------------------

struct MaskCase {
  std::string name;
  RedactOptions options;
  std::string secret_line;  // {} = the PAT
  std::string want;
};
void PrintTo(const MaskCase& c, std::ostream* os) { *os << c.name; }

class RedactorMaskTest : public testing::TestWithParam<MaskCase> {};

TEST_P(RedactorMaskTest, Table) {
  const MaskCase& c = GetParam();
  Redactor r(BuiltIn(), c.options);
  std::string line = c.secret_line;
  for (size_t at; (at = line.find("{}")) != std::string::npos;) line.replace(at, 2, GithubPat());
  EXPECT_EQ(r.RedactAll(line, "-"), c.want);
}

RedactOptions Mask(std::string m, size_t keep = 0) {
  RedactOptions o;
  o.mask = std::move(m);
  o.keep = keep;
  return o;
}

INSTANTIATE_TEST_SUITE_P(
    Masks, RedactorMaskTest,
    testing::Values(MaskCase{"DefaultNamesTheRule", {}, "t={}\n", "t=[REDACTED:github-pat]\n"},
                    MaskCase{"CustomMask", Mask("***"), "t={}\n", "t=***\n"},
                    MaskCase{"CustomMaskWithRulePlaceholder", Mask("<{rule}:{rule}>"), "t={};\n",
                             "t=<github-pat:github-pat>;\n"},
                    MaskCase{"KeepFour", Mask("", 4), "t={}\n", "t=ghp_[REDACTED:github-pat]\n"},
                    MaskCase{"KeepFourWithCustomMask", Mask("****", 4), "t={}\n", "t=ghp_****\n"},
                    MaskCase{"KeepIsCappedAtAQuarter", Mask("*", 30), "t={}\n", "t=ghp_aB3dE5*\n"},
                    MaskCase{"KeepZeroKeepsNothing", Mask("*", 0), "{} {}\n", "* *\n"},
                    MaskCase{"SpecificRuleNamesTheMaskNotTheGenericOne",
                             {},
                             "password = \"{}\"\n",
                             "password = \"[REDACTED:github-pat]\"\n"}),
    [](const testing::TestParamInfo<MaskCase>& p) { return p.param.name; });

TEST(Redactor, KeepNeverSplitsAUtf8Character) {
  auto db = FromToml(R"toml(
[[rules]]
id = "pw"
regex = '''pw=(\S{8,})'''
)toml");
  RedactOptions o = Mask("*", 3);
  Redactor r(db, o);
  // "é" is two bytes: three characters are 5 bytes, within a quarter of the 21-byte secret.
  EXPECT_EQ(r.RedactAll("pw=\xc3\xa9\xc3\xa9xQ7mZk2Lp9Wv4Rt8s\n", "-"), "pw=\xc3\xa9\xc3\xa9x*\n");
  // A quarter of 11 bytes is 2: the second "é" would end past it, so one character is kept.
  EXPECT_EQ(r.RedactAll("pw=\xc3\xa9\xc3\xa9xQ7mZk2L\n", "-"), "pw=\xc3\xa9*\n");
}

TEST(Redactor, MultiLineSecretKeepsOnlyOnItsFirstLine) {
  Redactor r(BuiltIn(), Mask("#", 4));
  const std::string key = PemExample("pkcs8-private-key").text;
  const std::string out = r.RedactAll(key, "-");
  EXPECT_TRUE(out.starts_with("----#\n#\n")) << out.substr(0, 40);
}

// ---- Same rules, config and allowlists ----------------------------------------------------------

constexpr std::string_view kConfig = R"toml(
[[rules]]
id = "acme"
regex = '''\b(acme_[a-z0-9]{20})\b'''
keywords = ["acme_"]
[[rules.allowlists]]
regexes = ['''acme_0{20}''']
[[rules]]
id = "npmrc-token"
regex = '''_authToken=([A-Za-z0-9]{16,})'''
path = '''\.npmrc$'''
[[allowlists]]
description = "fixtures"
paths = ['''^fixtures/''']
[[allowlists]]
stopwords = ["example"]
)toml";

TEST(Redactor, UsesTheConfigsRulesAndAllowlists) {
  Redactor r(FromToml(kConfig), {});
  const std::string tok = std::string("acme_") + "k3j9x0q7w2m5n8b1v4c6";
  const std::string zeros = std::string("acme_") + std::string(20, '0');
  const std::string stop = std::string("acme_") + "example0123456789abc";
  EXPECT_EQ(r.RedactAll("a " + tok + "\n", "app.log"), "a [REDACTED:acme]\n");
  EXPECT_EQ(r.RedactAll("a " + zeros + "\n", "app.log"), "a " + zeros + "\n") << "rule allowlist";
  EXPECT_EQ(r.RedactAll("a " + stop + "\n", "app.log"), "a " + stop + "\n") << "stopword";
  EXPECT_EQ(r.RedactAll("a " + tok + "\n", "fixtures/x.log"), "a " + tok + "\n")
      << "path allowlist";
  EXPECT_EQ(r.RedactAll("a " + GithubPat() + "\n", "app.log"), "a " + GithubPat() + "\n")
      << "a config without [extend] replaces the built-in rules";
}

TEST(Redactor, RulesWithAPathOnlyApplyAtThatPath) {
  Redactor r(FromToml(kConfig), {});
  const std::string line = "//registry/:_authToken=Zk3j9x0q7w2m5n8b1v4c6\n";
  EXPECT_EQ(r.RedactAll(line, "home/.npmrc"), "//registry/:_authToken=[REDACTED:npmrc-token]\n");
  EXPECT_EQ(r.RedactAll(line, "./home/.npmrc"), "//registry/:_authToken=[REDACTED:npmrc-token]\n");
  EXPECT_EQ(r.RedactAll(line, "notes.txt"), line);
  EXPECT_EQ(r.RedactAll(line, "-"), line);
}

TEST(Redactor, InlineAllowMarkerDoesNotUnmaskInALog) {
  Redactor r(BuiltIn(), {});
  EXPECT_EQ(r.RedactAll("t=" + GithubPat() + " # leakguard:allow\n", "-"),
            "t=[REDACTED:github-pat] # leakguard:allow\n");
}

TEST(Redactor, PlaceholdersAreNotSecrets) {
  Redactor r(BuiltIn(), {});
  const std::string line = "GITHUB_TOKEN=${GITHUB_TOKEN} api_key = \"YOUR_API_KEY\"\n";
  EXPECT_EQ(r.RedactAll(line, "-"), line);
}

// ---- Bounded memory: a 100 MB line ------------------------------------------------------------

TEST(Redactor, HundredMegabyteLineInBoundedMemoryWithEverySecretMasked) {
  Redactor r(BuiltIn(), {});
  const size_t kSize = 100u << 20;
  const std::string pat = GithubPat();
  // Log-like filler without a newline, a secret every ~1.3 MB (so some land on piece edges).
  const std::string filler = "user=alice action=GET path=/api/v1/items/42 status=200 took=12ms; ";
  std::string text, want;
  text.reserve(kSize + 64);
  want.reserve(kSize + 64);
  size_t planted = 0;
  while (text.size() < kSize) {
    text += filler;
    want += filler;
    if (text.size() % 1300000 < filler.size()) {
      text += "token=" + pat + " ";
      want += "token=[REDACTED:github-pat] ";
      ++planted;
    }
  }
  text += "\n";
  want += "\n";
  RedactStream s(r, "-");
  std::string out, chunk;
  size_t max_buffered = 0;
  for (size_t pos = 0; pos < text.size(); pos += 65536) {
    s.Feed(std::string_view(text).substr(pos, 65536), &chunk);
    max_buffered = std::max(max_buffered, s.buffered());
    out += chunk;
    chunk.clear();
  }
  s.Finish(&out);
  EXPECT_GT(planted, 70u);
  EXPECT_EQ(s.stats().secrets, planted);
  EXPECT_EQ(s.stats().late_secrets, 0u);
  EXPECT_TRUE(out == want) << "output differs (sizes " << out.size() << " vs " << want.size()
                           << ")";
  const RedactOptions& o = r.options();
  EXPECT_LE(max_buffered, o.context + o.long_line + o.max_hold + o.overlap + 65536);
}

}  // namespace
}  // namespace leakguard::scan
