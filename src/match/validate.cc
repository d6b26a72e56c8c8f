#include "match/validate.h"

#include <fmt/core.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <zlib.h>

#include <array>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>

namespace leakguard::match {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

struct Named {
  ValidatorId id;
  std::string_view name;
};
constexpr std::array<Named, 10> kValidators = {{
    {ValidatorId::kBase62Crc32, "base62-crc32"},
    {ValidatorId::kPypiMacaroon, "pypi-macaroon"},
    {ValidatorId::kJwt, "jwt"},
    {ValidatorId::kSlack, "slack"},
    {ValidatorId::kStripe, "stripe"},
    {ValidatorId::kTwilio, "twilio"},
    {ValidatorId::kPrivateKey, "private-key"},
    {ValidatorId::kOpenSshKey, "openssh-private-key"},
    {ValidatorId::kGcpServiceAccount, "gcp-service-account"},
    {ValidatorId::kAwsAccessKeyId, "aws-access-key-id"},
}};

bool AllOf(std::string_view s, int (*pred)(int)) {
  for (unsigned char c : s)
    if (!pred(c)) return false;
  return !s.empty();
}
int IsLowerHex(int c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); }
int IsDigit(int c) { return std::isdigit(c); }
int IsAlnum(int c) { return std::isalnum(c); }

Validation Valid(std::string_view reason, std::string info = {}) {
  return {Validity::kValid, reason, std::move(info)};
}
Validation Invalid(std::string_view reason) { return {Validity::kInvalid, reason, {}}; }
Validation Unchecked(std::string_view reason) { return {Validity::kUnchecked, reason, {}}; }

// ---- GitHub / npm: prefix_ + 30 base62 chars + base62(CRC32(those 30 chars)) in 6 chars.
Validation CheckBase62Crc32(std::string_view t) {
  if (t.size() != 40 || t[3] != '_') return Unchecked("no checksum in this token variant");
  std::string_view body = t.substr(4, 30), sum = t.substr(34);
  if (!AllOf(t.substr(4), IsAlnum)) return Invalid("not base62");
  uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  if (Base62(static_cast<uint32_t>(crc), 6) != sum) return Invalid("CRC32 checksum mismatch");
  return Valid("CRC32 checksum matches");
}

// ---- PyPI: "pypi-" + base64url(v2 binary macaroon). Layout (libmacaroons "v2"): version byte 2;
// fields of (type varint, length varint, data), a section ending with an end-of-section 0:
// header [location(1)] identifier(2) EOS; caveats, each [location] identifier [vid(4)] EOS; EOS;
// signature(6) of 32 bytes.
struct Reader {
  std::string_view d;
  size_t p = 0;
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && p < d.size(); shift += 7) {
      auto b = static_cast<unsigned char>(d[p++]);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Bytes(uint64_t n, std::string_view* out) {
    if (n > d.size() - p) return false;
    *out = d.substr(p, n);
    p += n;
    return true;
  }
  bool U32(uint32_t* v) {
    if (d.size() - p < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) *v = (*v << 8) | static_cast<unsigned char>(d[p++]);
    return true;
  }
  bool SshString(std::string_view* out) {
    uint32_t n;
    return U32(&n) && Bytes(n, out);
  }
};

// Reads fields up to an end-of-section marker; `location`/`identifier` get those fields.
bool MacaroonSection(Reader* r, std::string_view* location, std::string_view* identifier,
                     bool* eos_only) {
  *eos_only = true;
  int last = 0;
  for (;;) {
    uint64_t type;
    if (!r->Varint(&type)) return false;
    if (type == 0) return true;
    *eos_only = false;
    if (type <= static_cast<uint64_t>(last) || type > 4) return false;  // increasing, known
    last = static_cast<int>(type);
    uint64_t len;
    std::string_view data;
    if (!r->Varint(&len) || !r->Bytes(len, &data)) return false;
    if (type == 1 && location) *location = data;
    if (type == 2 && identifier) *identifier = data;
  }
}

Validation CheckPypi(std::string_view t) {
  if (!t.starts_with("pypi-")) return Invalid("no pypi- prefix");
  auto bin = DecodeBase64Any(t.substr(5));
  if (!bin) return Invalid("not base64url");
  Reader r{*bin};
  if (bin->empty() || (*bin)[0] != 2) return Invalid("not a version 2 macaroon");
  r.p = 1;
  std::string_view location, identifier;
  bool empty;
  if (!MacaroonSection(&r, &location, &identifier, &empty) || identifier.empty())
    return Invalid("macaroon header does not parse");
  if (location != "pypi.org" && location != "test.pypi.org")
    return Invalid("macaroon location is not pypi.org");
  for (int caveats = 0;; ++caveats) {
    if (caveats > 256) return Invalid("macaroon has too many caveats");
    std::string_view cid;
    if (!MacaroonSection(&r, nullptr, &cid, &empty))
      return Invalid("macaroon caveat does not parse");
    if (empty) break;
    if (cid.empty()) return Invalid("macaroon caveat without an identifier");
  }
  uint64_t type, len;
  std::string_view sig;
  if (!r.Varint(&type) || type != 6 || !r.Varint(&len) || len != 32 || !r.Bytes(len, &sig) ||
      r.p != bin->size())
    return Invalid("macaroon signature missing or malformed");
  return Valid("macaroon structure parses", std::string(location));
}

// ---- JWT: base64url(JSON header) . base64url(JSON payload) . signature.
Validation CheckJwt(std::string_view t, bool want_info) {
  size_t d1 = t.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : t.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return Invalid("not three dot-separated parts");
  auto header = DecodeBase64Any(t.substr(0, d1));
  auto payload = DecodeBase64Any(t.substr(d1 + 1, d2 - d1 - 1));
  if (!header || !payload) return Invalid("header or payload is not base64url");
  auto h = nlohmann::json::parse(*header, nullptr, false);
  auto p = nlohmann::json::parse(*payload, nullptr, false);
  if (!h.is_object() || !p.is_object()) return Invalid("header or payload is not a JSON object");
  auto alg = h.find("alg");
  if (alg == h.end() || !alg->is_string()) return Invalid("header has no \"alg\"");
  std::string info;
  if (want_info) info = "alg " + alg->get<std::string>();
  return Valid("header and payload are JSON", std::move(info));
}

// ---- Slack: xoxb-<team>-<user>-<secret>, xoxp-<team>-<user>-<app>-<32 hex>,
// xapp-<n>-<app id>-<digits>-<64 hex>.
Validation CheckSlack(std::string_view t) {
  std::array<std::string_view, 8> seg;
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= t.size() && n < seg.size(); ++i)
    if (i == t.size() || t[i] == '-') {
      seg[n++] = t.substr(start, i - start);
      start = i + 1;
    }
  auto ids = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i)
      if (!AllOf(seg[i], IsDigit) || seg[i].size() < 8 || seg[i].size() > 14) return false;
    return true;
  };
  if (seg[0] == "xoxb" && (n == 4 || n == 3) && ids(1, n - 1) && seg[n - 1].size() >= 24 &&
      AllOf(seg[n - 1], IsAlnum))
    return Valid("team/user ids and secret have the bot-token shape");
  if (seg[0] == "xoxp" && n == 5 && ids(1, 4) && seg[4].size() == 32 && AllOf(seg[4], IsLowerHex))
    return Valid("team/user/app ids and 32-hex secret have the user-token shape");
  if (seg[0] == "xapp" && n == 5 && AllOf(seg[1], IsDigit) && AllOf(seg[2], IsAlnum) &&
      AllOf(seg[3], IsDigit) && seg[4].size() == 64 && AllOf(seg[4], IsLowerHex))
    return Valid("app-level token shape");
  return Unchecked("not a Slack shape with a known structure");
}

// ---- Stripe: (sk|rk|pk)_(live|test)_ + alphanumeric body: 24 chars (older keys) or 99 chars
// (current keys, starting with the account's "51").
Validation CheckStripe(std::string_view t, bool want_info) {
  if (t.size() < 8 || t[2] != '_') return Unchecked("not a Stripe key");
  bool live = t.substr(3).starts_with("live_"), test = t.substr(3).starts_with("test_");
  if (!live && !test) return Unchecked("no mode");
  std::string_view body = t.substr(8);
  if (!AllOf(body, IsAlnum)) return Invalid("body is not alphanumeric");
  if (body.size() != 24 && body.size() != 99) return Unchecked("body length not documented");
  return Valid("mode and body length are Stripe's",
               want_info ? (live ? "live mode" : "test mode") : "");
}

// ---- Twilio: SK (API key SID) or AC (account SID) + 32 lower-case hex.
Validation CheckTwilio(std::string_view t) {
  if (t.size() == 34 && (t.starts_with("SK") || t.starts_with("AC")) &&
      AllOf(t.substr(2), IsLowerHex))
    return Valid("SID shape");
  if (t.size() == 32 && AllOf(t, IsLowerHex)) return Valid("32 lower-case hex");
  return Invalid("not a Twilio SID or secret shape");
}

// A PEM block as found in text: lines may be indented, quoted with "\n" escapes, or joined.
std::string NormalizePem(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
      if (s[i + 1] == 'n') out += '\n';
      ++i;
      continue;
    }
    if (c == '\r' || c == '"' || c == '\'') continue;
    out += c;
  }
  // Strip indentation at each line start.
  std::string clean;
  clean.reserve(out.size());
  bool at_start = true;
  for (char c : out) {
    if (at_start && (c == ' ' || c == '\t')) continue;
    clean += c;
    at_start = c == '\n';
  }
  return clean;
}

// The base64 body of a PEM block (between the BEGIN and END lines, minus RFC 1421 headers).
std::optional<std::string> PemBody(std::string_view pem, bool* has_headers) {
  size_t b = pem.find("-----BEGIN ");
  if (b == std::string_view::npos) return std::nullopt;
  size_t body = pem.find('\n', b);
  size_t end = pem.find("-----END ", b);
  if (body == std::string_view::npos || end == std::string_view::npos || end < body)
    return std::nullopt;
  std::string_view text = pem.substr(body + 1, end - body - 1);
  *has_headers = text.find(':') != std::string_view::npos;
  if (*has_headers) {  // Proc-Type/DEK-Info headers end at the first blank line
    size_t blank = text.find("\n\n");
    if (blank == std::string_view::npos) return std::nullopt;
    text = text.substr(blank + 2);
  }
  return DecodeBase64Any(text, true);
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
int NoPassword(char*, int, int, void*) { return -1; }

Validation CheckOpenSsh(std::string_view secret, bool want_info);

Validation CheckPrivateKey(std::string_view secret, bool want_info) {
  // Rules for "any private key" see OpenSSH and PGP blocks too.
  if (secret.find("BEGIN OPENSSH PRIVATE KEY") != std::string_view::npos)
    return CheckOpenSsh(secret, want_info);
  if (secret.find("BEGIN PGP ") != std::string_view::npos)
    return Unchecked("PGP key blocks are not checked");
  std::string pem = NormalizePem(secret);
  bool headers = false;
  auto der = PemBody(pem, &headers);
  if (!der) return Invalid("PEM body is not base64");
  if (headers) return Unchecked("legacy encrypted PEM: the body is ciphertext");
  if (der->size() < 16 || static_cast<unsigned char>((*der)[0]) != 0x30)
    return Invalid("PEM body is not DER");
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos) {
    const auto* p = reinterpret_cast<const unsigned char*>(der->data());
    X509_SIG* sig = d2i_X509_SIG(nullptr, &p, static_cast<long>(der->size()));
    if (!sig) return Unchecked("encrypted PKCS#8 structure does not parse");
    X509_SIG_free(sig);
    return Valid("encrypted PKCS#8 structure parses", want_info ? "encrypted" : "");
  }
  // The check: OpenSSL's ASN.1 parser reads the body as one DER SEQUENCE, to its last byte (a
  // truncated, padded or made-up body does not). Cheap: OpenSSL 3's key decoders cost about
  // 0.5 ms a key, so they run only for reported findings, to name the key type (want_info).
  {
    const auto* p = reinterpret_cast<const unsigned char*>(der->data());
    const auto* end = p + der->size();
    ASN1_SEQUENCE_ANY* seq = d2i_ASN1_SEQUENCE_ANY(nullptr, &p, static_cast<long>(der->size()));
    const bool whole = seq != nullptr && p == end;
    if (seq) sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
    while (ERR_get_error() != 0) {
    }
    if (!whole) return Unchecked("DER inside, but it does not parse (truncated?)");
  }
  if (!want_info) return Valid("the key's DER structure parses");
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Valid("the key's DER structure parses");
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  while (ERR_get_error() != 0) {
  }
  if (!key) return Valid("the key's DER structure parses", "OpenSSL does not read it as a key");
  const char* type = OBJ_nid2sn(EVP_PKEY_get_base_id(key.get()));
  return Valid("OpenSSL reads the key",
               fmt::format("{} {}-bit", type ? type : "key", EVP_PKEY_get_bits(key.get())));
}

Validation CheckOpenSsh(std::string_view secret, bool want_info) {
  std::string pem = NormalizePem(secret);
  bool headers = false;
  auto bin = PemBody(pem, &headers);
  if (!bin) return Invalid("body is not base64");
  constexpr std::string_view kMagic("openssh-key-v1\0", 15);
  if (!std::string_view(*bin).starts_with(kMagic)) return Invalid("no openssh-key-v1 magic");
  Reader r{*bin, kMagic.size()};
  std::string_view cipher, kdf, kdfopts, pub, type;
  uint32_t nkeys = 0;
  if (!r.SshString(&cipher) || !r.SshString(&kdf) || !r.SshString(&kdfopts) || !r.U32(&nkeys) ||
      nkeys == 0 || nkeys > 64 || !r.SshString(&pub))
    return Unchecked("openssh-key-v1 magic, but the container does not parse (truncated?)");
  Reader pr{pub};
  if (!pr.SshString(&type) || type.empty() || !AllOf(type.substr(0, 3), IsAlnum))
    return Unchecked("public key blob does not parse");
  std::string info;
  if (want_info) info = fmt::format("{}{}", type, cipher == "none" ? "" : ", passphrase-protected");
  return Valid("openssh-key-v1 container parses", std::move(info));
}

// Finds `"name"\s*:\s*"` in `ctx` and returns the string value that follows (no unescaping).
std::string_view JsonStringField(std::string_view ctx, std::string_view name) {
  std::string quoted = fmt::format("\"{}\"", name);
  for (size_t at = ctx.find(quoted); at != std::string_view::npos; at = ctx.find(quoted, at + 1)) {
    size_t p = at + quoted.size();
    while (p < ctx.size() && std::isspace(static_cast<unsigned char>(ctx[p]))) ++p;
    if (p >= ctx.size() || ctx[p] != ':') continue;
    ++p;
    while (p < ctx.size() && std::isspace(static_cast<unsigned char>(ctx[p]))) ++p;
    if (p >= ctx.size() || ctx[p] != '"') continue;
    size_t end = ctx.find('"', p + 1);
    if (end == std::string_view::npos) return {};
    return ctx.substr(p + 1, end - p - 1);
  }
  return {};
}

Validation CheckGcp(std::string_view secret, std::string_view ctx, bool want_info) {
  Validation key = CheckPrivateKey(secret, false);
  if (key.validity == Validity::kInvalid) return key;
  std::string_view type = JsonStringField(ctx, "type");
  std::string_view email = JsonStringField(ctx, "client_email");
  if (type != "service_account" || !email.ends_with(".gserviceaccount.com"))
    return Unchecked("no \"type\": \"service_account\" / client_email beside the key");
  if (key.validity != Validity::kValid) return Unchecked(key.reason);
  return Valid("service-account fields present and the key parses",
               want_info ? fmt::format("client_email {}", email) : "");
}

std::optional<std::string> Base32Decode(std::string_view s) {
  std::string out;
  uint64_t buf = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= '2' && c <= '7')
      v = c - '2' + 26;
    else
      return std::nullopt;
    buf = (buf << 5) | static_cast<uint64_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xff);
    }
  }
  return out;
}

Validation CheckAws(std::string_view t, bool want_info) {
  if (t.size() != 20) return Invalid("not 20 characters");
  if (!Base32Decode(t.substr(4))) return Invalid("body is not base32");
  std::string info;
  if (want_info) {
    if (auto account = AwsAccountFromKeyId(t))
      info = "account " + *account;
    else
      info = "older key id format: no account encoded";
  }
  return Valid("base32 key id", std::move(info));
}

}  // namespace

std::string_view ConfidenceName(Confidence c) {
  switch (c) {
    case Confidence::kLow:
      return "low";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kHigh:
      return "high";
  }
  return "low";
}

std::optional<Confidence> ParseConfidence(std::string_view name) {
  for (auto c : {Confidence::kLow, Confidence::kMedium, Confidence::kHigh})
    if (ConfidenceName(c) == name) return c;
  return std::nullopt;
}

std::string_view ValidatorName(ValidatorId v) {
  for (const auto& n : kValidators)
    if (n.id == v) return n.name;
  return "";
}

std::optional<ValidatorId> ParseValidator(std::string_view name) {
  for (const auto& n : kValidators)
    if (n.name == name) return n.id;
  return std::nullopt;
}

std::string ValidatorNames() {
  std::string out;
  for (const auto& n : kValidators) {
    if (!out.empty()) out += ", ";
    out += n.name;
  }
  return out;
}

std::string Base62(uint32_t value, size_t width) {
  std::string out;
  do {
    out.insert(out.begin(), kBase62[value % 62]);
    value /= 62;
  } while (value);
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

std::optional<std::string> DecodeBase64Any(std::string_view text, bool skip_space) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buf = 0;
  int bits = 0;
  bool padding = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else if (c == '=') {
      padding = true;
      continue;
    } else if (skip_space && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
      continue;
    } else if (skip_space && c == '\\' && i + 1 < text.size() &&
               (text[i + 1] == 'n' || text[i + 1] == 'r')) {
      ++i;
      continue;
    } else {
      return std::nullopt;
    }
    if (padding) return std::nullopt;  // data after '='
    buf = (buf << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xff);
    }
  }
  return out;
}

std::optional<std::string> AwsAccountFromKeyId(std::string_view key_id) {
  if (key_id.size() != 20) return std::nullopt;
  auto bin = Base32Decode(key_id.substr(4));
  if (!bin || bin->size() < 6) return std::nullopt;
  uint64_t z = 0;
  for (int i = 0; i < 6; ++i) z = (z << 8) | static_cast<unsigned char>((*bin)[i]);
  // The first bit after the 4-letter prefix marks the key id generation; only the newer one
  // carries the account number (in the 40 bits that follow).
  if (!(z >> 47)) return std::nullopt;
  uint64_t account = (z & 0x7fffffffff80ull) >> 7;
  return fmt::format("{:012}", account);
}

Validation Validate(ValidatorId v, std::string_view secret, std::string_view context,
                    bool want_info) {
  switch (v) {
    case ValidatorId::kNone:
      return {};
    case ValidatorId::kBase62Crc32:
      return CheckBase62Crc32(secret);
    case ValidatorId::kPypiMacaroon:
      return CheckPypi(secret);
    case ValidatorId::kJwt:
      return CheckJwt(secret, want_info);
    case ValidatorId::kSlack:
      return CheckSlack(secret);
    case ValidatorId::kStripe:
      return CheckStripe(secret, want_info);
    case ValidatorId::kTwilio:
      return CheckTwilio(secret);
    case ValidatorId::kPrivateKey:
      return CheckPrivateKey(secret, want_info);
    case ValidatorId::kOpenSshKey:
      return CheckOpenSsh(secret, want_info);
    case ValidatorId::kGcpServiceAccount:
      return CheckGcp(secret, context, want_info);
    case ValidatorId::kAwsAccessKeyId:
      return CheckAws(secret, want_info);
  }
  return {};
}

}  // namespace leakguard::match
