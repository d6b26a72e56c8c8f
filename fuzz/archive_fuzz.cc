// libFuzzer target: input::ExpandContainer on arbitrary bytes (archives of every format nested in
// each other, image tarballs, notebooks). It must never crash, hang, or hand out more bytes than
// the limits allow. Not built by CMake (the project builds with g++); build and run with clang:
//
//   clang++ -std=c++2b -D__cpp_concepts=202002L -Wno-builtin-macro-redefined -g -O1 \
//     -fsanitize=fuzzer,address,undefined -Isrc fuzz/archive_fuzz.cc src/input/archive.cc \
//     src/input/image.cc src/input/notebook.cc src/input/source.cc src/base/log.cc \
//     -larchive -lfmt -o archive_fuzz
//   ./archive_fuzz CORPUS testdata/archives -max_len=65536 -timeout=10 -rss_limit_mb=2048
//
// (-D__cpp_concepts: clang 14 with libstdc++ 12 does not otherwise expose std::expected.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/log.h"
#include "input/archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    leakguard::SetLogSink([](leakguard::LogLevel, std::string_view) {});
    return true;
  }();
  (void)quiet;
  leakguard::input::ArchiveLimits limits;
  limits.max_bytes = 4u << 20;
  limits.max_seconds = 2;
  limits.max_member_size = 1u << 20;
  leakguard::input::Provenance prov;
  prov.path = prov.rel_path = size > 0 && data[0] == '{' ? "fuzz.ipynb" : "fuzz";
  uint64_t handed = 0;
  leakguard::input::ContainerCallbacks cb;
  cb.blob = [&](leakguard::input::Provenance&&, std::string&& blob) { handed += blob.size(); };
  cb.skipped = [](leakguard::input::SkipReason, const leakguard::input::Provenance&,
                  const std::string&) {};
  const auto stats = leakguard::input::ExpandContainer(
      std::string_view(reinterpret_cast<const char*>(data), size), prov, limits, cb);
  for (const auto& image : stats.images) (void)image.Locate({"fuzz", "layer.tar", "etc/x"});
  // Member bytes are metered: at most the limit plus the read that crossed it (notebook parts,
  // which are not archive members, are bounded by the input itself).
  if (stats.archives > 0 && stats.bytes_out > limits.max_bytes + (64u << 10)) std::abort();
  return 0;
}
