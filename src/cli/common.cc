#include "cli/common.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "base/log.h"

namespace leakguard::cli {

void AddCommonFlags(CLI::App* cmd, CommonFlags* f) {
  cmd->add_option("-c,--config", f->config,
                  "Rules config: gitleaks/Betterleaks TOML (default: .leakguard.toml or "
                  ".gitleaks.toml at the scanned directory, else the built-in rules)");
  cmd->add_flag("-q,--quiet", f->quiet, "Only errors on stderr (no warnings, notes or summary)");
  cmd->add_flag("-v,--verbose", f->verbose, "Also debug notes (e.g. each binary file skipped)");
}

void AddRuleFileFlags(CLI::App* cmd, CommonFlags* f) {
  cmd->add_option("--rules", f->rules,
                  "Add the rules of this file or directory: Nosey Parker / Kingfisher / Titus YAML "
                  "(a directory is searched for *.yml, *.yaml) or gitleaks TOML; repeatable")
      ->allow_extra_args(false);  // one value per use: never swallow the positional arguments
  cmd->add_flag("--rules-only", f->rules_only,
                "Use only the rules given with --rules (not the built-in rules or a config)");
}

void AddOutputFlags(CLI::App* cmd, OutputFlags* f) {
  cmd->add_option("-f,--format", f->format, "Report format: text, json, jsonl, sarif, csv")
      ->capture_default_str();
  cmd->add_option("-o,--output", f->output,
                  "Write the report to this file (created with mode 0600); default: stdout");
  cmd->add_option("--redact", f->redact,
                  "--redact=PERCENT: percent of each secret to hide in reports (0-100); default: "
                  "show at most the first 4 characters")
      ->expected(0, 1)
      ->default_str("");
  cmd->add_flag("--no-redact", f->no_redact, "Show secrets in full in the report (careful)");
  cmd->add_option("--exit-code", f->exit_code, "Exit code when secrets are found (default 1)");
  cmd->add_option("--color", f->color,
                  "Colour in text output: auto (on a terminal), always, never");
  cmd->add_flag("--explain", f->explain,
                "Also list candidates that were dropped, with the filter that dropped each");
  cmd->add_option("--min-confidence", f->min_confidence,
                  "Report only findings of at least this confidence: low (generic and entropy "
                  "rules too), medium (specific formats), high (checksum or structure verified)")
      ->default_str("low");
}

void SetupLogging(const CommonFlags& f) {
  SetLogLevel(f.quiet ? LogLevel::kError : f.verbose ? LogLevel::kDebug : LogLevel::kNote);
}

Result<uint64_t> ParseSize(std::string_view text, uint64_t limit) {
  if (text.empty()) return Err(InvalidArgument("empty size"));
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr == text.data())
    return Err(InvalidArgument(fmt::format("'{}' is not a size (e.g. 4096, 512K, 50M, 2G)", text)));
  std::string_view unit(ptr, static_cast<size_t>(text.data() + text.size() - ptr));
  uint64_t mul = 1;
  if (unit.empty() || unit == "B" || unit == "b")
    mul = 1;
  else if (unit == "K" || unit == "k" || unit == "KiB" || unit == "KB")
    mul = 1ull << 10;
  else if (unit == "M" || unit == "m" || unit == "MiB" || unit == "MB")
    mul = 1ull << 20;
  else if (unit == "G" || unit == "g" || unit == "GiB" || unit == "GB")
    mul = 1ull << 30;
  else if (limit > (4ull << 30) && (unit == "T" || unit == "t" || unit == "TiB" || unit == "TB"))
    mul = 1ull << 40;
  else
    return Err(InvalidArgument(fmt::format("'{}': unknown unit '{}' (use K, M or G)", text, unit)));
  if (value > (UINT64_MAX / mul))
    return Err(InvalidArgument(fmt::format("'{}' is too large", text)));
  uint64_t bytes = value * mul;
  // Vectorscan scans blocks of at most 4 GiB - 1.
  if (bytes >= limit && limit == (4ull << 30))
    return Err(InvalidArgument(fmt::format("'{}': at most 4095M", text)));
  if (bytes >= limit) return Err(InvalidArgument(fmt::format("'{}' is too large", text)));
  return bytes;
}

Result<redact::MaskPolicy> MaskFromFlags(const OutputFlags& f) {
  redact::MaskPolicy p;
  if (f.no_redact) {
    if (!f.redact.empty())
      return Err(InvalidArgument("--redact and --no-redact cannot be used together"));
    p.enabled = false;
    return p;
  }
  if (!f.redact.empty()) {
    int pct = -1;
    auto [ptr, ec] = std::from_chars(f.redact.data(), f.redact.data() + f.redact.size(), pct);
    if (ec != std::errc() || ptr != f.redact.data() + f.redact.size() || pct < 0 || pct > 100)
      return Err(InvalidArgument(
          fmt::format("--redact takes a percentage from 0 to 100, not '{}'", f.redact)));
    p.percent = pct;
  }
  return p;
}

void AddInputFlags(CLI::App* cmd, InputFlags* f, const std::string& what) {
  cmd->add_option("-j,--threads", f->threads, "Worker threads (default 0 = all cores)");
  cmd->add_option("--max-file-size", f->max_file_size,
                  fmt::format("Skip (and name in a warning) {} larger than this; K/M/G suffixes "
                              "(default 50M)",
                              what));
  cmd->add_flag("--scan-binary", f->scan_binary, fmt::format("Scan {} that look binary too", what));
  cmd->add_option("--ignore-file", f->ignore_files,
                  "Also suppress the findings listed in this file (fingerprints, secret ids or "
                  "gitleaks' [commit:]path:rule:line); repeatable")
      ->allow_extra_args(false);  // one value per use: never swallow the positional arguments
  cmd->add_flag("--no-ignore-files", f->no_ignore_files,
                "Do not read .leakguardignore / .gitleaksignore at the scanned root");
  cmd->add_option("--decode-depth", f->decode_depth,
                  "Also look for secrets inside base64, hex, percent-encoded and escaped text, "
                  "decoding up to this many nested levels (0 = off, at most 8)")
      ->capture_default_str();
  cmd->add_option("--decode-budget", f->decode_budget,
                  fmt::format("Decode at most this many bytes per byte of each of the {}, all "
                              "levels together (then stop decoding it; --verbose names it)",
                              what))
      ->capture_default_str();
}

Result<ScanSettings> ValidateScanFlags(const OutputFlags& out, const InputFlags& in) {
  ScanSettings s;
  auto max_size = ParseSize(in.max_file_size);
  if (!max_size)
    return Err(InvalidArgument(fmt::format("--max-file-size: {}", max_size.error().message())));
  s.max_file_size = *max_size;
  auto format = report::ParseFormat(out.format);
  if (!format) return Err(format.error());
  s.format = *format;
  auto mask = MaskFromFlags(out);
  if (!mask) return Err(mask.error());
  s.mask = *mask;
  auto confidence = match::ParseConfidence(out.min_confidence);
  if (!confidence)
    return Err(InvalidArgument(
        fmt::format("--min-confidence must be low, medium or high, not '{}'", out.min_confidence)));
  s.min_confidence = *confidence;
  if (in.decode_depth < 0 || in.decode_depth > 8)
    return Err(InvalidArgument("--decode-depth must be from 0 (off) to 8"));
  if (!(in.decode_budget > 0) || in.decode_budget > 1000)
    return Err(InvalidArgument("--decode-budget must be a number above 0 and at most 1000"));
  if (in.threads < 0 || in.threads > 1024)
    return Err(InvalidArgument("--threads must be from 0 (all cores) to 1024"));
  return s;
}

Status LoadIgnoreFiles(const std::vector<std::string>& roots, const InputFlags& in,
                       findings::IgnoreList* ignore) {
  if (!in.no_ignore_files) {
    for (const auto& root : roots) {
      struct stat st;
      if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
      (void)ignore->AddFile(root + "/.leakguardignore", true);
      (void)ignore->AddFile(root + "/.gitleaksignore", true);
    }
  }
  for (const auto& p : in.ignore_files)
    if (Status s = ignore->AddFile(p, false); !s.ok()) return s;
  return Status::Ok();
}

int UsageError(std::string_view message) {
  fmt::print(stderr, "leakguard: error: {}\n", message);
  return 2;
}

int ConfigError(std::string_view message) {
  fmt::print(stderr, "leakguard: error: {}\n", message);
  return 2;
}

int WriteOutput(const std::string& path, std::string_view text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0) {
      fmt::print(stderr, "leakguard: error: writing the report to stdout: {}\n",
                 std::strerror(errno));
      return 2;
    }
    return 0;
  }
  // Reports may hold secrets (--no-redact, or partial masks): owner-only, even if the file
  // already existed with wider permissions.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    fmt::print(stderr, "leakguard: error: {}: cannot write the report: {}\n", PrintablePath(path),
               std::strerror(errno));
    return 2;
  }
  // Tighten a pre-existing regular file; never a device or FIFO (`-o /dev/null` run as root
  // must not change /dev/null's mode).
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) != 0600)
    ::fchmod(fd, 0600);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fmt::print(stderr, "leakguard: error: {}: writing the report: {}\n", PrintablePath(path),
                 std::strerror(errno));
      ::close(fd);
      return 2;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    fmt::print(stderr, "leakguard: error: {}: writing the report: {}\n", PrintablePath(path),
               std::strerror(errno));
    return 2;
  }
  return 0;
}

int WriteReport(const OutputFlags& f, report::Format format, const match::RulesDatabase& db,
                const std::vector<findings::Finding>& findings, const report::Summary& summary) {
  report::ReportOptions ro;
  ro.tool_version = LEAKGUARD_VERSION;
  ro.explain = f.explain;
  ro.mask = MaskFromFlags(f).value_or(redact::MaskPolicy{});
  for (const auto& cr : db.rules())
    ro.rules.push_back({cr.rule->id, cr.rule->description, cr.rule->tags});
  const bool to_stdout = f.output.empty() || f.output == "-";
  if (f.color == "always")
    ro.color = true;
  else if (f.color == "never")
    ro.color = false;
  else if (f.color == "auto")
    ro.color = to_stdout && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  else
    return UsageError("--color must be auto, always or never");

  std::ostringstream buf;
  auto reporter = report::MakeReporter(format, ro);
  if (Status s = reporter->Write(findings, summary, buf); !s.ok()) {
    fmt::print(stderr, "leakguard: error: writing the report: {}\n", s.message());
    return 2;
  }
  if (int rc = WriteOutput(f.output, buf.str()); rc != 0) return rc;
  // The text report carries its summary line; other formats keep stdout machine-readable, so
  // the summary goes to stderr.
  if (format != report::Format::kText || !to_stdout) Note("{}", report::SummaryLine(summary));
  return summary.findings > 0 ? f.exit_code : 0;
}

}  // namespace leakguard::cli
