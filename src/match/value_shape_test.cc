// Tests of the value-shape filters: for each, values it must recognise and real-looking secrets
// it must leave alone (random strings of the alphabets tokens and passwords use).
#include "match/value_shape.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace leakguard::match {
namespace {

// Secrets (fake, random) that no filter may take for something else.
constexpr std::string_view kRealSecrets[] = {
    "hYRBmQzFWyoUaJYyecyIFIpOPpkW0DkN",
    "a5vI27TVhkSrPh5CmCfPELGURLeL9h/O8nnBxWUT",
    "9ac5a35a7ba26398e08bfac6128b3e7a",  // 32 hex: an API key shape, not a hash here
    "cD72UO02EeWacWeUoDOb4CzK_gWPcxL2BsJeu",
    "IYbGPq9vg2ut^9",
    "Tr0ub4dor&3",
    "Summer2024!",
    "czNjcjN0UGFzc3cwcmQh",
    "k3j9x0q7w2m5n8b1v4c6",
    "Y+xWOcNRVmDXRLjVAL3B7B9pNhdWa4h+J0DvmSfE",
    "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
    "gVe1H5igFDOUxMkXSDJNcBIkkPG7bcOZlHzg",
    "xqzvbnmwrtyplkjh",
};

// Each of `yes` has the shape `is` tests for, none of `no` has it.
void ExpectShape(bool (*is)(std::string_view), std::initializer_list<std::string_view> yes,
                 std::initializer_list<std::string_view> no) {
  for (std::string_view s : yes) EXPECT_TRUE(is(s)) << s;
  for (std::string_view s : no) EXPECT_FALSE(is(s)) << s;
}

TEST(ValueShape, RealSecretsHaveNoShape) {
  for (std::string_view s : kRealSecrets) {
    EXPECT_FALSE(IsEnvLookup(s)) << s;
    EXPECT_FALSE(IsTemplate(s)) << s;
    EXPECT_FALSE(IsHash(s)) << s;
    EXPECT_FALSE(IsUuid(s)) << s;
    EXPECT_FALSE(IsPublicKey(s)) << s;
    EXPECT_FALSE(IsTestFixture(s)) << s;
    EXPECT_FALSE(IsWordLike(s)) << s << ": " << WordLikeReason(s);
    EXPECT_EQ(SecretReferenceReason(s), "") << s;
    EXPECT_EQ(EncryptedValueReason(s), "") << s;
  }
}

TEST(ValueShape, SecretManagerReferences) {
  for (std::string_view s :
       {"vault:secret/data/payments#client_secret", "vault://kv/app/db", "op://Prod/Stripe/key",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db_password", "ssm:/prod/db_password",
        "sm://my-project/db-password", "gcpsm://projects/p/secrets/s",
        "projects/acme-prod/secrets/db-password/versions/latest", "akv://kv-prod/db-password",
        "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)",
        "doppler://prod/DB_PASSWORD"})
    EXPECT_EQ(SecretReferenceReason(s).find("secret-manager reference"), 0u) << s;
  for (std::string_view s : {"vaultK8sPq2Zr7", "opaque-9f8Qz", "projects-secret-Zq8v"})
    EXPECT_EQ(SecretReferenceReason(s), "") << s;
}

TEST(ValueShape, EncryptedValues) {
  EXPECT_EQ(EncryptedValueReason("ENC[AES256_GCM,data:kTgxKfM6pGNU,iv:WZdCtwFENukV=,tag:Qm==,"
                                 "type:str]"),
            "SOPS-encrypted value (ENC[...])");
  EXPECT_EQ(EncryptedValueReason("ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)"),
            "jasypt-encrypted value (ENC(...))");
  EXPECT_EQ(EncryptedValueReason("$ANSIBLE_VAULT;1.1;AES256\n6231386539"),
            "Ansible Vault ciphertext");
  EXPECT_EQ(EncryptedValueReason("ENC[not sops]"), "");
  EXPECT_EQ(EncryptedValueReason("ENCRYPTIONKEY9f8Qz2"), "");
}

TEST(ValueShape, EnvLookups) {
  ExpectShape(IsEnvLookup,
              {"$DB_PASSWORD",
               "${API_TOKEN}",
               "${DB_PASS:-s3cr3tDefault}",
               "${TOKEN?required}",
               "%APPDATA_KEY%",
               "$env:AZURE_CLIENT_SECRET",
               "$ENV{SECRET_KEY}",
               "$_ENV['DB_PASS']",
               "process.env.API_KEY_2",
               "process.env[\"TOKEN\"]",
               "import.meta.env.VITE_API_KEY",
               "os.environ['SECRET_KEY']",
               "os.environ.get('SECRET_KEY')",
               "os.getenv(\"API_KEY\")",
               "getenv(\"DB_PASSWORD\")",
               "os.Getenv(\"TOKEN\")",
               "System.getenv(\"API_KEY\")",
               "Environment.GetEnvironmentVariable(\"ApiKey\")",
               "ENV['STRIPE_KEY']",
               "ENV.fetch('SECRET_KEY_BASE')",
               "env('DB_PASSWORD')",
               "std::env::var(\"TOKEN\")"},
              {"$", "$1abc", "%", "%%", "environment", "${a b}x", "$2b$12$abc"});
}

TEST(ValueShape, Templates) {
  ExpectShape(IsTemplate,
              {"{{ db_password }}", "{{.Password}}", "{% secret %}", "${var.db_password}",
               "${{ secrets.NPM_TOKEN }}", "%(password)s", "<%= ENV['X'] %>", "#{secret}",
               "$(cat /run/secrets/token)", "@DB_PASSWORD@", "prefix-{{ token }}-suffix"},
              {"{token}", "@user", "a@b@", "%s", "$VAR"});
}

TEST(ValueShape, Hashes) {
  ExpectShape(
      IsHash,
      {
          "ece3a6bfee523288bbcced16faa0aa100a1070fa",                          // SHA-1 / git
          "D54106C46E8A2FF0555D05EE05B38959489BE8896B00C638827C8340552CFD27",  // SHA-256 upper
          "d54106c46e8a2ff0555d05ee05b38959489be8896b00c638827c8340552cfd27",
          "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d"
          "2877eec2f63b931bd47417a81a538327af927da3e",  // SHA-512
          "sha256:4024e1f4a53992672651a538b194d08069bac3199131bc018153e41b636d710d",
          "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/"
          "SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
          "sha1-mhVQ3h/3JqpYQdDZc5OMYe6Hsyk=",
          "$2b$12$p7ah3srqe0Ks6zGSX93oG0Wxrdp8dRxw4ydUlodaxqUECa2wHPlkc",
          "$6$rounds=5000$saltsalt$Kf1c2E3e5Xx0fNVyy4fD9WdcJ9U2OyJj7cnq1F6qSrs",
          "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
          "{SSHA}dGhpcyBpcyBub3QgYSByZWFsIGhhc2g=",
          "pbkdf2_sha256$600000$Xq2nK8LzVb1R$ZqQeZL4X3o3Pz0tqYV2W6g6m0eU1k4c0R0p3c6Y0y1o=",
          "md5e5e2a5cb9ef6c7b32de1c6a3a0b8f1d2",
      },
      {"9ac5a35a7ba26398e08bfac6128b3e7a", "ece3a6bfee523288bbcced16faa0aa100a1070f",  // 32, 39
       "zce3a6bfee523288bbcced16faa0aa100a1070fa", "sha256:short", "$VAR", "{token}"});
}

TEST(ValueShape, Uuids) {
  ExpectShape(IsUuid,
              {"53d8354b-1a84-6be2-70c7-e68a5f914329", "{53D8354B-1A84-6BE2-70C7-E68A5F914329}",
               "urn:uuid:53d8354b-1a84-6be2-70c7-e68a5f914329"},
              {"53d8354b1a846be270c7e68a5f914329", "53d8354b-1a84-6be2-70c7-e68a5f91432",
               "53d8354b-1a84-6be2-70c7-e68a5f91432g", "{53d8354b-1a84-6be2-70c7-e68a5f914329"});
}

TEST(ValueShape, PublicKeys) {
  ExpectShape(
      IsPublicKey,
      {
          "ssh-ed25519",
          "ssh-rsa",
          "ecdsa-sha2-nistp256",
          "AAAAC3NzaC1lZDI1NTE5AAAAIGrV0dEwWi3nmd9E8jN2xQpNEm3qfPTGvUd8Vq2t1Sxa",
          "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA",
          "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
          "-----BEGIN CERTIFICATE-----",
          "-----BEGIN RSA PUBLIC KEY-----",
          "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtUp/hrKktkU1lYPHQ9No",
          "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEV6w8KYMkZ+Z+vRXMe8IoladupyHW",
          "MCowBQYDK2VwAyEAhZrWwtTClxiFClOvTcrVtJYFZLj6/qVP+vTKizXezrY=",
          "MIIDdzCCAl+gAwIBAgIJAJ3w5m4f0tCUMA0GCSqGSIb3DQEBCwUAMFIxCzAJBgNV",
      },
      {"-----BEGIN PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----",
       "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCSJ1azAdlJbbe1",  // PKCS#8 private
       "ssh-rsakey", "ssh-ed25519x", "MII"});
}

TEST(ValueShape, TestFixtures) {
  ExpectShape(
      IsTestFixture,
      {"test_api_key_123", "TestToken9f8e7d", "fake-token-8f3k2j", "mock_secret_abc123",
       "dummyPassw0rd", "stub-credential-1", "sample_key_2", "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
       "my-fake-token-1", "apiKeyForTests1", "k9Xq_fixture_w2"},
      {"latest_build_42", "attestation9X", "contest2024Q", "protestant"});
}

TEST(ValueShape, WordLikeValues) {
  struct Case {
    std::string_view value, reason;
  } cases[] = {
      {"true", "boolean or null literal"},
      {"NULL", "boolean or null literal"},
      {"undefined", "boolean or null literal"},
      {"12345678", "number"},
      {"3.14159", "number"},
      {"0xDEADBEEF", "number"},
      {"^7.26319.0", "version or version range"},  // an npm dependency range
      {"~1.4", "version or version range"},
      {">=2.0.1", "version or version range"},
      {"~>3.1", "version or version range"},
      {"1.2.x", "version or version range"},
      {"2.0.0-rc.1", "version or version range"},
      {"v1.2.3-rc1-4f3a2b", "version or version range"},  // git describe
      {"1.0.0+build.20240101", "version or version range"},
      {"https://vault.corp.local/v1/secret/data/app", "URL without credentials"},
      {"/run/secrets/db_password", "file path"},
      {"/etc/app/secret.key", "file path"},
      {"./certs/server.pem", "file path"},
      {"~/.ssh/id_rsa", "file path"},
      {"C:\\secrets\\api_key.txt", "file path"},
      {"getPassword()", "function call"},
      {"self.get_token(user_id)", "function call"},
      {"SecureRandom.hex(32)", "function call"},
      {"$this->getSecret();", "function call"},
      {"my_secret_value", "identifier or words"},
      {"view_job", "identifier or words"},    // "job" alone in its run: a word, not an abbreviation
      {"view_graph", "identifier or words"},  // "view" is a common word, though 'ew' is a rare pair
      {"resolveSchema", "identifier or words"},
      {"PasswordField", "identifier or words"},
      {"new-password", "identifier or words"},
      {"DB_PASSWORD_SECRET", "identifier or words"},
      {"OPENAI_API_KEY_SECRET_NAME", "identifier or words"},
      {"JWT_SECRET", "identifier or words"},
      {"self.password", "identifier or words"},
      {"config.apiKey", "identifier or words"},
      {"settings.API_KEY", "identifier or words"},
      {"tokenResponse.accessToken", "identifier or words"},
      {"Rails.application.credentials.secret_key_base", "identifier or words"},
      {"this.props.authToken", "identifier or words"},
      {"$this->password", "identifier or words"},
      {"@password", "identifier or words"},
      {"params[:password]", "identifier or words"},
      {"SecureString", "identifier or words"},
      {"Optional<String>", "identifier or words"},
      {"std::string", "identifier or words"},
      {"ed25519.Ed25519PrivateKey", "identifier or words"},  // a type annotation's type
      {"hashlib.sha256", "identifier or words"},
      {"char*", "identifier or words"},
      {"const std::string&", "identifier or words"},
      {"Vec<&str>", "identifier or words"},
      {"projects.secrets.versions.access", "identifier or words"},
      {"secrets/db_password.txt", "identifier or words"},
      {"correcthorsebatterystaple", "identifier or words"},
      {"Welcome2024", "identifier or words"},
      {"self.token2", "identifier or words"},
      {"HTTPServerConfig", "identifier or words"},
      {"CURLOPTTYPE_OBJECTPOINT+174", "arithmetic on constants"},
      {"WINHTTP_ERROR_BASE+BASE_OFFSET", "arithmetic on constants"},
  };
  for (const auto& c : cases) EXPECT_EQ(WordLikeReason(c.value), c.reason) << c.value;
  for (std::string_view s :
       {"", "https://user:pw@host/x", "a8Kx2(", "Tr0ub4dor", "P4ssw0rd!", "/xK8mP2qR9vLzT4wB",
        "sk-H4AW1bXfY0iEDi4x",
        // Not versions: a random token after a version-like prefix, a dangling suffix, five parts.
        "1.0.0-Kx8mP2qR9vLzT4wB9fQ", "v1.2.3-", "^1.2.3.4.5", "1.2-x9Qp!",
        // '*' and '&' between letters or digits are password symbols, not type punctuation.
        "aldQsa*i1Rym78", "Tr0ub&dor3x",
        // A technical name does not make random digits words.
        "sha256Kq93817xZ", "Xk9mP2sha256qR7vLzT4wB"})
    EXPECT_FALSE(IsWordLike(s)) << s << ": " << WordLikeReason(s);
}

// The common-words list is binary-searched: it must be sorted, lower case, 4-12 letters.
TEST(ValueShape, CommonWordsListIsSortedLowerCase) {
  constexpr std::string_view kWords[] = {
#include "match/common_words.inc"
  };
  ASSERT_GT(std::size(kWords), 1000u);
  for (size_t i = 0; i < std::size(kWords); ++i) {
    const std::string_view w = kWords[i];
    EXPECT_TRUE(w.size() >= 4 && w.size() <= 12) << w;
    for (char c : w) {
      EXPECT_TRUE(c >= 'a' && c <= 'z') << w;
    }
    if (i > 0) {
      EXPECT_LT(kWords[i - 1], w);
    }
  }
}

// Random strings of the alphabets real tokens use are almost never word-like: at most 1% of 16+
// character values (measured rates are ~0.2% at 16 and ~0 at 24+; the bound leaves room).
TEST(ValueShape, RandomStringsAreRarelyWordLike) {
  std::mt19937 rng(12345);
  const std::string_view alphabets[] = {
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "abcdefghijklmnopqrstuvwxyz0123456789",
      "abcdefghijklmnopqrstuvwxyz",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"};
  for (std::string_view alphabet : alphabets) {
    for (size_t len : {16u, 24u, 32u, 40u}) {
      int word_like = 0;
      constexpr int kSamples = 2000;
      for (int i = 0; i < kSamples; ++i) {
        std::string s;
        for (size_t k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
        word_like += IsWordLike(s);
      }
      EXPECT_LE(word_like, kSamples / 100) << alphabet << " length " << len;
    }
  }
}

}  // namespace
}  // namespace leakguard::match
