// Flags and helpers shared by the commands that scan: config, output, redaction, exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "findings/finding.h"
#include "findings/ignore_file.h"
#include "match/rules_database.h"
#include "redact/redact.h"
#include "report/reporter.h"

namespace leakguard::cli {

struct CommonFlags {
  std::string config;
  std::vector<std::string> rules;  // --rules (AddRuleFileFlags)
  bool rules_only = false;         // --rules-only
  bool quiet = false;
  bool verbose = false;
};

struct OutputFlags {
  std::string format = "text";
  std::string output;
  std::string redact;  // "" = default policy; "PERCENT" after --redact=PERCENT
  bool redact_given = false;
  bool no_redact = false;
  int exit_code = 1;
  std::string color = "auto";
  bool explain = false;
  std::string min_confidence = "low";
};

// What to read and how much: flags every command that scans content shares.
struct InputFlags {
  int threads = 0;
  std::string max_file_size = "50M";
  bool scan_binary = false;
  std::vector<std::string> ignore_files;
  bool no_ignore_files = false;
  int decode_depth = 2;
  double decode_budget = 2.0;
};

// The validated form of OutputFlags + InputFlags.
struct ScanSettings {
  report::Format format = report::Format::kText;
  redact::MaskPolicy mask;
  uint64_t max_file_size = 0;
  match::Confidence min_confidence = match::Confidence::kLow;
};

void AddCommonFlags(CLI::App* cmd, CommonFlags* f);
// --rules PATH (repeatable) and --rules-only, for the commands that load rules (scan/config.h).
void AddRuleFileFlags(CLI::App* cmd, CommonFlags* f);
// `what` names the unit in help texts ("files", "blobs").
void AddInputFlags(CLI::App* cmd, InputFlags* f, const std::string& what);
// Checks the flags; the error is a usage message.
Result<ScanSettings> ValidateScanFlags(const OutputFlags& out, const InputFlags& in);
// Reads .leakguardignore and .gitleaksignore in each root directory (unless --no-ignore-files)
// and every --ignore-file. Error: an --ignore-file that cannot be read or parsed.
Status LoadIgnoreFiles(const std::vector<std::string>& roots, const InputFlags& in,
                       findings::IgnoreList* ignore);
void AddOutputFlags(CLI::App* cmd, OutputFlags* f);
void SetupLogging(const CommonFlags& f);

// "50M", "1g", "4096" -> bytes. Sizes from `limit` up are refused; the default limit is what
// Vectorscan can scan in one block (4 GiB - 1); pass UINT64_MAX for sizes that are not scanned
// in one block (--max-archive-bytes).
Result<uint64_t> ParseSize(std::string_view text, uint64_t limit = 4ull << 30);
Result<redact::MaskPolicy> MaskFromFlags(const OutputFlags& f);

// Prints "leakguard: <message>" and returns the usage/config exit code (2).
int UsageError(std::string_view message);
int ConfigError(std::string_view message);

// Writes `text` to `path` (created or truncated with mode 0600, never through a symlink) or, when
// `path` is empty or "-", to stdout. Returns 0, or 2 after printing why it failed.
int WriteOutput(const std::string& path, std::string_view text);

// Renders findings to --output (mode 0600) or stdout; returns the exit code for the run.
int WriteReport(const OutputFlags& f, report::Format format, const match::RulesDatabase& db,
                const std::vector<findings::Finding>& findings, const report::Summary& summary);

}  // namespace leakguard::cli
