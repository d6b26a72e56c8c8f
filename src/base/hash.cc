#include "base/hash.h"

#include <openssl/evp.h>

#include <string>

namespace leakguard {

std::string ToHex(const uint8_t* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

std::string BlobId::Hex() const { return ToHex(bytes.data(), bytes.size()); }

BlobId GitBlobId(std::string_view content) {
  std::string header = "blob " + std::to_string(content.size());
  header.push_back('\0');
  BlobId id;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, header.data(), header.size());
  EVP_DigestUpdate(ctx, content.data(), content.size());
  EVP_DigestFinal_ex(ctx, id.bytes.data(), nullptr);
  EVP_MD_CTX_free(ctx);
  return id;
}

std::string Sha256Hex(std::string_view data) {
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return ToHex(md, len);
}

std::string FingerprintHex(std::initializer_list<std::string_view> parts, size_t n_bytes) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) EVP_DigestUpdate(ctx, "\0", 1);
    first = false;
    EVP_DigestUpdate(ctx, p.data(), p.size());
  }
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  if (n_bytes > len) n_bytes = len;
  return ToHex(md, n_bytes);
}

}  // namespace leakguard
