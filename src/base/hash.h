// Hashing: git blob ids (SHA-1 of "blob <len>\0" + content) and SHA-256 fingerprints, via
// OpenSSL. Stateless and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace leakguard {

// A git blob object id: identical content has the same id wherever it was found.
struct BlobId {
  std::array<uint8_t, 20> bytes{};
  std::string Hex() const;
  bool operator==(const BlobId&) const = default;
  auto operator<=>(const BlobId&) const = default;
};

// The git blob SHA-1 of `content`.
BlobId GitBlobId(std::string_view content);

// Lower-case hex of SHA-256 over `data`.
std::string Sha256Hex(std::string_view data);

// Lower-case hex of the first `n_bytes` bytes of SHA-256 over the parts joined with NUL bytes.
// Used for fingerprints: stable across runs, machines and versions.
std::string FingerprintHex(std::initializer_list<std::string_view> parts, size_t n_bytes = 16);

std::string ToHex(const uint8_t* data, size_t n);

}  // namespace leakguard
