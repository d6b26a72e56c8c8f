#include "match/hs_runtime.h"

#include <dlfcn.h>

#include <string>

namespace leakguard::match {
namespace {

// Whether `scan` reports the token after every run of 0..255 filler bytes with a database
// compiled for `platform`. The pattern pair and input come from the defect's reduction: the
// AVX-512 runtime of Vectorscan 5.4.9 misses the first pattern after about 63 filler bytes.
bool PassesSelfTest(HsScanFn scan, const hs_platform_info_t& platform) {
  const char* patterns[] = {R"(\b(tok_[a-z0-9]{12})\b)",
                            R"re((?i)(?:token|secret)\s{0,4}=\s{0,4}"([^"]{8,64})")re"};
  const unsigned flags[] = {0, 0};
  const unsigned ids[] = {0, 1};
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(patterns, flags, ids, 2, HS_MODE_BLOCK, &platform, &db, &err) !=
      HS_SUCCESS) {
    hs_free_compile_error(err);
    return false;
  }
  hs_scratch_t* scratch = nullptr;
  bool ok = hs_alloc_scratch(db, &scratch) == HS_SUCCESS;
  for (size_t n = 0; ok && n < 256; ++n) {
    const std::string text = std::string(n, 'q') + "\ntok_a1b2c3d4e5f6\n";
    int found = 0;
    const hs_error_t rc = scan(
        db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
        [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
          if (id == 0) ++*static_cast<int*>(ctx);
          return 0;
        },
        &found);
    ok = rc == HS_SUCCESS && found == 1;
  }
  hs_free_scratch(scratch);
  hs_free_database(db);
  return ok;
}

HsRuntime Choose() {
  HsRuntime rt;
  hs_populate_platform(&rt.platform);
  if (PassesSelfTest(&hs_scan, rt.platform)) return rt;
  rt.defect_found = true;
  // The fat runtime's narrower entry points, widest first. They are exported by the library but
  // not declared in its headers, hence dlsym (absent in a non-fat build: nothing to fall back to).
  struct Candidate {
    const char* symbol;
    bool cpu_has_it;
    unsigned long long features;
  };
  const Candidate candidates[] = {
      {"avx2_hs_scan", __builtin_cpu_supports("avx2") != 0, HS_CPU_FEATURES_AVX2},
      {"corei7_hs_scan", __builtin_cpu_supports("sse4.2") != 0, 0}};
  for (const Candidate& c : candidates) {
    if (!c.cpu_has_it) continue;
    auto fn = reinterpret_cast<HsScanFn>(::dlsym(RTLD_DEFAULT, c.symbol));
    if (!fn) continue;
    hs_platform_info_t platform = rt.platform;
    platform.cpu_features &= c.features;
    if (!PassesSelfTest(fn, platform)) continue;
    rt.scan = fn;
    rt.platform = platform;
    rt.name = c.symbol;
    return rt;
  }
  return rt;  // nothing better: hs_scan with its defect (the reference path stays exact)
}

}  // namespace

const HsRuntime& GetHsRuntime() {
  static const HsRuntime runtime = Choose();
  return runtime;
}

}  // namespace leakguard::match
