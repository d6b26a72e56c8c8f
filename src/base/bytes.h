// Byte views. Scanned content is arbitrary bytes (not necessarily UTF-8); the matcher and the
// regex engines work on `std::string_view` over those bytes, which is what RE2 and Vectorscan
// take, so `ByteView` is simply a string_view used for bytes.
#pragma once

#include <string_view>

namespace leakguard {
using ByteView = std::string_view;

// Whether `hay` contains `lower_needle` (lower-case ASCII), ignoring ASCII case in `hay`.
inline bool ContainsAsciiCaseless(std::string_view hay, std::string_view lower_needle) {
  if (lower_needle.empty()) return true;
  if (hay.size() < lower_needle.size()) return false;
  for (size_t i = 0; i + lower_needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < lower_needle.size()) {
      char c = hay[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != lower_needle[k]) break;
      ++k;
    }
    if (k == lower_needle.size()) return true;
  }
  return false;
}

}  // namespace leakguard
