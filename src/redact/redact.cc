#include "redact/redact.h"

#include <algorithm>

namespace leakguard::redact {
namespace {
constexpr std::string_view kMask = "****";

// Keeps whole UTF-8 characters: never cuts a multi-byte sequence in half.
size_t Utf8Prefix(std::string_view s, size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}
}  // namespace

std::string MaskSecret(std::string_view secret, const MaskPolicy& policy) {
  if (!policy.enabled || secret.empty()) return std::string(secret);
  size_t keep;
  if (policy.percent < 0) {
    keep = std::min<size_t>(4, secret.size() / 4);
  } else {
    int pct = std::clamp(policy.percent, 0, 100);
    if (pct == 0) return std::string(secret);
    keep = secret.size() * static_cast<size_t>(100 - pct) / 100;
  }
  std::string out(secret.substr(0, Utf8Prefix(secret, keep)));
  out += kMask;
  return out;
}

std::string MaskIn(std::string_view text, std::string_view secret, const MaskPolicy& policy) {
  if (!policy.enabled || secret.empty()) return std::string(text);
  std::string mask = MaskSecret(secret, policy);
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t hit = text.find(secret, pos);
    if (hit == std::string_view::npos) break;
    out.append(text.substr(pos, hit - pos));
    out += mask;
    pos = hit + secret.size();
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace leakguard::redact
