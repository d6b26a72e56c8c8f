// Reporters: findings and a run summary rendered as text, json, jsonl, sarif or csv.
//
// Reporters print what they are given: the scan pipeline has already redacted every finding
// (unless the user asked for --no-redact). A reporter never opens the datastore or the inputs.
// Formats:
//   text   readable, one block per finding, a one-line summary; ANSI colours only if `color`.
//   json   one document {"findings": [...], "summary": {...}}.
//   jsonl  one finding object per line (no summary).
//   sarif  SARIF 2.1.0 as GitHub code scanning accepts it.
//   csv    RFC 4180, a header row, one row per finding.
// Thread-safety: a Reporter is used from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "findings/finding.h"

namespace leakguard::report {

enum class Format { kText, kJson, kJsonl, kSarif, kCsv };

// Parses "text", "json", "jsonl", "sarif", "csv".
Result<Format> ParseFormat(std::string_view name);

struct Summary {
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  uint64_t findings = 0;
  uint64_t skipped_binary = 0;
  uint64_t skipped_too_large = 0;
  uint64_t skipped_unreadable = 0;  // permission denied, I/O errors, vanished files
  uint64_t skipped_other = 0;       // FIFOs, devices, sockets, symlinks not followed
  uint64_t suppressed = 0;          // dropped by inline allow comments / ignore files
  // Archives, images and notebooks (all zero when none were met).
  uint64_t archives = 0;             // archives opened, nested ones included
  uint64_t archive_members = 0;      // blobs scanned inside archives and notebooks
  uint64_t archives_incomplete = 0;  // archives not read to their end (a limit, corruption)
  uint64_t skipped_encrypted = 0;    // encrypted members (or archives) not scanned
  uint64_t duplicate_members = 0;    // members whose content was already scanned elsewhere
  double seconds = 0;
  size_t rules = 0;
  // `leakguard git`: the inputs were git blobs (files_scanned counts unique blobs) from this many
  // commits.
  bool git = false;
  uint64_t commits = 0;
};

struct RuleInfo {
  std::string id;
  std::string description;
  std::vector<std::string> tags;
};

struct ReportOptions {
  bool color = false;           // text only
  std::string tool_version;     // sarif/json
  std::vector<RuleInfo> rules;  // sarif: tool.driver.rules
  bool explain = false;         // findings include dropped candidates (dropped_by set)
  redact::MaskPolicy mask;      // the user's --redact policy, for any text a format derives
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual Status Write(const std::vector<findings::Finding>& findings, const Summary& summary,
                       std::ostream& out) = 0;
};

std::unique_ptr<Reporter> MakeReporter(Format format, ReportOptions options);

// Human-readable size and rate helpers shared by text output and the CLI summary line.
std::string HumanBytes(uint64_t bytes);
std::string SummaryLine(const Summary& s);

}  // namespace leakguard::report
