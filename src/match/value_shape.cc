// Value-shape filters (see value_shape.h for what each recognises).
//
// Word-likeness is the subtle one. A generic rule's value is a secret when it is random; it is
// noise when it is made of words: the name of another variable (`DB_PASSWORD_SECRET`), a
// reference (`settings.API_KEY`), a type (`SecureString`), a UI label key (`new-password`). The
// value is split into words the way identifiers are written — at separators, at lower-to-upper
// case changes (`getApiKey` -> get|Api|Key, `HTTPServer` -> HTTP|Server) and at letter/digit
// changes — and is word-like when
//   - every character is a letter, a digit or a separator (a password's `!#^%+=` never is),
//   - digits are few: at most two runs, four digits in all (`oauth2`, `Welcome2024`); the digits
//     of a technical name (`ed25519`, `sha256`, `x509`, `int64`) do not count,
//   - words are not mostly single letters, and average 2.5+ letters (random mixed-case text
//     splits into many 1-2 letter words: `hYRBmQzF` -> h|YRBm|Qz|F),
//   - the letter pairs inside words are, on average, no rarer than in English and code: each
//     pair has a score, 8 * log2(26 * P(b | a)), from a table counted over CPython's standard
//     library (bigram_table.inc, made by scripts/gen-word-tables.py); the mean over all pairs
//     must be at least -0.3 bits. Words of three letters or fewer that stand alone between
//     separators (`DB`, `JWT`, `id`) are abbreviations and are not scored. A word among the 3,000
//     most frequent in the same sources (common_words.inc, by scripts/gen-word-tables.py) never
//     counts against the value, whatever its pairs: `view` in `view_graph` ('ew' is rare in code).
// On random strings the test says "word-like" for about 0.2% of 16-character base62 values and
// under 0.05% at 24+, while 92% of the identifiers in the Python packages of a Debian system
// pass (measured with the prototype in the commit adding this file). Short random values (6-8
// characters of one case) pass a few percent of the time: a password rule's value must also
// clear the entropy threshold, and a dropped candidate stays visible under --explain.
#include "match/value_shape.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "base/bytes.h"

namespace leakguard::match {
namespace {

constexpr int8_t kBigram[26][26] = {
#include "match/bigram_table.inc"
};

// Lower case and sorted, as scripts/gen-word-tables.py writes them (a test checks both).
constexpr std::string_view kCommonWords[] = {
#include "match/common_words.inc"
};

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return IsLower(c) || IsUpper(c); }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsIdentStart(char c) { return IsAlpha(c) || c == '_'; }
bool IsIdentChar(char c) { return IsAlnum(c) || c == '_'; }
bool IsBase64Char(char c) {
  return IsAlnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}
char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllOf(std::string_view s, bool (*pred)(char)) {
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
bool IsIdent(std::string_view s) {
  return !s.empty() && IsIdentStart(s[0]) && AllOf(s, IsIdentChar);
}

bool StartsWithCaseless(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i)
    if (Lower(s[i]) != lower_prefix[i]) return false;
  return true;
}
bool EqualsCaseless(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() && StartsWithCaseless(s, lower);
}

// Splits one run of letters and digits into words: digit runs, lower-case runs, Capitalised
// runs, and upper-case runs (an acronym before a Capitalised word ends one letter early:
// HTTPServer -> HTTP|Server). Calls f(word, is_digits).
template <class F>
void SplitRun(std::string_view s, F&& f) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    size_t j = i;
    if (IsDigit(s[i])) {
      while (j < n && IsDigit(s[j])) ++j;
      f(s.substr(i, j - i), true);
    } else if (IsUpper(s[i])) {
      while (j < n && IsUpper(s[j])) ++j;
      if (j < n && IsLower(s[j])) {
        if (j - i > 1) {
          f(s.substr(i, j - 1 - i), false);
          i = j - 1;
        }
        while (j < n && IsLower(s[j])) ++j;
      }
      f(s.substr(i, j - i), false);
    } else {
      while (j < n && IsLower(s[j])) ++j;
      f(s.substr(i, j - i), false);
    }
    i = j;
  }
}

// Calls f(word, is_digits, alone) for every word of every alphanumeric run in `v`; `alone` says
// the word is its run's only word (it stands between separators).
template <class F>
void ForEachWord(std::string_view v, F&& f) {
  size_t i = 0;
  const size_t n = v.size();
  while (i < n) {
    if (!IsAlnum(v[i])) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < n && IsAlnum(v[e])) ++e;
    const std::string_view run = v.substr(i, e - i);
    size_t words = 0;
    SplitRun(run, [&](std::string_view, bool) { ++words; });
    SplitRun(run, [&](std::string_view w, bool digits) { f(w, digits, words == 1); });
    i = e;
  }
}

// Separators a word-like value may hold between its words (identifier, reference, path and
// type-name punctuation). Password symbols (!#%^+=@ and quotes) are not among them; '*' and '&'
// count only beside a non-alphanumeric byte or the value's end (`char*`, `const Foo&`,
// `Vec<&str>`): between two letters or digits they are password symbols (`aldQsa*i1Rym78`).
bool IsWordSeparator(char c) {
  switch (c) {
    case '_':
    case '-':
    case '.':
    case '/':
    case '\\':
    case ':':
    case ' ':
    case '<':
    case '>':
    case '[':
    case ']':
    case '(':
    case ')':
    case ',':
    case '*':
    case '&':
    case '?':
    case '~':
      return true;
    default:
      return false;
  }
}

// Whether `w` (letters, any case) is one of kCommonWords.
bool IsCommonWord(std::string_view w) {
  constexpr size_t kMax = 12;
  if (w.size() < 4 || w.size() > kMax) return false;
  char lower[kMax];
  for (size_t i = 0; i < w.size(); ++i) lower[i] = Lower(w[i]);
  return std::binary_search(std::begin(kCommonWords), std::end(kCommonWords),
                            std::string_view(lower, w.size()));
}

// Whether `letters` followed by `digits` names an algorithm, encoding or type (`ed25519`,
// `sha256`, `x509`, `utf8`, `int64`): such digits are part of a word, not a sign of randomness.
bool IsTechWord(std::string_view letters, std::string_view digits) {
  static constexpr std::string_view kTechWords[] = {
      "aes128",  "aes192",  "aes256", "base32", "base58",  "base64",  "ed25519", "ed448",
      "float32", "float64", "http2",  "http3",  "int16",   "int32",   "int64",   "int8",
      "ipv4",    "ipv6",    "md5",    "oauth2", "p256",    "p384",    "p521",    "pkcs1",
      "pkcs11",  "pkcs12",  "pkcs7",  "pkcs8",  "rsa2048", "rsa4096", "sha1",    "sha224",
      "sha256",  "sha3",    "sha384", "sha512", "uint16",  "uint32",  "uint64",  "uint8",
      "utf16",   "utf32",   "utf8",   "win32",  "win64",   "x25519",  "x448",    "x509"};
  const size_t n = letters.size() + digits.size();
  for (std::string_view t : kTechWords) {
    if (t.size() != n || t.substr(letters.size()) != digits) continue;
    bool same = true;
    for (size_t i = 0; i < letters.size() && same; ++i) same = Lower(letters[i]) == t[i];
    if (same) return true;
  }
  return false;
}

// The word test described at the top of the file.
bool WordShape(std::string_view v) {
  // A leading sigil: $this->password, @password, @@count, :password, &cfg, *ptr.
  while (!v.empty() && (v[0] == '$' || v[0] == '@' || v[0] == ':' || v[0] == '&' || v[0] == '*'))
    v.remove_prefix(1);
  if (v.empty()) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (IsAlnum(c)) continue;
    if (!IsWordSeparator(c)) return false;
    if ((c == '*' || c == '&') && i > 0 && i + 1 < v.size() && IsAlnum(v[i - 1]) &&
        IsAlnum(v[i + 1]))
      return false;
  }
  int words = 0, singles = 0, letters = 0, digit_runs = 0, digits = 0, pairs = 0, score = 0;
  std::string_view prev;  // the word before, when it was letters
  ForEachWord(v, [&](std::string_view w, bool is_digits, bool alone) {
    if (is_digits) {
      // `sha256`, `Ed25519PrivateKey`: the digits of a technical name do not count.
      const bool tech =
          !prev.empty() && prev.data() + prev.size() == w.data() && IsTechWord(prev, w);
      prev = {};
      if (tech) return;
      ++digit_runs;
      digits += static_cast<int>(w.size());
      return;
    }
    prev = w;
    ++words;
    letters += static_cast<int>(w.size());
    if (w.size() == 1) ++singles;
    int word_score = 0;
    for (size_t k = 1; k < w.size(); ++k)
      word_score += kBigram[Lower(w[k - 1]) - 'a'][Lower(w[k]) - 'a'];
    if (word_score < 0 && IsCommonWord(w)) word_score = 0;
    // A short word alone in its run may be an abbreviation (DB, JWT, id), whose letter pairs say
    // nothing: it counts only when it reads like a word (job, key), never against the value.
    if (alone && w.size() <= 3 && word_score < 0) return;
    score += word_score;
    pairs += static_cast<int>(w.size()) - 1;
  });
  if (words == 0 || digit_runs > 2 || digits > 4) return false;
  if (singles > 1 && singles * 3 > words) return false;
  if (words > 1 && 2 * letters < 5 * words) return false;
  // Mean pair score >= -0.3 bits; the table holds eighths of a bit.
  return pairs == 0 || 10 * score >= -24 * pairs;
}

bool IsNumber(std::string_view v) {
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
    return v.size() <= 2 + 16 && AllOf(v.substr(2), IsHex);
  bool digit = false;
  for (char c : v) {
    if (IsDigit(c))
      digit = true;
    else if (c != '.' && c != '_' && c != ',')
      return false;
  }
  return digit;
}

// A version or version range as package manifests and tags write them: `1.2.3`, `^7.2.0`,
// `~1.4`, `>=2.0.1`, `~>3.1`, `v1.2.3`, `1.2.x`, `2.0.0-rc.1`, `v1.2.3-rc1-4f3a2b`. The core is
// two to four dot-separated numbers (a wildcard after the first); a pre-release or build suffix
// after '-' or '+' is made of short identifiers (12 characters at most each, 32 in all), so a
// random token after a version-like prefix stays a candidate.
bool IsVersion(std::string_view v) {
  static constexpr std::string_view kOperators[] = {"~>", ">=", "<=", "==", "^", "~",
                                                    ">",  "<",  "=",  "v",  "V"};
  for (std::string_view op : kOperators)
    if (v.starts_with(op)) {
      v.remove_prefix(op.size());
      break;
    }
  size_t i = 0;
  int parts = 0;
  for (;;) {
    const size_t start = i;
    while (i < v.size() && i - start < 9 && IsDigit(v[i])) ++i;
    if (i == start) {
      if (parts == 0 || i >= v.size() || (v[i] != 'x' && v[i] != 'X' && v[i] != '*')) return false;
      ++i;
    }
    ++parts;
    if (parts < 4 && i + 1 < v.size() && v[i] == '.') {
      ++i;
      continue;
    }
    break;
  }
  if (parts < 2) return false;
  if (i == v.size()) return true;
  if ((v[i] != '-' && v[i] != '+') || v.size() - i - 1 > 32 || i + 1 == v.size()) return false;
  size_t ident = 0;
  for (++i; i < v.size(); ++i) {
    if (v[i] == '.' || v[i] == '-' || v[i] == '+') {
      if (ident == 0) return false;
      ident = 0;
    } else if (IsAlnum(v[i]) && ++ident <= 12) {
      continue;
    } else {
      return false;
    }
  }
  return ident > 0;
}

bool IsUrlWithoutCredentials(std::string_view v) {
  size_t i = 0;
  if (v.empty() || !IsAlpha(v[0])) return false;
  while (i < v.size() && i <= 16 && (IsAlnum(v[i]) || v[i] == '+' || v[i] == '.' || v[i] == '-'))
    ++i;
  if (i < 2 || v.substr(i, 3) != "://") return false;
  return v.find('@') == std::string_view::npos;
}

// An absolute, home- or dot-relative path, or a Windows path, whose rest is word-like.
bool IsPath(std::string_view v) {
  size_t i = 0;
  if (v.starts_with("/"))
    i = 1;
  else if (v.starts_with("./") || v.starts_with("~/"))
    i = 2;
  else if (v.starts_with("../"))
    i = 3;
  else if (v.size() >= 3 && IsAlpha(v[0]) && v[1] == ':' && (v[2] == '\\' || v[2] == '/'))
    i = 3;
  else
    return false;
  return i < v.size() && WordShape(v.substr(i));
}

// name(...), a.b.name(...), $obj->name(...), Name::name(...), optionally ending in `;`.
bool IsCall(std::string_view v) {
  if (v.ends_with(";")) v.remove_suffix(1);
  size_t i = 0;
  while (i < v.size() && (v[i] == '$' || v[i] == '@')) ++i;
  if (i >= v.size() || !IsIdentStart(v[i])) return false;
  while (i < v.size() && (IsIdentChar(v[i]) || v[i] == '.' || v[i] == ':' || v[i] == '-' ||
                          v[i] == '>' || v[i] == '$'))
    ++i;
  return i < v.size() && v[i] == '(' && v.back() == ')';
}

// An identifier plus or minus a number or another identifier: `CURLOPTTYPE_OBJECTPOINT+174`,
// `ERROR_BASE+12` (constants in C, Pascal, Go). Random base64 holds `+` too, but its pieces are
// not words.
bool IsExpression(std::string_view v) {
  if (v.find('+') == std::string_view::npos) return false;
  while (!v.empty()) {
    const size_t plus = v.find('+');
    const std::string_view part = v.substr(0, plus);
    if (part.empty() || !(IsNumber(part) || WordShape(part))) return false;
    if (plus == std::string_view::npos) break;
    v.remove_prefix(plus + 1);
  }
  return true;
}

}  // namespace

std::string_view EnvLookupReason(std::string_view v) {
  if (v.size() >= 2 && v[0] == '$') {
    const std::string_view rest = v.substr(1);
    if (IsIdent(rest)) return "environment variable ($NAME)";
    if (rest[0] == '{' && v.back() == '}') {
      size_t i = 2;
      if (i < v.size() && IsIdentStart(v[i])) {
        while (i < v.size() && IsIdentChar(v[i])) ++i;
        if (i == v.size() - 1) return "environment variable (${NAME})";
        const char op = v[i];
        if (op == ':' || op == '-' || op == '=' || op == '?' || op == '+')
          return "environment variable with a default (${NAME:-...})";
      }
    }
    if (StartsWithCaseless(rest, "env:") && IsIdent(rest.substr(4)))
      return "PowerShell environment variable ($env:NAME)";
    if (rest.starts_with("ENV{") || rest.starts_with("_ENV[") || rest.starts_with("_SERVER["))
      return "environment lookup ($ENV{...}, $_ENV[...])";
  }
  if (v.size() >= 3 && v.front() == '%' && v.back() == '%' && IsIdent(v.substr(1, v.size() - 2)))
    return "Windows environment variable (%NAME%)";
  static constexpr std::string_view kAccessors[] = {"process.env",
                                                    "import.meta.env",
                                                    "os.environ",
                                                    "getenv(",
                                                    "Getenv(",
                                                    "LookupEnv(",
                                                    "GetEnvironmentVariable(",
                                                    "ENV[",
                                                    "ENV.fetch(",
                                                    "env(",
                                                    "env::var(",
                                                    "Deno.env"};
  for (std::string_view a : kAccessors)
    if (v.find(a) != std::string_view::npos)
      return "environment accessor (getenv, process.env, ...)";
  return {};
}

std::string_view SecretReferenceReason(std::string_view v) {
  static constexpr std::string_view kPrefixes[] = {"vault:",
                                                   "vault://",
                                                   "op://",
                                                   "arn:aws:secretsmanager:",
                                                   "ssm:/",
                                                   "ssm://",
                                                   "sm://",
                                                   "gcpsm://",
                                                   "akv://",
                                                   "keyvault:",
                                                   "doppler://",
                                                   "infisical://",
                                                   "bws://",
                                                   "secretsmanager:",
                                                   "@microsoft.keyvault("};
  for (std::string_view p : kPrefixes)
    if (StartsWithCaseless(v, p)) return "secret-manager reference";
  if (StartsWithCaseless(v, "arn:aws:ssm:") && v.find(":parameter/") != std::string_view::npos)
    return "secret-manager reference (SSM parameter ARN)";
  if (v.starts_with("projects/") && v.find("/secrets/") != std::string_view::npos)
    return "secret-manager reference (GCP Secret Manager)";
  return {};
}

std::string_view EncryptedValueReason(std::string_view v) {
  if (v.starts_with("ENC[") && v.find(",data:") != std::string_view::npos)
    return "SOPS-encrypted value (ENC[...])";
  if (v.starts_with("ENC(") && v.back() == ')') return "jasypt-encrypted value (ENC(...))";
  if (v.starts_with("$ANSIBLE_VAULT;")) return "Ansible Vault ciphertext";
  if (v.starts_with("-----BEGIN AGE ENCRYPTED FILE-----")) return "age-encrypted file";
  return {};
}

std::string_view TemplateReason(std::string_view v) {
  constexpr auto npos = std::string_view::npos;
  if (v.find("{{") != npos) return "template ({{ }})";
  if (v.find("{%") != npos) return "template ({% %})";
  if (v.find("${") != npos) return "template (${ })";
  if (v.find("%(") != npos) return "format placeholder (%(name)s)";
  if (v.find("<%") != npos) return "template (<% %>)";
  if (v.find("#{") != npos) return "interpolation (#{ })";
  if (v.find("$(") != npos) return "substitution ($( ))";
  if (v.size() >= 3 && v.front() == '@' && v.back() == '@' && IsIdent(v.substr(1, v.size() - 2)))
    return "configure substitution (@NAME@)";
  return {};
}

std::string_view HashReason(std::string_view v) {
  const size_t n = v.size();
  if ((n == 40 || n == 56 || n == 64 || n == 96 || n == 128) && AllOf(v, IsHex))
    return n == 40 ? "hex digest (SHA-1, git object id)" : "hex digest (SHA-2)";
  // sha256:<hex>, sha512-<base64> (lockfile integrity), md5:<hex>.
  static constexpr std::string_view kAlgorithms[] = {"sha1",    "sha224",   "sha256",   "sha384",
                                                     "sha512",  "sha3-256", "sha3-512", "md5",
                                                     "blake2b", "blake3"};
  for (std::string_view alg : kAlgorithms) {
    if (!StartsWithCaseless(v, alg) || n < alg.size() + 17) continue;
    const char sep = v[alg.size()];
    if ((sep == ':' || sep == '-' || sep == '=') && AllOf(v.substr(alg.size() + 1), IsBase64Char))
      return sep == '-' ? "integrity hash (sha512-...)" : "digest (sha256:...)";
  }
  // Modular crypt: $2b$12$..., $6$salt$..., $argon2id$v=19$..., $apr1$...
  if (n >= 20 && v[0] == '$') {
    size_t i = 1;
    while (i < n && i <= 17 && (IsLower(v[i]) || IsDigit(v[i]) || v[i] == '-')) ++i;
    if (i > 1 && i < n && v[i] == '$') return "password hash (modular crypt $id$...)";
  }
  // LDAP userPassword: {SSHA}..., {CRYPT}$6$...
  if (n >= 12 && v[0] == '{') {
    size_t i = 1;
    while (i < n && i <= 12 && (IsUpper(v[i]) || IsDigit(v[i]) || v[i] == '-')) ++i;
    if (i > 2 && i < n && v[i] == '}' && n - i > 8) return "password hash ({SSHA}...)";
  }
  static constexpr std::string_view kPasswordHashPrefixes[] = {
      "pbkdf2_sha256$", "pbkdf2_sha1$", "bcrypt_sha256$", "bcrypt$",
      "argon2$",        "scrypt$",      "scram-sha-256$"};
  for (std::string_view p : kPasswordHashPrefixes)
    if (StartsWithCaseless(v, p)) return "password hash (pbkdf2_sha256$..., SCRAM)";
  if (n == 35 && v.starts_with("md5") && AllOf(v.substr(3), IsHex))
    return "password hash (PostgreSQL md5...)";
  return {};
}

bool IsUuid(std::string_view v) {
  if (StartsWithCaseless(v, "urn:uuid:")) v.remove_prefix(9);
  if (v.size() == 38 && v.front() == '{' && v.back() == '}') v = v.substr(1, 36);
  if (v.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !IsHex(v[i])) return false;
  }
  return true;
}

std::string_view PublicKeyReason(std::string_view v) {
  static constexpr std::string_view kSshTypes[] = {"ssh-rsa",       "ssh-dss",     "ssh-ed25519",
                                                   "ssh-ed448",     "ecdsa-sha2-", "sk-ssh-ed25519",
                                                   "sk-ecdsa-sha2-"};
  for (std::string_view t : kSshTypes) {
    if (!v.starts_with(t)) continue;
    if (v.size() == t.size() || t.back() == '-' || v[t.size()] == ' ' || v[t.size()] == '@')
      return "SSH public key";
  }
  // The base64 blob of an OpenSSH public key starts with its length-prefixed type name.
  static constexpr std::string_view kSshBlobs[] = {"AAAAB3NzaC1yc2E",
                                                   "AAAAB3NzaC1kc3M",
                                                   "AAAAC3NzaC1lZDI1NTE5",
                                                   "AAAACXNzaC1lZDQ0OA",
                                                   "AAAAE2VjZHNhLXNoYTItbmlzdHA",
                                                   "AAAAGnNrLXNzaC1lZDI1NTE5",
                                                   "AAAAInNrLWVjZHNh"};
  for (std::string_view b : kSshBlobs)
    if (v.starts_with(b)) return "SSH public key (base64 blob)";
  if (const size_t begin = v.find("-----BEGIN "); begin != std::string_view::npos) {
    const std::string_view header = v.substr(begin + 11, 40);
    const size_t end = header.find("-----");
    const std::string_view label = header.substr(0, end);
    if (label.find("PRIVATE") == std::string_view::npos &&
        (label.find("PUBLIC KEY") != std::string_view::npos ||
         label.find("CERTIFICATE") != std::string_view::npos ||
         label.find("X509 CRL") != std::string_view::npos))
      return "PEM public key or certificate";
  }
  // Base64 DER SubjectPublicKeyInfo: RSA (with the rsaEncryption OID and a BIT STRING, where a
  // private key has an OCTET STRING), P-256, P-384, Ed25519, X25519.
  if (v.starts_with("MII") && v.size() > 6 && v.substr(6).starts_with("ANBgkqhkiG9w0BAQEFAAOC"))
    return "public key (base64 DER)";
  if (v.starts_with("MIGfMA0GCSqGSIb3DQEBAQUAA4GN")) return "public key (base64 DER)";
  static constexpr std::string_view kSpki[] = {"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
                                               "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE",
                                               "MCowBQYDK2VwAyEA", "MCowBQYDK2VuAyEA"};
  for (std::string_view p : kSpki)
    if (v.starts_with(p)) return "public key (base64 DER)";
  // A certificate: SEQUENCE { SEQUENCE { [0] { INTEGER 2 } ... } } (X.509 v3).
  if (v.starts_with("MII") && v.size() > 40 && v.substr(12).starts_with("AwIBAgI"))
    return "certificate (base64 DER)";
  return {};
}

std::string_view TestFixtureReason(std::string_view v) {
  static constexpr std::string_view kPrefixes[] = {"test", "fake",    "mock",  "dummy",
                                                   "stub", "fixture", "sample"};
  for (std::string_view p : kPrefixes)
    if (StartsWithCaseless(v, p)) return "test-fixture value (starts with test/fake/mock/...)";
  static constexpr std::string_view kWords[] = {
      "test",  "tests", "testing", "fake",    "fakes",    "mock",   "mocks",  "mocked",
      "dummy", "stub",  "stubs",   "fixture", "fixtures", "sample", "samples"};
  bool hit = false;
  ForEachWord(v, [&](std::string_view w, bool digits, bool) {
    if (hit || digits) return;
    for (std::string_view k : kWords)
      if (EqualsCaseless(w, k)) hit = true;
  });
  return hit ? "test-fixture value (holds the word test/fake/mock/...)" : std::string_view();
}

std::string_view WordLikeReason(std::string_view v) {
  if (v.empty()) return {};
  static constexpr std::string_view kLiterals[] = {
      "true", "false", "null", "none", "nil", "undefined", "yes", "no", "on", "off", "nan"};
  for (std::string_view l : kLiterals)
    if (EqualsCaseless(v, l)) return "boolean or null literal";
  if (IsNumber(v)) return "number";
  if (IsVersion(v)) return "version or version range";
  if (IsUrlWithoutCredentials(v)) return "URL without credentials";
  if (IsPath(v)) return "file path";
  if (IsCall(v)) return "function call";
  if (IsExpression(v)) return "arithmetic on constants";
  if (WordShape(v)) return "identifier or words";
  return {};
}

}  // namespace leakguard::match
