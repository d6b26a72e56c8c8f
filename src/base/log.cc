#include "base/log.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>

namespace leakguard {
namespace {
std::mutex g_mu;
std::function<void(LogLevel, std::string_view)> g_sink;
std::atomic<int> g_level{static_cast<int>(LogLevel::kNote)};
std::atomic<size_t> g_warnings{0};
}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

void SetLogSink(std::function<void(LogLevel, std::string_view)> sink) {
  std::lock_guard lock(g_mu);
  g_sink = std::move(sink);
}

size_t WarningCount() { return g_warnings.load(); }
void ResetWarningCount() { g_warnings = 0; }

void LogMessage(LogLevel level, std::string_view message) {
  if (level >= LogLevel::kWarning) ++g_warnings;
  if (static_cast<int>(level) < g_level.load()) return;
  std::lock_guard lock(g_mu);
  if (g_sink) {
    g_sink(level, message);
    return;
  }
  const char* prefix = "";
  switch (level) {
    case LogLevel::kDebug:
      prefix = "debug: ";
      break;
    case LogLevel::kNote:
      prefix = "note: ";
      break;
    case LogLevel::kWarning:
      prefix = "warning: ";
      break;
    case LogLevel::kError:
      prefix = "error: ";
      break;
  }
  std::fprintf(stderr, "leakguard: %s%.*s\n", prefix, static_cast<int>(message.size()),
               message.data());
}

std::string PrintablePath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= path.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(path[i + k]) >> 6) == 2;
    if (ok && len == 1 && (c < 0x20 || c == 0x7f)) ok = false;
    if (ok && len > 1) {
      // Reject what is not UTF-8 (overlong forms, surrogates, > U+10FFFF) and C1 controls
      // (U+0080..U+009F: U+009B is a terminal CSI).
      uint32_t cp = c & (0x7f >> len);
      for (size_t k = 1; k < len; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(path[i + k]) & 0x3f);
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) && cp > 0x9f;
    }
    if (!ok) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    out.append(path.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace leakguard
