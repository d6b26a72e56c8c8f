#include "base/hash.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>
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

namespace {

// The process's Poly1305 key (32 random bytes) and the MAC implementation, set up once.
struct ContentKeyState {
  std::array<uint8_t, 32> key{};
  EVP_MAC* mac = nullptr;
};

const ContentKeyState& KeyState() {
  static const ContentKeyState* state = [] {
    auto* s = new ContentKeyState;
    if (RAND_bytes(s->key.data(), static_cast<int>(s->key.size())) != 1) {
      // No CSPRNG: the hash would be predictable, so fall back to SHA-256 (see below).
      return s;
    }
    s->mac = EVP_MAC_fetch(nullptr, "POLY1305", nullptr);
    return s;
  }();
  return *state;
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

}  // namespace

ContentKey KeyedContentHash(std::string_view content) {
  ContentKey k;
  k.size = content.size();
  const ContentKeyState& st = KeyState();
  if (st.mac) {
    thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(st.mac));
    size_t len = 0;
    if (ctx && EVP_MAC_init(ctx.get(), st.key.data(), st.key.size(), nullptr) == 1 &&
        EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(content.data()),
                       content.size()) == 1 &&
        EVP_MAC_final(ctx.get(), k.tag.data(), &len, k.tag.size()) == 1 && len == k.tag.size())
      return k;
  }
  // Without Poly1305 or a random key: a collision-resistant hash instead (slower).
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  EVP_Digest(content.data(), content.size(), md, &md_len, EVP_sha256(), nullptr);
  std::memcpy(k.tag.data(), md, k.tag.size());
  return k;
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
