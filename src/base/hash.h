// Hashing via OpenSSL: SHA-256 fingerprints, and keys that recognise repeated content within one
// process. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace leakguard {

// A key for recognising repeated content within one process (the same file in two image layers,
// in a wheel and its sdist): a Poly1305 tag of the content under a key drawn once per process
// from OpenSSL's CSPRNG, and the content's size. Equal content gives equal keys. Poly1305 is a
// universal hash: two given inputs of n 16-byte blocks get the same tag under a random key with
// probability below 8n/2^106, and as the key never leaves the process, content cannot be crafted
// to collide with other content (a colliding member would be reported with the other's
// findings). About 10 GB/s here, six times SHA-1's speed. Not stable across processes: never
// store or print it.
struct ContentKey {
  std::array<uint8_t, 16> tag{};
  uint64_t size = 0;
  bool operator==(const ContentKey&) const = default;
};

ContentKey KeyedContentHash(std::string_view content);

// Lower-case hex of SHA-256 over `data`.
std::string Sha256Hex(std::string_view data);

// Lower-case hex of the first `n_bytes` bytes of SHA-256 over the parts joined with NUL bytes.
// Used for fingerprints: stable across runs, machines and versions.
std::string FingerprintHex(std::initializer_list<std::string_view> parts, size_t n_bytes = 16);

std::string ToHex(const uint8_t* data, size_t n);

}  // namespace leakguard
