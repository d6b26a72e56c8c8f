// Matcher: finds rule matches in one blob of bytes.
//
// `Scan` is the fast path: one Vectorscan pass over the blob reports, for every rule, the end
// offsets where its regex (or a superset of it) matches. RE2 then confirms only around those
// offsets (a window as wide as the rule's longest possible match) and extracts the secret group.
// A rule's keywords are checked only for its candidates: in the match first (where built-in rules
// always have them), else once per blob, case-insensitively. `ScanSimple` is the reference path —
// RE2 over the whole blob for every rule whose keywords occur — used by tests to check that the
// fast path finds exactly the same.
//
// Each candidate then passes the content filters, in order: empty secret; environment lookup,
// template, placeholder; for rules tagged `generic`, hash, UUID, public key, test fixture and
// word-like (value_shape.h); entropy; the rule's allowlists, the global allowlists, an inline
// allow comment on its line. The shape filters run before entropy so that --explain names the
// most specific reason (a word-like value usually has low entropy too). Filters that
// depend on where the blob was found (rule `path`, allowlist `paths`/`commits`, ignore files) are
// applied later, per location, by `LocationDropReason`.
//
// Thread-safety: a Matcher is used by one thread at a time (it owns the Vectorscan scratch and
// reusable buffers); create one per worker over a shared RulesDatabase.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "match/rules_database.h"
#include "match/validate.h"

namespace leakguard::match {

enum class DropReason : uint8_t {
  kNone = 0,
  kEmptySecret,
  kEntropy,
  kPlaceholder,
  kRuleAllowlist,
  kGlobalAllowlist,
  kInlineAllow,
  kPath,
  kIgnoreFile,
  kChecksum,    // the rule's offline check failed: not that token (validate.h)
  kStopword,    // an allowlist stopword occurs in the secret (detail: the stopword)
  kConfidence,  // below --min-confidence
  // Value-shape filters (value_shape.h). The first two apply to every rule, the rest to rules
  // tagged `generic` only.
  kEnvLookup,
  kSecretReference,  // a secret-manager reference (vault:..., op://..., arn:aws:secretsmanager:...)
  kEncrypted,        // encrypted at rest (SOPS, jasypt, Ansible Vault, SealedSecrets)
  kTemplate,
  kHash,
  kUuid,
  kPublicKey,
  kTestFixture,
  kWordLike,
};
std::string_view DropReasonName(DropReason r);

struct Candidate {
  uint32_t rule = 0;          // index into RulesDatabase::rules()
  size_t start = 0, end = 0;  // the whole match, byte offsets in the blob
  size_t secret_start = 0, secret_end = 0;
  double entropy = 0;
  Confidence confidence = Confidence::kMedium;
  DropReason drop = DropReason::kNone;
  std::string_view drop_detail;  // static text or text owned by the database

  std::string_view Secret(ByteView blob) const {
    return blob.substr(secret_start, secret_end - secret_start);
  }
  std::string_view Match(ByteView blob) const { return blob.substr(start, end - start); }
};

// The text of the line(s) holding [start, end), clipped to `clip` bytes either side so a huge
// single-line file costs bounded work per candidate.
std::string_view LineAround(ByteView blob, size_t start, size_t end, size_t clip = 4096);

// Whether `line` holds an inline allow comment (leakguard:allow, gitleaks:allow, pragma:
// allowlist secret).
bool HasInlineAllow(std::string_view line);

struct MatcherOptions {
  bool keep_dropped = false;   // --explain: return dropped candidates too, with their reason
  bool collect_stats = false;  // --rule-stats: per-rule cost counters
  Confidence min_confidence = Confidence::kLow;  // candidates below it are dropped
};

// The text around a candidate that a validator may look at (the JSON object holding a key).
std::string_view ValidationContext(ByteView blob, const Candidate& c);

// Per-rule cost counters (collected only with MatcherOptions::collect_stats).
struct RuleStats {
  uint64_t prefilter_hits = 0;   // Vectorscan reports
  uint64_t windows = 0;          // RE2 searches
  uint64_t bytes_confirmed = 0;  // bytes RE2 searched
  uint64_t candidates = 0;       // RE2 matches
  uint64_t nanos = 0;            // time in RE2 and the filters
};

class Matcher {
 public:
  explicit Matcher(std::shared_ptr<const RulesDatabase> db, MatcherOptions options = {});
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Replaces `*out` with the candidates in `blob`, sorted by (start, rule).
  // PERF: benchmarked in bench/match_bench.cc
  void Scan(ByteView blob, std::vector<Candidate>* out) { Scan(blob, out, 0); }
  // The same, but prefilter hits ending at or before `min_end` are not confirmed: the caller
  // wants only matches that end after it (the stream redactor, which rescans bytes it has
  // already written as look-back context). Rules without a Vectorscan pattern are unaffected.
  void Scan(ByteView blob, std::vector<Candidate>* out, size_t min_end);
  // The reference path (RE2 over the whole blob per rule); same output as Scan.
  void ScanSimple(ByteView blob, std::vector<Candidate>* out);

  const RulesDatabase& db() const { return *db_; }
  // Indexed like RulesDatabase::rules(); empty unless collect_stats.
  const std::vector<RuleStats>& stats() const { return stats_; }

 private:
  struct Hit {
    uint32_t rule;
    size_t end;
  };
  static int OnMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                     void* ctx);
  void ConfirmRange(uint32_t rule, ByteView blob, size_t from, size_t to,
                    std::vector<Candidate>* out);
  void Filter(ByteView blob, Candidate* c) const;
  // Whether one of the rule's keywords occurs in `match` or anywhere in the blob.
  bool KeywordsPresent(const CompiledRule& cr, ByteView blob, std::string_view match = {});
  bool KeywordInBlob(uint32_t keyword, ByteView blob);

  std::shared_ptr<const RulesDatabase> db_;
  MatcherOptions options_;
  void* scratch_ = nullptr;  // hs_scratch_t*
  std::vector<Hit> hits_;
  size_t min_end_ = 0;  // Scan: hits ending at or before this are dropped
  std::vector<uint32_t> hit_counts_;
  std::vector<uint8_t> keyword_state_;  // per blob: 0 unknown, 1 present, 2 absent
  std::vector<uint8_t> whole_blob_;
  std::string lower_;  // the blob lower-cased, made on the first keyword lookup
  bool lower_valid_ = false;
  std::vector<RuleStats> stats_;
};

// Decides the location-dependent filters for a candidate found at `path` (and `commit`, empty
// outside git): the rule's `path`, allowlists with paths/commits. `secret`, `match` and `line`
// are the candidate's texts (for the content criteria of AND allowlists).
DropReason LocationDropReason(const RulesDatabase& db, uint32_t rule, std::string_view path,
                              std::string_view commit, std::string_view secret,
                              std::string_view match, std::string_view line,
                              std::string_view* detail = nullptr);

// The same for a location known by several paths (a member inside an archive: the whole chain,
// the top-level file, each member name): the rule's `path` applies when it matches any of them,
// and an allowlist's `paths` criterion holds when any of them matches.
DropReason LocationDropReason(const RulesDatabase& db, uint32_t rule,
                              std::span<const std::string_view> paths, std::string_view commit,
                              std::string_view secret, std::string_view match,
                              std::string_view line, std::string_view* detail = nullptr);

// Whether a path-only rule (a rule with `path` and no `regex`) fires for `path`.
bool PathRuleMatches(const RulesDatabase& db, uint32_t rule, std::string_view path);

}  // namespace leakguard::match
