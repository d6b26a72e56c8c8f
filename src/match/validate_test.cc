// Offline validity checks (validate.h) and their effect in the matcher: confidence, the
// "checksum" drop, --min-confidence.
#include "match/validate.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include "match/matcher.h"
#include "rules/loader.h"

namespace leakguard::match {
namespace {

// Fake tokens made for these tests: 30 random base62 chars + the base62 CRC32 of them.
constexpr std::string_view kGhp = "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";
constexpr std::string_view kNpm = "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";

std::string Base64Url(std::string_view bin) {
  static constexpr char kAlpha[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : bin) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlpha[(buf >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlpha[(buf << (6 - bits)) & 63];
  return out;
}

TEST(Validate, Base62PadsAndEncodes) {
  EXPECT_EQ(Base62(0, 6), "000000");
  EXPECT_EQ(Base62(61, 6), "00000z");
  EXPECT_EQ(Base62(62, 2), "10");
  EXPECT_EQ(Base62(0xffffffffu, 6), "4gfFC3");
}

TEST(Validate, GitHubAndNpmCrc32) {
  EXPECT_EQ(Validate(ValidatorId::kBase62Crc32, kGhp).validity, Validity::kValid);
  EXPECT_EQ(Validate(ValidatorId::kBase62Crc32, kNpm).validity, Validity::kValid);
  std::string bad(kGhp);
  bad.back() = bad.back() == 'a' ? 'b' : 'a';
  Validation v = Validate(ValidatorId::kBase62Crc32, bad);
  EXPECT_EQ(v.validity, Validity::kInvalid);
  EXPECT_EQ(v.reason, "CRC32 checksum mismatch");
  std::string swapped(kGhp);
  std::swap(swapped[5], swapped[6]);  // body changed, checksum kept
  EXPECT_EQ(Validate(ValidatorId::kBase62Crc32, swapped).validity, Validity::kInvalid);
  // ghr_ refresh tokens also come 76 chars long, without a checksum we know of.
  EXPECT_EQ(Validate(ValidatorId::kBase62Crc32, std::string(kGhp) + std::string(40, 'a')).validity,
            Validity::kUnchecked);
}

std::string Field(int type, std::string_view data) {
  std::string f;
  f += static_cast<char>(type);
  f += static_cast<char>(data.size());  // < 128: one varint byte
  f += data;
  return f;
}

std::string Macaroon(std::string_view location, bool with_signature = true) {
  std::string m(1, '\x02');
  m += Field(1, location);
  m += Field(2, "ident-0123456789abcdef");
  m += '\0';
  m += Field(2, "{\"version\": 1, \"permissions\": \"user\"}");
  m += '\0';
  m += '\0';
  if (with_signature) m += Field(6, std::string(32, '\x5a'));
  return m;
}

TEST(Validate, PypiMacaroonStructure) {
  std::string token = "pypi-" + Base64Url(Macaroon("pypi.org"));
  EXPECT_TRUE(token.starts_with("pypi-AgEIcHlwaS5vcmc")) << token;
  Validation v = Validate(ValidatorId::kPypiMacaroon, token, {}, true);
  EXPECT_EQ(v.validity, Validity::kValid) << v.reason;
  EXPECT_EQ(v.info, "pypi.org");
  EXPECT_EQ(
      Validate(ValidatorId::kPypiMacaroon, "pypi-" + Base64Url(Macaroon("test.pypi.org"))).validity,
      Validity::kValid);
  v = Validate(ValidatorId::kPypiMacaroon, "pypi-" + Base64Url(Macaroon("evil.example")));
  EXPECT_EQ(v.validity, Validity::kInvalid);
  EXPECT_EQ(v.reason, "macaroon location is not pypi.org");
  v = Validate(ValidatorId::kPypiMacaroon, "pypi-" + Base64Url(Macaroon("pypi.org", false)));
  EXPECT_EQ(v.validity, Validity::kInvalid);
  // The documented prefix followed by random base64url is not a macaroon.
  v = Validate(ValidatorId::kPypiMacaroon,
               "pypi-AgEIcHlwaS5vcmcCJc3kyqgAseJzNrPkvUpJUyXSorQMQ6TTSSk8oj-2dG4ESr3DFZeLpncp");
  EXPECT_EQ(v.validity, Validity::kInvalid);
}

TEST(Validate, JwtHeaderAndPayloadAreJson) {
  std::string jwt = Base64Url(R"({"alg":"HS256","typ":"JWT"})") + "." +
                    Base64Url(R"({"sub":"1234","name":"Test"})") + "." +
                    Base64Url(std::string(32, '\x11'));
  Validation v = Validate(ValidatorId::kJwt, jwt, {}, true);
  EXPECT_EQ(v.validity, Validity::kValid);
  EXPECT_EQ(v.info, "alg HS256");
  std::string no_alg = Base64Url(R"({"typ":"JWT"})") + "." + Base64Url(R"({"a":1})") + ".sig";
  EXPECT_EQ(Validate(ValidatorId::kJwt, no_alg).validity, Validity::kInvalid);
  std::string not_json = Base64Url("{not json") + "." + Base64Url(R"({"a":1})") + ".sig";
  EXPECT_EQ(Validate(ValidatorId::kJwt, not_json).validity, Validity::kInvalid);
  EXPECT_EQ(Validate(ValidatorId::kJwt, "eyJhbGciOi").validity, Validity::kInvalid);
}

TEST(Validate, SlackStripeTwilioShapes) {
  EXPECT_EQ(
      Validate(ValidatorId::kSlack, "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")
          .validity,
      Validity::kValid);
  EXPECT_EQ(Validate(ValidatorId::kSlack,
                     "xoxp-123456789012-123456789012-123456789012-0123456789abcdef0123456789abcdef")
                .validity,
            Validity::kValid);
  EXPECT_EQ(Validate(ValidatorId::kSlack, "xoxb-12-34-short").validity, Validity::kUnchecked);
  Validation s = Validate(ValidatorId::kStripe, "sk_live_4eC39HqLyjWDarjtT1zdp7dc", {}, true);
  EXPECT_EQ(s.validity, Validity::kValid);
  EXPECT_EQ(s.info, "live mode");
  EXPECT_EQ(Validate(ValidatorId::kStripe, "sk_test_4eC39HqLyjWDarjtT1zd").validity,
            Validity::kUnchecked);
  EXPECT_EQ(Validate(ValidatorId::kTwilio, "SK0123456789abcdef0123456789abcdef").validity,
            Validity::kValid);
  EXPECT_EQ(Validate(ValidatorId::kTwilio, "SK0123456789ABCDEF0123456789ABCDEF").validity,
            Validity::kInvalid);
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// A fresh key made by the test, as PEM (PKCS#8, or encrypted PKCS#8 with a passphrase).
std::string FreshPem(bool encrypted) {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  EXPECT_TRUE(key);
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  char pass[] = "test-passphrase";
  if (encrypted)
    PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(), pass, sizeof pass - 1,
                                  nullptr, nullptr);
  else
    PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

TEST(Validate, PrivateKeysThatOpenSslReads) {
  std::string pem = FreshPem(false);
  Validation v = Validate(ValidatorId::kPrivateKey, pem, {}, true);
  EXPECT_EQ(v.validity, Validity::kValid) << v.reason;
  EXPECT_EQ(v.info, "id-ecPublicKey 256-bit");
  // As found in JSON or YAML: "\n" escapes, indentation.
  std::string escaped, indented;
  for (char c : pem) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  for (char c : pem) indented += c == '\n' ? std::string("\n    ") : std::string(1, c);
  // Without info (the matcher's per-candidate call) only OpenSSL's DER parse runs.
  Validation cheap = Validate(ValidatorId::kPrivateKey, pem);
  EXPECT_EQ(cheap.validity, Validity::kValid);
  EXPECT_EQ(cheap.reason, "the key's DER structure parses");
  EXPECT_EQ(v.reason, "OpenSSL reads the key");
  EXPECT_EQ(Validate(ValidatorId::kPrivateKey, escaped).validity, Validity::kValid);
  EXPECT_EQ(Validate(ValidatorId::kPrivateKey, "    " + indented).validity, Validity::kValid);
  Validation enc = Validate(ValidatorId::kPrivateKey, FreshPem(true), {}, true);
  EXPECT_EQ(enc.validity, Validity::kValid) << enc.reason;
  EXPECT_EQ(enc.info, "encrypted");
  // Placeholders and truncations.
  EXPECT_EQ(Validate(ValidatorId::kPrivateKey,
                     "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...your key here...\n"
                     "-----END RSA PRIVATE KEY-----")
                .validity,
            Validity::kInvalid);
  EXPECT_EQ(
      Validate(ValidatorId::kPrivateKey,
               "-----BEGIN PRIVATE KEY-----\nSGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEga2V5IGF0IGFsbA==\n"
               "-----END PRIVATE KEY-----")
          .validity,
      Validity::kInvalid);
  std::string truncated = pem.substr(0, pem.find('\n', 40)) + "\n-----END PRIVATE KEY-----\n";
  EXPECT_EQ(Validate(ValidatorId::kPrivateKey, truncated).validity, Validity::kUnchecked);
}

std::string SshString(std::string_view s) {
  std::string out(4, '\0');
  out[0] = static_cast<char>(s.size() >> 24);
  out[1] = static_cast<char>(s.size() >> 16);
  out[2] = static_cast<char>(s.size() >> 8);
  out[3] = static_cast<char>(s.size());
  return out + std::string(s);
}

std::string Base64(std::string_view bin) {
  std::string u = Base64Url(bin);
  for (char& c : u) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (u.size() % 4) u += '=';
  return u;
}

TEST(Validate, OpenSshContainer) {
  std::string pub = SshString("ssh-ed25519") + SshString(std::string(32, '\x07'));
  std::string body = std::string("openssh-key-v1\0", 15) + SshString("none") + SshString("none") +
                     SshString("") + std::string("\0\0\0\1", 4) + SshString(pub) +
                     SshString(std::string(64, '\x33'));
  std::string pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Base64(body) +
                    "\n-----END OPENSSH PRIVATE KEY-----";
  Validation v = Validate(ValidatorId::kOpenSshKey, pem, {}, true);
  EXPECT_EQ(v.validity, Validity::kValid) << v.reason;
  EXPECT_EQ(v.info, "ssh-ed25519");
  std::string magic_only = "-----BEGIN OPENSSH PRIVATE KEY-----\n" +
                           Base64(std::string("openssh-key-v1\0garbage", 22)) +
                           "\n-----END OPENSSH PRIVATE KEY-----";
  EXPECT_EQ(Validate(ValidatorId::kOpenSshKey, magic_only).validity, Validity::kUnchecked);
  std::string no_magic = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Base64("not a key at all") +
                         "\n-----END OPENSSH PRIVATE KEY-----";
  EXPECT_EQ(Validate(ValidatorId::kOpenSshKey, no_magic).validity, Validity::kInvalid);
}

TEST(Validate, GcpServiceAccountNeedsItsFields) {
  std::string pem = FreshPem(false), escaped;
  for (char c : pem) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  std::string json = R"({"type": "service_account", "project_id": "demo", "private_key": ")" +
                     escaped + R"(", "client_email": "ci@demo.iam.gserviceaccount.com"})";
  Validation v = Validate(ValidatorId::kGcpServiceAccount, escaped, json, true);
  EXPECT_EQ(v.validity, Validity::kValid) << v.reason;
  EXPECT_EQ(v.info, "client_email ci@demo.iam.gserviceaccount.com");
  EXPECT_EQ(Validate(ValidatorId::kGcpServiceAccount, escaped, R"({"private_key": "x"})").validity,
            Validity::kUnchecked);
}

TEST(Validate, AwsKeyIdDecodesToAccount) {
  // The example key id of Aidan Steele's and Tal Be'ery's published analysis.
  EXPECT_EQ(AwsAccountFromKeyId("ASIAY34FZKBOKMUTVV7A"), "609629065308");
  Validation v = Validate(ValidatorId::kAwsAccessKeyId, "ASIAY34FZKBOKMUTVV7A", {}, true);
  EXPECT_EQ(v.validity, Validity::kValid);
  EXPECT_EQ(v.info, "account 609629065308");
  // Older key ids (first body bit 0) carry no account.
  EXPECT_EQ(AwsAccountFromKeyId("AKIAIOSFODNN7EXAMPLE"), std::nullopt);
  EXPECT_EQ(Validate(ValidatorId::kAwsAccessKeyId, "AKIA0123456789ABCDEF").validity,
            Validity::kInvalid);
}

TEST(Validate, NamesRoundTrip) {
  for (std::string_view n :
       {"base62-crc32", "pypi-macaroon", "jwt", "slack", "stripe", "twilio", "private-key",
        "openssh-private-key", "gcp-service-account", "aws-access-key-id"}) {
    auto id = ParseValidator(n);
    ASSERT_TRUE(id.has_value()) << n;
    EXPECT_EQ(ValidatorName(*id), n);
  }
  EXPECT_FALSE(ParseValidator("crc").has_value());
  EXPECT_EQ(ParseConfidence("medium"), Confidence::kMedium);
  EXPECT_FALSE(ParseConfidence("certain").has_value());
}

// ---- In the matcher.

std::shared_ptr<const RulesDatabase> Build(std::string_view toml) {
  std::vector<std::string> warnings;
  auto set = rules::LoadConfigText(toml, "test.toml", &warnings);
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().message());
  auto db = RulesDatabase::Build(std::move(*set), &warnings);
  EXPECT_TRUE(db.has_value()) << (db ? "" : db.error().message());
  return *db;
}

constexpr std::string_view kRules = R"toml(
[[rules]]
id = "gh"
regex = '''\b(ghp_[0-9A-Za-z]{36})\b'''
keywords = ["ghp_"]
tags = ["github", "vcs"]
validator = "base62-crc32"

[[rules]]
id = "assigned"
regex = '''token\s*=\s*"([^"]{16,})"'''
keywords = ["token"]
tags = ["generic"]

[[rules]]
id = "tok"
regex = '''\b(tok_[a-z0-9]{12})\b'''
keywords = ["tok_"]
confidence = "low"
)toml";

struct Seen {
  std::string rule;
  DropReason drop;
  Confidence confidence;
  bool operator==(const Seen&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << s.rule << "/" << DropReasonName(s.drop) << "/" << ConfidenceName(s.confidence);
}

std::vector<Seen> RunMatcher(const std::shared_ptr<const RulesDatabase>& db, std::string_view text,
                             MatcherOptions o = {}) {
  Matcher m(db, o);
  std::vector<Candidate> out;
  m.Scan(text, &out);
  std::vector<Seen> seen;
  for (const auto& c : out) seen.push_back({db->rules()[c.rule].rule->id, c.drop, c.confidence});
  return seen;
}

TEST(ValidateInMatcher, ConfidenceComesFromTheCheckTheTagsOrTheRule) {
  auto db = Build(kRules);
  std::string text = "a = " + std::string(kGhp) + "\nkey tok_a1b2c3d4e5f6\n";
  EXPECT_EQ(RunMatcher(db, text),
            (std::vector<Seen>{{"gh", DropReason::kNone, Confidence::kHigh},
                               {"tok", DropReason::kNone, Confidence::kLow}}));
  EXPECT_EQ(RunMatcher(db, "token = \"Zq8vLr2mXw4pTn6kJd9s\"\n"),
            (std::vector<Seen>{{"assigned", DropReason::kNone, Confidence::kLow}}));
}

TEST(ValidateInMatcher, FailedChecksumIsDroppedAsChecksum) {
  auto db = Build(kRules);
  std::string bad(kGhp);
  bad.back() = bad.back() == 'a' ? 'b' : 'a';
  // The candidate is kept (dropped) so the scanner can keep generic rules off the same bytes.
  auto seen = RunMatcher(db, "x " + bad + "\n");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].drop, DropReason::kChecksum);
}

TEST(ValidateInMatcher, MinConfidenceDropsBelowIt) {
  auto db = Build(kRules);
  std::string text = "a = " + std::string(kGhp) + "\nkey tok_a1b2c3d4e5f6\n";
  MatcherOptions o;
  o.min_confidence = Confidence::kHigh;
  EXPECT_EQ(RunMatcher(db, text, o),
            (std::vector<Seen>{{"gh", DropReason::kNone, Confidence::kHigh}}));
  o.keep_dropped = true;
  EXPECT_EQ(RunMatcher(db, text, o),
            (std::vector<Seen>{{"gh", DropReason::kNone, Confidence::kHigh},
                               {"tok", DropReason::kConfidence, Confidence::kLow}}));
}

TEST(ValidateInMatcher, UnknownValidatorOrConfidenceIsAConfigError) {
  std::vector<std::string> warnings;
  auto set = rules::LoadConfigText(
      "[[rules]]\nid = \"x\"\nregex = '''x_[a-z]{9}'''\nkeywords = [\"x_\"]\nvalidator = \"crc\"\n",
      "bad.toml", &warnings);
  ASSERT_TRUE(set.has_value());
  auto db = RulesDatabase::Build(std::move(*set), &warnings);
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().message(),
            "bad.toml:1: rule 'x': unknown validator 'crc' (known: base62-crc32, pypi-macaroon, "
            "jwt, slack, stripe, twilio, private-key, openssh-private-key, gcp-service-account, "
            "aws-access-key-id)");
  auto bad = rules::LoadConfigText(
      "[[rules]]\nid = \"x\"\nregex = '''x_[a-z]{9}'''\nconfidence = \"sure\"\n", "bad.toml",
      &warnings);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(),
            "bad.toml:4: rule 'x': confidence must be \"low\", \"medium\" or \"high\"");
}

}  // namespace
}  // namespace leakguard::match
