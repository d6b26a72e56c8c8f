#include "match/hs_runtime.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "base/hash.h"

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

// The fat runtime's narrower entry points, widest first. They are exported by the library but
// not declared in its headers, hence dlsym (absent in a non-fat build: nothing to fall back to).
struct Fallback {
  const char* symbol;
  bool cpu_has_it;
  unsigned long long features;  // the platform features databases are compiled for with it
};

// The verdict cache: one file per (Vectorscan version, CPU platform) holding the entry point's
// name. Written to a temporary name and renamed; anything unreadable means "run the test".
std::string VerdictFile(const hs_platform_info_t& p) {
  const std::string dir = CacheDir();
  if (dir.empty()) return "";
  const std::string key = Sha256Hex(
      fmt::format("leakguard-hs-runtime-v1\n{}\n{}:{}\n", hs_version(), p.tune, p.cpu_features));
  return dir + "/hs-runtime-" + key.substr(0, 32);
}

void SaveVerdict(const std::string& file, const std::string& name) {
  if (file.empty() || !MakeDirs(CacheDir())) return;
  const std::string tmp = fmt::format("{}.tmp.{}", file, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  bool ok = ::write(fd, name.data(), name.size()) == static_cast<ssize_t>(name.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace

HsRuntime DetectHsRuntime() {
  HsRuntime rt;
  hs_populate_platform(&rt.platform);
  const Fallback fallbacks[] = {
      {"avx2_hs_scan", __builtin_cpu_supports("avx2") != 0, HS_CPU_FEATURES_AVX2},
      {"corei7_hs_scan", __builtin_cpu_supports("sse4.2") != 0, 0}};

  const std::string verdict_file = VerdictFile(rt.platform);
  if (!verdict_file.empty()) {
    std::ifstream in(verdict_file);
    std::string cached;
    std::getline(in, cached);
    if (cached == "hs_scan") return rt;
    for (const Fallback& f : fallbacks) {
      if (cached != f.symbol || !f.cpu_has_it) continue;
      if (auto fn = reinterpret_cast<HsScanFn>(::dlsym(RTLD_DEFAULT, f.symbol))) {
        rt.scan = fn;
        rt.platform.cpu_features &= f.features;
        rt.name = f.symbol;
        rt.defect_found = true;
        return rt;
      }
    }
  }

  if (PassesSelfTest(&hs_scan, rt.platform)) {
    SaveVerdict(verdict_file, rt.name);
    return rt;
  }
  rt.defect_found = true;
  for (const Fallback& c : fallbacks) {
    if (!c.cpu_has_it) continue;
    auto fn = reinterpret_cast<HsScanFn>(::dlsym(RTLD_DEFAULT, c.symbol));
    if (!fn) continue;
    hs_platform_info_t platform = rt.platform;
    platform.cpu_features &= c.features;
    if (!PassesSelfTest(fn, platform)) continue;
    rt.scan = fn;
    rt.platform = platform;
    rt.name = c.symbol;
    SaveVerdict(verdict_file, rt.name);
    return rt;
  }
  return rt;  // nothing better: hs_scan with its defect (not cached: the warning says so each run)
}

std::string CacheDir() {
  if (const char* off = std::getenv("LEAKGUARD_NO_CACHE"); off && *off) return "";
  if (const char* d = std::getenv("LEAKGUARD_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/leakguard";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/leakguard";
  return "";
}

bool MakeDirs(const std::string& dir) {
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    cur = dir.substr(0, pos);
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return true;
}

const HsRuntime& GetHsRuntime() {
  static const HsRuntime runtime = DetectHsRuntime();
  return runtime;
}

}  // namespace leakguard::match
