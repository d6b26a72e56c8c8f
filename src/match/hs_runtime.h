// Which Vectorscan runtime scans, and which platform databases are compiled for.
//
// Debian 12's Vectorscan (5.4.9) has false negatives in its AVX-512 runtime: with some pattern
// sets, a match is not reported once the scanned block is longer than a vector (upstream fixed a
// series of AVX-512 accelerator bugs in later releases; VectorCamp/vectorscan#317 is one). A
// prefilter that misses a match breaks leakguard's central invariant, so the first use runs a
// self-test: a two-pattern database known to trigger the defect, scanned after runs of 0..255
// filler bytes. If `hs_scan` misses a match and the library exports the AVX2 (or SSE4.2) entry
// point of its fat runtime, that entry point scans instead, over databases compiled without
// AVX-512 features, after passing the same self-test. The choice is made once per process, and
// cached (keyed by the Vectorscan version and the CPU's platform) since the self-test compiles
// two small databases, which would otherwise add ~60 ms to every start.
//
// Internal to the match module: hs_* types do not leave it.
#pragma once

#include <hs/hs.h>

#include <string>

namespace leakguard::match {

using HsScanFn = hs_error_t (*)(const hs_database_t*, const char*, unsigned, unsigned,
                                hs_scratch_t*, match_event_handler, void*);

struct HsRuntime {
  HsScanFn scan = &hs_scan;
  hs_platform_info_t platform{};  // what databases are compiled for (part of the cache key)
  std::string name = "hs_scan";   // the entry point in use
  bool defect_found = false;      // hs_scan failed the self-test
};

// The runtime for this process: DetectHsRuntime(), once.
const HsRuntime& GetHsRuntime();
// Reads the cached verdict, or runs the self-test (and caches its verdict). For tests.
HsRuntime DetectHsRuntime();

// Where compiled databases (and the self-test's verdict) are cached: LEAKGUARD_CACHE_DIR, else
// $XDG_CACHE_HOME/leakguard, else ~/.cache/leakguard; empty when LEAKGUARD_NO_CACHE is set.
std::string CacheDir();
// mkdir -p with mode 0700.
bool MakeDirs(const std::string& dir);

}  // namespace leakguard::match
