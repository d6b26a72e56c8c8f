// Value-shape filters: recognise values that stand where a secret would — the right-hand side of
// `password = ...`, `api_key: ...` — but by their shape cannot be one: an environment lookup, a
// template, a hash, a UUID, a public key, a test-fixture value, or a word-like value (an
// identifier, a reference, a function call, a type name, a file path, a URL without credentials,
// a boolean, null or a number). Generic rules (no provider format; tagged `generic`) match any
// value assigned to a secret-sounding name, so these filters are what keeps them quiet.
//
// The matcher applies EnvLookupReason and TemplateReason to every rule's secret (no provider
// token has those shapes) and the others to rules tagged `generic` only: a provider's token may be
// a UUID (Heroku) or 40 hex digits, and its rule's format already says it is a secret.
//
// Each function returns a short phrase naming the shape (shown by `scan --explain` after the
// drop reason), or an empty view when the value does not have it. All are pure functions of
// their argument: no allocation, O(length) time, thread-safe.
// PERF: run once per candidate, never per byte scanned.
#pragma once

#include <string_view>

namespace leakguard::match {

// `$NAME`, `${NAME}`, `${NAME:-default}`, `%NAME%`, `$env:NAME`, `$ENV{NAME}`, or a value holding
// an environment accessor: process.env, import.meta.env, os.environ, getenv(...), os.Getenv(...),
// System.getenv(...), Environment.GetEnvironmentVariable(...), ENV[...], ENV.fetch(...), env(...).
std::string_view EnvLookupReason(std::string_view v);

// A reference to a secret kept in a secret manager, not the secret: `vault:secret/data/x#key`,
// `vault://...`, `op://vault/item/field` (1Password), `arn:aws:secretsmanager:...`,
// `arn:aws:ssm:...:parameter/...`, `ssm:/...`, `sm://...`, `gcpsm://...`,
// `projects/P/secrets/S/versions/V` (GCP), `akv://...`, `@Microsoft.KeyVault(...)`,
// `keyvault:...`, `doppler://...`, `infisical://...`, `bws://...`.
std::string_view SecretReferenceReason(std::string_view v);

// A value encrypted at rest by a secrets tool, safe to commit: SOPS `ENC[AES256_GCM,data:...]`,
// jasypt `ENC(...)`, Ansible Vault `$ANSIBLE_VAULT;1.1;AES256...`, git-crypt / age armour
// (`-----BEGIN AGE ENCRYPTED FILE-----`), Kubernetes SealedSecrets values are recognised by the
// matcher from their manifest (`kind: SealedSecret`), not here.
std::string_view EncryptedValueReason(std::string_view v);

// Template and substitution syntax: `{{ }}`, `{% %}`, `${ expr }`, `%(name)s`, `<%= %>`, `#{ }`,
// `$( )`, `@NAME@`.
std::string_view TemplateReason(std::string_view v);

// A digest: 40, 56, 64, 96 or 128 hex digits (SHA-1/224/256/384/512, git object ids); an
// algorithm-prefixed digest (`sha256:...`, lockfile `integrity` `sha512-...`); a password hash in
// modular-crypt (`$2b$...`, `$6$...`, `$argon2id$...`), LDAP (`{SSHA}...`) or Django form.
// A 32-hex value is NOT a hash here: many API keys have that shape.
std::string_view HashReason(std::string_view v);

// 8-4-4-4-12 hex digits, optionally in braces or after `urn:uuid:`.
bool IsUuid(std::string_view v);

// An OpenSSH public key (`ssh-ed25519 AAAA...`, or its base64 blob alone), a PEM public key,
// certificate or certificate request, or a base64 DER SubjectPublicKeyInfo / certificate.
std::string_view PublicKeyReason(std::string_view v);

// A test-fixture value: it starts with `test`, `fake`, `mock`, `dummy`, `stub`, `fixture` or
// `sample`, or holds one of them (or its plural) as a word: `sk_test_...`, `my-fake-token-1`.
std::string_view TestFixtureReason(std::string_view v);

// Word-like: a boolean/null literal, a number, a version or version range (`^1.2.3`,
// `v2.0.0-rc.1`), a URL without credentials, a file path, a function call (`getPassword()`),
// arithmetic on constants (`ERROR_BASE+12`), or a value made of words — identifiers and references
// in any case convention (`my_secret_value`, `PasswordField`, `new-password`, `self.password`,
// `config.apiKey`, `Optional<String>`), at most two digit runs of at most four digits in all, and
// letter pairs that are common in English and code (a bigram table; random strings fail it).
std::string_view WordLikeReason(std::string_view v);

inline bool IsEnvLookup(std::string_view v) { return !EnvLookupReason(v).empty(); }
inline bool IsTemplate(std::string_view v) { return !TemplateReason(v).empty(); }
inline bool IsHash(std::string_view v) { return !HashReason(v).empty(); }
inline bool IsPublicKey(std::string_view v) { return !PublicKeyReason(v).empty(); }
inline bool IsTestFixture(std::string_view v) { return !TestFixtureReason(v).empty(); }
inline bool IsWordLike(std::string_view v) { return !WordLikeReason(v).empty(); }

}  // namespace leakguard::match
