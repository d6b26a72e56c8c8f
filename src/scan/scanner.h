// The scan pipeline: source -> read -> match -> findings.
//
// The calling thread enumerates the source into a bounded queue; `threads` workers each own a
// Matcher and a read buffer (reused across items, so the hot loop allocates only for findings),
// read an item, scan its bytes once for all rules, and turn confirmed candidates into findings:
// line/column, location filters (rule path, allowlist paths), ignore files, and a generic-vs-
// specific dedup (a generic rule's finding on the same bytes as a specific rule's is dropped).
// Every finding is redacted before it leaves the pipeline unless `mask.enabled` is false.
//
// Skipped inputs are counted by reason; unreadable ones, FIFOs/devices and files over the size
// limit are also named in a warning. Binary files are counted only (they are common and expected).
//
// Archives, container images and notebooks (`archives`, input/archive.h): the worker that reads
// one expands it, and hands its members to idle workers as in-memory items (at most a few tens of
// MiB in flight; past that, or with one thread, it scans them itself), so decompression and
// matching overlap. Identical member content is matched once (scan/containers.h). Findings inside
// image tarballs get their image, layer and in-final-image fields once all inputs are read.
#pragma once

#include <memory>
#include <vector>

#include "findings/finding.h"
#include "findings/ignore_file.h"
#include "input/archive.h"
#include "input/source.h"
#include "match/matcher.h"
#include "match/rules_database.h"
#include "redact/redact.h"
#include "report/reporter.h"
#include "scan/decoded.h"

namespace leakguard::scan {

struct ScanOptions {
  int threads = 0;  // 0 = all cores
  input::ReadOptions read;
  bool explain = false;  // keep dropped candidates (findings with dropped_by set)
  match::Confidence min_confidence = match::Confidence::kLow;  // --min-confidence
  redact::MaskPolicy mask;
  const findings::IgnoreList* ignore = nullptr;
  bool use_simple_matcher = false;      // the RE2-only reference path (tests, --engine=re2)
  bool rule_stats = false;              // collect per-rule cost counters (--rule-stats)
  bool archives = true;                 // --archives=on: open archives, images and notebooks
  input::ArchiveLimits archive_limits;  // max_member_size and scan_binary are taken from `read`
  bool dedup_members = true;            // match identical archive member content once
  // Also keep findings dropped because of where they are (allowlisted path or commit, inline
  // allow, ignore file), with dropped_by set; content-level drops (entropy, placeholder) are not
  // kept. `leakguard git` needs them to decide which commit introduced a secret before
  // filtering.
  bool keep_location_drops = false;
  // Secrets inside encoded text (scan/decoded.h): levels of decoding (0 = off), and the decoded
  // bytes allowed per blob, as a multiple of its size.
  int decode_depth = 2;
  double decode_budget = 2.0;
};

struct ScanResult {
  std::vector<findings::Finding> findings;  // sorted; dropped ones too in explain mode
  report::Summary summary;
  std::vector<match::RuleStats> rule_stats;  // summed over workers; empty unless asked
};

class Scanner {
 public:
  Scanner(std::shared_ptr<const match::RulesDatabase> db, ScanOptions options);
  ScanResult Run(input::Source& source);

 private:
  std::shared_ptr<const match::RulesDatabase> db_;
  ScanOptions options_;
};

// Which part of a blob is reported, for chunks of a stream (see input::Item).
struct BlobWindow {
  size_t report_from = 0;
  size_t report_to = SIZE_MAX;
  uint64_t line_base = 0;
  uint64_t byte_base = 0;
};

// Builds the findings of one blob from its candidates (exposed for other pipelines: git, tests).
// `decoded`, when given, are the candidates found inside the blob's encoded text: a generic rule's
// finding on an encoded span where a specific rule found a decoded secret is dropped, as it is
// when the specific secret is raw, and so is any low-confidence finding of (nearly) the whole
// encoded text.
void BuildFindings(const match::RulesDatabase& db, ByteView blob,
                   const std::vector<match::Candidate>& candidates, const input::Provenance& prov,
                   const ScanOptions& options, std::vector<findings::Finding>* out,
                   uint64_t* suppressed, const BlobWindow& window = {},
                   const std::vector<DecodedCandidate>* decoded = nullptr);

// Builds the findings of the secrets found inside encoded text of one blob (DecodedScan::
// Candidates): located at the encoded span, with the chain of encodings in `decoded`. A secret
// that `raw` (the blob's own candidates) holds at the same place, or that a shallower level found
// in the same span, is not reported again. Inline allow comments apply on the encoded span's line.
void BuildDecodedFindings(const match::RulesDatabase& db, ByteView blob,
                          const std::vector<match::Candidate>& raw,
                          const std::vector<DecodedCandidate>& decoded,
                          const input::Provenance& prov, const ScanOptions& options,
                          std::vector<findings::Finding>* out, uint64_t* suppressed,
                          const BlobWindow& window = {});

// Path-only rules (rules with `path` and no `regex`) that fire for `prov`.
void PathFindings(const match::RulesDatabase& db, const input::Provenance& prov,
                  const ScanOptions& options, std::vector<findings::Finding>* out);

}  // namespace leakguard::scan
