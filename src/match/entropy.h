// Shannon entropy of a byte string, in bits per byte (0 for empty input, at most 8).
// PERF: benchmarked in bench/match_bench.cc
#pragma once

#include <string_view>

namespace leakguard::match {
double ShannonEntropy(std::string_view s);
}  // namespace leakguard::match
