#include "report/reporter.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "report/formats.h"

namespace leakguard::report {
namespace {

// 1204 -> "1,204". Locale-independent on purpose: the summary must read the same everywhere.
std::string WithCommas(uint64_t n) {
  std::string digits = fmt::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Counted(uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", WithCommas(n), n == 1 ? one : many);
}

}  // namespace

Result<Format> ParseFormat(std::string_view name) {
  static constexpr std::pair<std::string_view, Format> kFormats[] = {
      {"text", Format::kText},   {"json", Format::kJson}, {"jsonl", Format::kJsonl},
      {"sarif", Format::kSarif}, {"csv", Format::kCsv},
  };
  for (const auto& [n, f] : kFormats)
    if (n == name) return f;
  return Err(InvalidArgument(
      fmt::format("unknown report format '{}' (expected text, json, jsonl, sarif or csv)", name)));
}

std::unique_ptr<Reporter> MakeReporter(Format format, ReportOptions options) {
  switch (format) {
    case Format::kText:
      return internal::MakeTextReporter(std::move(options));
    case Format::kJson:
      return internal::MakeJsonReporter(std::move(options));
    case Format::kJsonl:
      return internal::MakeJsonlReporter(std::move(options));
    case Format::kSarif:
      return internal::MakeSarifReporter(std::move(options));
    case Format::kCsv:
      return internal::MakeCsvReporter(std::move(options));
  }
  return nullptr;  // unreachable: every enumerator is handled above
}

std::string HumanBytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  static constexpr std::string_view kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes);
  size_t unit = 0;
  v /= 1024;
  // Move up a unit when one decimal would round to 1024 ("1024.0 KiB" reads as a bug).
  while (unit + 1 < std::size(kUnits) && v >= 1023.95) {
    v /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", v, kUnits[unit]);
}

namespace internal {

std::string TopLevelRelPath(const findings::Finding& f) {
  if (f.archive_chain.size() < 2) return f.rel_path;
  size_t members = 0;
  for (size_t i = 1; i < f.archive_chain.size(); ++i) members += 1 + f.archive_chain[i].size();
  if (members >= f.rel_path.size()) return f.rel_path;
  return f.rel_path.substr(0, f.rel_path.size() - members);
}

std::string ContainerLocationText(const findings::Finding& f) {
  if (f.archive_chain.empty() && f.cell == 0 && !f.notebook_metadata) return {};
  std::string s = "in " + f.file;
  if (f.cell > 0) s += fmt::format(", cell {}", f.cell);
  if (f.cell_output > 0) s += fmt::format(", output {}", f.cell_output);
  if (f.notebook_metadata) s += ", notebook metadata";
  if (f.line > 0) s += fmt::format(", line {}", f.line);
  if (!f.layer.empty()) s += fmt::format(", image layer {}", f.layer);
  if (f.in_final_image && !*f.in_final_image) s += " (deleted or replaced in a later layer)";
  return s;
}

}  // namespace internal

std::string SummaryLine(const Summary& s) {
  double secs = std::isfinite(s.seconds) && s.seconds > 0 ? s.seconds : 0.0;
  const std::string inputs =
      s.git ? fmt::format("{}, {}", Counted(s.commits, "commit", "commits"),
                          Counted(s.files_scanned, "unique blob", "unique blobs"))
            : Counted(s.files_scanned, "file", "files");
  std::string line =
      fmt::format("scanned {} ({}) in {:.2f}s: {}; skipped {} binary, {} too large, {} unreadable",
                  inputs, HumanBytes(s.bytes_scanned), secs,
                  Counted(s.findings, "finding", "findings"), WithCommas(s.skipped_binary),
                  WithCommas(s.skipped_too_large), WithCommas(s.skipped_unreadable));
  if (s.skipped_other > 0) line += fmt::format(", {} other", WithCommas(s.skipped_other));
  if (s.suppressed > 0) line += fmt::format("; {} suppressed", WithCommas(s.suppressed));
  if (s.archives > 0)
    line += fmt::format("; {} opened, {} scanned", Counted(s.archives, "archive", "archives"),
                        Counted(s.archive_members, "member", "members"));
  else if (s.archive_members > 0)
    line +=
        fmt::format("; {} scanned", Counted(s.archive_members, "notebook part", "notebook parts"));
  if (s.archives_incomplete > 0)
    line += fmt::format(", {} not read to the end (see warnings)",
                        Counted(s.archives_incomplete, "archive", "archives"));
  if (s.skipped_encrypted > 0)
    line += fmt::format(", {} not scanned",
                        Counted(s.skipped_encrypted, "encrypted member", "encrypted members"));
  return line;
}

}  // namespace leakguard::report
