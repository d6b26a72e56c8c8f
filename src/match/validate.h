// Offline validity checks: where a token format carries a checksum or a structure, check it.
//
// A rule names its check with the `validator` field (a leakguard extension of the gitleaks TOML
// format, ignored by gitleaks). The matcher runs the check on every candidate of the rule:
//   - kValid:   the checksum or structure holds -> the finding's confidence is `high`;
//   - kInvalid: the checksum fails or the structure is not that of the format -> the candidate is
//               dropped (reason "checksum", shown by --explain): it is not that token;
//   - kUnchecked: the check cannot decide (a token variant without a checksum, a PEM body that
//               decodes but that OpenSSL cannot read) -> the rule's own confidence stays.
// Checks never touch the network and cost microseconds; they run only on candidates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leakguard::match {

// How sure a finding is to be a live credential of the type its rule names.
//   high:   a checksum or structure was verified offline;
//   medium: a specific format (a provider prefix, a documented shape);
//   low:    generic assignments and entropy-based rules.
enum class Confidence : uint8_t { kLow = 0, kMedium = 1, kHigh = 2 };
std::string_view ConfidenceName(Confidence c);
std::optional<Confidence> ParseConfidence(std::string_view name);

enum class ValidatorId : uint8_t {
  kNone = 0,
  kBase62Crc32,        // GitHub ghp_/gho_/ghu_/ghs_/ghr_ and npm_ tokens: 30 chars + base62 CRC32
  kPypiMacaroon,       // pypi-<base64url of a v2 binary macaroon located at (test.)pypi.org>
  kJwt,                // header and payload are base64url JSON objects; header has "alg"
  kSlack,              // xoxb-/xoxp-/xapp- segment structure
  kStripe,             // sk_/rk_ + live/test + body of a documented length
  kTwilio,             // SK/AC + 32 lower-case hex
  kPrivateKey,         // PEM private key: DER inside, readable by OpenSSL
  kOpenSshKey,         // OpenSSH private key: "openssh-key-v1" container
  kGcpServiceAccount,  // GCP service-account JSON: its fields, and the key parses
  kAwsAccessKeyId,     // AKIA/ASIA... key id: base32 body, decodes to an account id
};
std::string_view ValidatorName(ValidatorId v);
std::optional<ValidatorId> ParseValidator(std::string_view name);
// Every validator's name, for help and error messages ("a, b, c").
std::string ValidatorNames();

enum class Validity : uint8_t { kUnchecked, kValid, kInvalid };

struct Validation {
  Validity validity = Validity::kUnchecked;
  std::string_view reason;  // static text: what held or failed ("CRC32 matches", "bad CRC32")
  std::string info;         // facts derived from the token, not secret ("account 123456789012")
};

// Checks `secret` (the rule's secret group). `context` is text around the match (the JSON object
// of a service-account key, say); validators that do not need it ignore it. `want_info` asks for
// `info` (costs an allocation; the matcher asks only for reported findings).
Validation Validate(ValidatorId v, std::string_view secret, std::string_view context = {},
                    bool want_info = false);

// Building blocks, exposed for tests.
// Base62 (0-9A-Za-z) of `value`, left-padded with '0' to `width`.
std::string Base62(uint32_t value, size_t width);
// Decodes base64 or base64url (either alphabet, padding optional, whitespace and "\n" escapes
// skipped when `skip_space`); nullopt on any other character.
std::optional<std::string> DecodeBase64Any(std::string_view text, bool skip_space = false);
// The AWS account id encoded in an access key id (AKIA..., ASIA...), or nullopt.
std::optional<std::string> AwsAccountFromKeyId(std::string_view key_id);

}  // namespace leakguard::match
