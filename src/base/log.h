// Diagnostics for people: warnings and notes on stderr, counted.
//
// Every message is built by the caller from paths, rule ids and counts, never from scanned
// content, so no secret reaches a log line. `Log` is thread-safe: lines from parallel workers are
// written whole. Tests can capture messages with `SetLogSink`.
#pragma once

#include <fmt/core.h>

#include <functional>
#include <string>
#include <string_view>

namespace leakguard {

enum class LogLevel { kDebug, kNote, kWarning, kError };

void LogMessage(LogLevel level, std::string_view message);

template <typename... Args>
void Warn(fmt::format_string<Args...> f, Args&&... args) {
  LogMessage(LogLevel::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Note(fmt::format_string<Args...> f, Args&&... args) {
  LogMessage(LogLevel::kNote, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Debug(fmt::format_string<Args...> f, Args&&... args) {
  LogMessage(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
}

// Messages below `level` are dropped (default: kNote).
void SetLogLevel(LogLevel level);
// Replaces the stderr writer (nullptr restores it). For tests.
void SetLogSink(std::function<void(LogLevel, std::string_view)> sink);
// Number of warnings logged since start (or the last reset).
size_t WarningCount();
void ResetWarningCount();

// Renders a path for a message: bytes that are not printable UTF-8 are escaped as \xNN so a
// hostile file name cannot inject terminal escapes.
std::string PrintablePath(std::string_view path);

}  // namespace leakguard
