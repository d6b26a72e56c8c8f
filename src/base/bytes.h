// Byte views. Scanned content is arbitrary bytes (not necessarily UTF-8); the matcher and the
// regex engines work on `std::string_view` over those bytes, which is what RE2 and Vectorscan
// take, so `ByteView` is simply a string_view used for bytes.
#pragma once

#include <string_view>

namespace leakguard {
using ByteView = std::string_view;
}  // namespace leakguard
