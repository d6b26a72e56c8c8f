#include "match/decode.h"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

namespace leakguard::match {
namespace {

std::string B64(std::string_view in) {
  std::string out = "<keep>";
  if (!DecodeBase64(in, &out)) return "FAIL:" + out;
  return out.substr(6);
}
std::string Hex(std::string_view in) {
  std::string out;
  return DecodeHex(in, &out) ? out : "FAIL:" + out;
}
std::string Pct(std::string_view in) {
  std::string out;
  return DecodePercent(in, &out) ? out : "FAIL:" + out;
}
std::string Esc(std::string_view in) {
  std::string out;
  return DecodeEscapes(in, &out) ? out : "FAIL:" + out;
}

TEST(DecodeBase64, PaddedUnpaddedAndWrapped) {
  EXPECT_EQ(B64("aGVsbG8gd29ybGQsIHNlY3JldCE="), "hello world, secret!");
  EXPECT_EQ(B64("aGVsbG8gd29ybGQsIHNlY3JldCE"), "hello world, secret!");
  EXPECT_EQ(B64("YW55IGNhcm5hbCBwbGVhc3VyZS4="), "any carnal pleasure.");
  EXPECT_EQ(B64("YW55IGNhcm5h\n  bCBwbGVhc3Vy\r\n\tZS4="), "any carnal pleasure.");
  EXPECT_EQ(B64("YQ=="), "a");
  EXPECT_EQ(B64("YQ"), "a");
  EXPECT_EQ(B64("YWI="), "ab");
}

TEST(DecodeBase64, UrlSafeAlphabet) {
  EXPECT_EQ(B64("eCA+Pj4geSA/Pz8geiwgbW9yZSB0ZXh0IQ=="), "x >>> y ??? z, more text!");
  EXPECT_EQ(B64("eCA-Pj4geSA_Pz8geiwgbW9yZSB0ZXh0IQ=="), "x >>> y ??? z, more text!");
  EXPECT_EQ(B64("eCA-Pj4geSA/Pz8geiwgbW9yZSB0ZXh0IQ"), "FAIL:<keep>");  // both alphabets
}

TEST(DecodeBase64, InvalidInputLeavesOutputUnchanged) {
  EXPECT_EQ(B64("YW55IGNh!cm5h"), "FAIL:<keep>");
  EXPECT_EQ(B64("YQ==="), "FAIL:<keep>");     // three pads
  EXPECT_EQ(B64("YQ==YQ=="), "FAIL:<keep>");  // data after padding
  EXPECT_EQ(B64("YWJjZ"), "FAIL:<keep>");     // one dangling character
  EXPECT_EQ(B64(""), "FAIL:<keep>");
}

TEST(DecodeHex, EvenOddAndCase) {
  EXPECT_EQ(Hex("746869732069732061207365637265742074657874"), "this is a secret text");
  EXPECT_EQ(Hex("4A4b"), "JK");
  EXPECT_EQ(Hex("74686"), "FAIL:");  // odd
  EXPECT_EQ(Hex("7g"), "FAIL:");
  EXPECT_EQ(Hex(""), "FAIL:");
}

TEST(DecodePercent, EscapesTruncatedAndLiteral) {
  EXPECT_EQ(Pct("a%2Fb%2bc%3D"), "a/b+c=");
  EXPECT_EQ(Pct("100%zz%41"), "100%zzA");
  EXPECT_EQ(Pct("end%4"), "FAIL:");  // truncated %X, nothing decoded
  EXPECT_EQ(Pct("x%41%4"), "xA%4");
  EXPECT_EQ(Pct("%"), "FAIL:");
  EXPECT_EQ(Pct("plain"), "FAIL:");
}

TEST(DecodeEscapes, SimpleAndQuoted) {
  EXPECT_EQ(Esc(R"(a\nb\tc\rd\"e\'f\\g\/h\`i)"), "a\nb\tc\rd\"e'f\\g/h`i");
  EXPECT_EQ(Esc(R"(\b\f\v)"), "\b\f\v");
  EXPECT_EQ(Esc("a\\\nb"), "ab");  // line continuation
  EXPECT_EQ(Esc("plain"), "FAIL:");
}

TEST(DecodeEscapes, HexUnicodeAndSurrogates) {
  EXPECT_EQ(Esc(R"(\x67hp)"), "ghp");
  EXPECT_EQ(Esc(R"(\u0067\u00e9)"), "g\xC3\xA9");
  EXPECT_EQ(Esc(R"(\ud83d\ude00)"), "\xF0\x9F\x98\x80");  // a surrogate pair
  EXPECT_EQ(Esc(R"(\ud83dx)"), "\xEF\xBF\xBDx");          // a lone surrogate: U+FFFD
  EXPECT_EQ(Esc(R"(\ude00)"), "\xEF\xBF\xBD");
  EXPECT_EQ(Esc(R"(\u{1F600})"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(Esc(R"(\U0001F600)"), "\xF0\x9F\x98\x80");
}

TEST(DecodeEscapes, OctalAndInvalidKept) {
  EXPECT_EQ(Esc(R"(\101\60\0x)"), std::string("A0\0x", 4));
  EXPECT_EQ(Esc(R"(\400)"), " 0");                     // \40 then '0': 0400 is past a byte
  EXPECT_EQ(Esc(R"(\q\x4\u12\n)"), "\\q\\x4\\u12\n");  // unknown and truncated escapes kept
  EXPECT_EQ(Esc(R"(\q)"), "FAIL:");
  EXPECT_EQ(Esc(R"(\U00110000\n)"), "\\U00110000\n");  // past U+10FFFF
}

std::vector<std::string> Spans(std::string_view text, const DecodeLimits& limits = {}) {
  std::vector<EncodedSpan> spans;
  FindEncodedSpans(text, &spans, limits);
  std::vector<std::string> out;
  for (const auto& s : spans)
    out.push_back(std::string(EncodingName(s.encoding)) + ":" +
                  std::string(text.substr(s.start, s.end - s.start)));
  return out;
}

using Strings = std::vector<std::string>;

TEST(FindEncodedSpans, Base64RunsNeedLengthAndMixedCase) {
  EXPECT_EQ(Spans("key: aGVsbG8gd29ybGQsIHNlY3JldCE= # x"),
            Strings{"base64:aGVsbG8gd29ybGQsIHNlY3JldCE="});
  EXPECT_EQ(Spans("token=YW55IGNhcm5hbCBwbGVhc3VyZS4"),
            Strings{"base64:YW55IGNhcm5hbCBwbGVhc3VyZS4"});
  EXPECT_EQ(Spans("x = aGVsbG8gd29ybGQ"), Strings{});             // too short
  EXPECT_EQ(Spans("SOME_VERY_LONG_CONSTANT_NAME_X"), Strings{});  // one case
  EXPECT_EQ(Spans("eCA-Pj4geSA_Pz8geiwgbW9yZSB0ZXh0IQ=="),
            Strings{"base64url:eCA-Pj4geSA_Pz8geiwgbW9yZSB0ZXh0IQ=="});
  EXPECT_EQ(Spans("some/Path_with/BothAlphabets_x"), Strings{});
}

TEST(FindEncodedSpans, RunsAreFoundAtEveryOffsetAcrossBlocks) {
  // The finder looks at 64-byte blocks first, then byte by byte: a run must be found wherever it
  // starts and ends relative to the blocks, and a run one byte too short never.
  const std::string b64 = "aGVsbG8gd29ybGQsIHNlY3JldCE=";
  const std::string short_run = "aGVsbG8gd29ybGQsIHN";  // 19 characters
  for (size_t at = 0; at < 150; ++at) {
    std::string text(at, '.');
    for (size_t k = 0; k + 1 < at; k += 7) text[k] = 'x';  // short runs in the filler
    text += b64 + " " + std::string(70, ';') + short_run + "\n";
    std::vector<EncodedSpan> spans;
    FindEncodedSpans(text, &spans);
    ASSERT_EQ(spans.size(), 1u) << "at " << at;
    EXPECT_EQ(spans[0].start, at);
    EXPECT_EQ(spans[0].end, at + b64.size());
  }
}

// The reference for single-line text without '%' or '\\': every maximal alphabet run, with at
// most two '=' after it, classified byte by byte (the finder does it with SIMD masks).
Strings ReferenceRuns(std::string_view t, const DecodeLimits& limits = {}) {
  auto is_alpha = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '-' ||
           c == '_';
  };
  Strings out;
  size_t i = 0;
  while (i < t.size()) {
    if (!is_alpha(t[i])) {
      ++i;
      continue;
    }
    const size_t s = i;
    bool upper = false, lower = false, std_chars = false, url = false, non_hex = false;
    bool hex_upper = false, hex_lower = false;
    while (i < t.size() && is_alpha(t[i])) {
      const char c = t[i++];
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      std_chars |= c == '+' || c == '/';
      url |= c == '-' || c == '_';
      non_hex |= std::isalpha(static_cast<unsigned char>(c)) && std::tolower(c) > 'f';
      hex_upper |= c >= 'A' && c <= 'F';
      hex_lower |= c >= 'a' && c <= 'f';
    }
    const size_t chars = i - s;
    size_t pad = 0;
    while (i < t.size() && t[i] == '=' && pad < 2) {
      ++pad;
      ++i;
    }
    const std::string run(t.substr(s, i - s));
    if (!non_hex && !std_chars && !url && pad == 0) {
      if (chars >= limits.min_hex && chars % 2 == 0 && !(hex_upper && hex_lower))
        out.push_back("hex:" + run);
      continue;
    }
    if (chars < limits.min_base64 || chars % 4 == 1 || !upper || !lower || (std_chars && url))
      continue;
    out.push_back((url ? "base64url:" : "base64:") + run);
  }
  return out;
}

TEST(FindEncodedSpans, AgreesWithAByteByByteReferenceOnRandomText) {
  std::mt19937 rng(20261130);
  // Mostly alphabet bytes, so runs of every length and class mix occur, ending anywhere
  // relative to 32- and 64-byte blocks.
  const std::string pool =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
      "abcdef0123456789abcdef0123456789ABCDEF0123456789====  ..,;:\"'";
  // The default limits, and others: the block finder probes min(min_base64, min_hex) bytes,
  // every length from 1 to 32 takes its path (longer ones go byte by byte).
  std::vector<DecodeLimits> limits = {DecodeLimits{}};
  for (size_t len : {1u, 2u, 3u, 7u, 8u, 13u, 16u, 19u, 21u, 31u, 32u, 40u})
    limits.push_back({len, len + 4, 12});
  for (int round = 0; round < 3000; ++round) {
    std::string text(std::uniform_int_distribution<size_t>(0, 300)(rng), ' ');
    const size_t bias = std::uniform_int_distribution<size_t>(0, 2)(rng);
    for (char& c : text) {
      // Some texts draw only hex digits, some only letters, some everything.
      const size_t lo = bias == 1 ? 66 : 0, hi = bias == 2 ? 52 : pool.size();
      c = pool[std::uniform_int_distribution<size_t>(lo, hi - 1)(rng)];
    }
    const DecodeLimits& l = limits[static_cast<size_t>(round) % limits.size()];
    ASSERT_EQ(Spans(text, l), ReferenceRuns(text, l))
        << "min_base64 " << l.min_base64 << ": " << text;
  }
}

// Every byte value, at every offset of a 64-byte block and across block edges, splits a run or
// continues it exactly as the byte-by-byte reference says (the block finder classifies bytes
// with vector lookups; this covers all 256 of them, the pool above only the likely ones).
TEST(FindEncodedSpans, EveryByteValueIsClassifiedAsTheReferenceDoes) {
  std::string base;
  while (base.size() < 200) base += "Zq7xK2mP9vL4tR8w";
  for (int b = 0; b < 256; ++b) {
    if (b == '\n' || b == '\r') continue;  // may join wrapped lines, which the reference does not
    for (size_t at = 0; at < 140; ++at) {
      std::string text = base;
      text[at] = static_cast<char>(b);
      if (b % 3 == 0) text[at + 40] = static_cast<char>(b);  // two of them in some texts
      std::vector<std::string> runs = Spans(text, DecodeLimits{});
      std::erase_if(runs, [](const std::string& s) {  // `\` and `%` start spans of their own
        return s.starts_with("escape:") || s.starts_with("percent:");
      });
      ASSERT_EQ(runs, ReferenceRuns(text, DecodeLimits{})) << "byte " << b << " at " << at;
    }
  }
}

TEST(FindEncodedSpans, WrappedBase64BlockIsOneSpan) {
  const std::string text =
      "data: |\n"
      "    bGluZSBvbmUgb2YgYSBsb25nIHdyYXBwZWQgdGV4\n"
      "    dCBibG9jayB0aGF0IG5lZWRzIG1vcmUgdGhhbiBm\n"
      "    b3J0eS1laWdodCBieXRlcyB0byB3cmFw\n"
      "other: x\n";
  std::vector<EncodedSpan> spans;
  FindEncodedSpans(text, &spans);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].start, text.find("bGlu"));
  EXPECT_EQ(spans[0].end, text.find("cmFw") + 4);
  std::string out;
  ASSERT_TRUE(DecodeSpan(text, spans[0], &out));
  EXPECT_EQ(out,
            "line one of a long wrapped text block that needs more than forty-eight bytes to "
            "wrap");
}

TEST(FindEncodedSpans, HexRunsAreEvenOneCaseAndLong) {
  EXPECT_EQ(Spans("h=746869732069732061207365637265742074657874;"),
            Strings{"hex:746869732069732061207365637265742074657874"});
  EXPECT_EQ(Spans("h=74686973206973206120736563726574207465787;"), Strings{});  // odd
  EXPECT_EQ(Spans("h=7468697320697320612073656372657420746578;"),
            Strings{"hex:7468697320697320612073656372657420746578"});
  EXPECT_EQ(Spans("h=74686973206973206120736563726574aBcD;"), Strings{});  // mixed case
  EXPECT_EQ(Spans("h=7468697320697320612073656372;"), Strings{});          // short
}

TEST(FindEncodedSpans, PercentRuns) {
  EXPECT_EQ(Spans("url = \"https://x.io/?k=a%2Fb%2Bc\" end"),
            Strings{"percent:https://x.io/?k=a%2Fb%2Bc"});
  EXPECT_EQ(Spans("printf(\"%d items, 100%\")"), Strings{});
  EXPECT_EQ(Spans("x %4"), Strings{});
}

TEST(FindEncodedSpans, EscapesInsideQuotedStrings) {
  EXPECT_EQ(Spans(R"js(const t = "tok \x67hp_value here"; const u = 'a\nb';)js"),
            Strings{R"(escape:tok \x67hp_value here)"});
  EXPECT_EQ(Spans(R"({"k": "{\"password\": \"value1234\"}"})"),
            Strings{R"(escape:{\"password\": \"value1234\"})"});
  EXPECT_EQ(Spans(R"(printf("long enough text but only\n");)"), Strings{});  // \n only
  EXPECT_EQ(Spans(R"(x = "a\x41")"), Strings{});                             // short
}

TEST(DecodeSpan, RejectsUnprintableAndIdentifiers) {
  std::string out = "k";
  // A camelCase identifier is valid base64 but decodes to binary.
  const std::string ident = "kInlineAllowMarkersForTests";
  std::vector<EncodedSpan> spans;
  FindEncodedSpans(ident, &spans);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_FALSE(DecodeSpan(ident, spans[0], &out));
  EXPECT_EQ(out, "k");
  // A SHA-256 hex digest decodes to binary.
  const std::string sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  EXPECT_FALSE(DecodeSpan(sha, {0, sha.size(), Encoding::kHex}, &out));
  EXPECT_EQ(out, "k");
}

// A base64 line ("hello world, secret!") and a hex line ("this is a secret text").
constexpr std::string_view kBase64AndHexLines =
    "a: aGVsbG8gd29ybGQsIHNlY3JldCE=\nb: 746869732069732061207365637265742074657874\n";

TEST(DecodeSpans, JoinsPiecesWithNewlinesAndRecordsOffsets) {
  const std::string text(kBase64AndHexLines);
  std::string out;
  std::vector<DecodedPiece> pieces;
  size_t budget = 1000;
  EXPECT_TRUE(DecodeSpans(text, &budget, &out, &pieces));
  EXPECT_EQ(out, "hello world, secret!\nthis is a secret text\n");
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].src_start, 3u);
  EXPECT_EQ(pieces[0].src_end, 31u);
  EXPECT_EQ(pieces[0].out_start, 0u);
  EXPECT_EQ(pieces[0].out_end, 20u);
  EXPECT_EQ(pieces[0].encoding, Encoding::kBase64);
  EXPECT_EQ(pieces[1].src_start, 35u);
  EXPECT_EQ(pieces[1].out_start, 21u);
  EXPECT_EQ(pieces[1].out_end, 42u);
  EXPECT_EQ(pieces[1].encoding, Encoding::kHex);
  EXPECT_EQ(budget, 1000u - 20 - 21);
}

TEST(DecodeSpans, StopsAtTheBudget) {
  const std::string text(kBase64AndHexLines);
  std::string out;
  std::vector<DecodedPiece> pieces;
  size_t budget = 30;
  EXPECT_FALSE(DecodeSpans(text, &budget, &out, &pieces));
  EXPECT_EQ(out, "hello world, secret!\n");
  EXPECT_EQ(pieces.size(), 1u);
  EXPECT_EQ(budget, 10u);
}

TEST(DecodeSpans, HugeInputStaysWithinBudget) {
  // 1 MiB of base64-encoded text: the decodings kept never pass the budget given.
  std::string text;
  while (text.size() < (1u << 20)) text += "aGVsbG8gd29ybGQsIHNlY3JldCE= ";
  std::string out;
  std::vector<DecodedPiece> pieces;
  size_t budget = 100'000;
  EXPECT_FALSE(DecodeSpans(text, &budget, &out, &pieces));
  EXPECT_EQ(pieces.size(), 100'000u / 20);
  EXPECT_EQ(budget, 0u);
  EXPECT_EQ(out.size(), pieces.size() * 21);
}

}  // namespace
}  // namespace leakguard::match
