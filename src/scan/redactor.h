// Redaction: a stream of bytes in, the same stream out with every detected secret masked.
//
//   scan::Redactor redactor(db, scan::RedactOptions{.keep = 4});
//   scan::RedactStream stream(redactor, "app.log");   // the Redactor must outlive its streams
//   std::string out;
//   while (read(...)) { stream.Feed(chunk, &out); write(out); out.clear(); }
//   stream.Finish(&out); write(out);
//
// The same rules, configuration and allowlists as `leakguard scan` decide what a secret is:
// candidates come from match::Matcher, the content filters (entropy, placeholders, allowlists)
// and the location filters for the stream's path apply. Two differences, both towards masking
// more: an inline `leakguard:allow` marker does not unmask a secret (log lines carry text that
// whoever writes to the log controls), and ignore files (.leakguardignore) are not read (they
// accept a finding in a repository, which is no reason to print the secret into a log).
//
// Streaming. Output is written a line at a time, as soon as the line is decided: a line is
// decided when it is complete and no secret that could include it may still be growing. For the
// rules whose secret stays on one line (match::SecretTailLineBounded: all built-in rules but the
// private keys), a complete line is decided at once — what precedes the secret may span lines, so
// 64 KiB already written is kept as context for the matcher. For the others (a PEM block), lines
// are held back while the end of the input might be an unfinished match (the rule's prefix
// pattern, match::PrefixPattern, matches it), at most 64 KiB, the matcher's own window. A rule
// of that kind whose regex the parser does not know holds the last 64 KiB back unconditionally.
//
// Memory is bounded whatever the input: a line longer than `long_line` bytes is written in
// pieces, holding back `overlap` bytes at its end (and never cutting through a secret that fits
// in the held-back part). Bytes outside secrets are written exactly as read: CRLF, invalid
// UTF-8 and NUL bytes included.
//
// Masks: `[REDACTED:<rule-id>]` by default, or `mask` (where `{rule}` stands for the rule id).
// With `keep` = N, the first N characters of each secret stay visible, never more than a quarter
// of it. A secret spanning lines is masked line by line, keeping the line breaks, so the output
// has as many lines as the input. Overlapping secrets are masked as one, named after the most
// specific rule (a non-generic one).
//
// Thread-safety: a Redactor is immutable and shared by any number of streams and threads; a
// RedactStream is used by one thread at a time.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/matcher.h"
#include "match/rules_database.h"

namespace leakguard::scan {

struct RedactOptions {
  std::string mask;  // empty: "[REDACTED:<rule-id>]"; "{rule}" in it is replaced by the rule id
  size_t keep = 0;   // characters of each secret left visible (at most a quarter of it)

  // Streaming limits (tests lower them to exercise the long-line and hold paths cheaply).
  size_t context = 64u << 10;   // bytes already written kept for the matcher's look-back
  size_t long_line = 1u << 20;  // a partial line longer than this is written in pieces...
  size_t overlap = 64u << 10;   // ...holding back this many bytes of its end
  size_t max_hold = 64u << 10;  // how long a possible multi-line secret may hold lines back
};

struct RedactStats {
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t secrets = 0;  // secrets masked (overlapping ones count once)
  // Secrets found only after their beginning had been written unmasked (possible only for a
  // secret longer than the limits above, or a custom multi-line rule the parser does not know).
  uint64_t late_secrets = 0;
};

// One masked piece of output, for callers that want to know what was redacted.
struct RedactedSpan {
  uint64_t start = 0, end = 0;  // stream byte offsets of the masked input bytes
  uint32_t rule = 0;            // index into RulesDatabase::rules(): the rule the mask names
};

class Redactor {
 public:
  // Prepares redaction with the rules of `db`: which rules can hold lines back, and their prefix
  // patterns. `notes` (optional) receives a line for each rule that must hold 64 KiB back
  // unconditionally (rule ids only).
  Redactor(std::shared_ptr<const match::RulesDatabase> db, RedactOptions options,
           std::vector<std::string>* notes = nullptr);
  ~Redactor();

  const match::RulesDatabase& db() const { return *db_; }
  const std::shared_ptr<const match::RulesDatabase>& db_ptr() const { return db_; }
  const RedactOptions& options() const { return options_; }

  // A rule whose secret may span lines: how it holds lines back.
  struct Hold {
    uint32_t rule = 0;
    std::unique_ptr<RE2> prefixes;  // `(?:prefix pattern)\z`; null: hold unconditionally
    size_t limit = 0;               // bytes: min(rule's max width, max_hold)
  };
  const std::vector<Hold>& holds() const { return holds_; }

  // The whole of `text` at once (the reference path the stream is tested against). `path` is
  // the input's path for rules and allowlists with path criteria ("-" for standard input).
  // `matcher`, when given, is used instead of a new one (callers that redact many small texts
  // keep a pool: a Matcher allocates Vectorscan scratch space). It must be over db().
  std::string RedactAll(std::string_view text, std::string_view path, RedactStats* stats = nullptr,
                        std::vector<RedactedSpan>* spans = nullptr,
                        match::Matcher* matcher = nullptr) const;

 private:
  std::shared_ptr<const match::RulesDatabase> db_;
  RedactOptions options_;
  std::vector<Hold> holds_;
};

class RedactStream {
 public:
  // `path`: the input's path for rules and allowlists with path criteria ("-" for stdin).
  RedactStream(const Redactor& redactor, std::string path);
  // The same, scanning with `matcher` (over redactor.db(), used by one stream at a time).
  RedactStream(const Redactor& redactor, std::string path, match::Matcher* matcher);
  RedactStream(const RedactStream&) = delete;
  RedactStream& operator=(const RedactStream&) = delete;

  // Takes the next bytes of the stream and appends to `*out` whatever is now decided (whole
  // lines, or pieces of a very long line). Never fails.
  // PERF: benchmarked in bench/redact_bench.cc
  void Feed(std::string_view data, std::string* out);
  // End of the stream: appends the rest.
  void Finish(std::string* out);

  const RedactStats& stats() const { return stats_; }
  // Appends every masked piece to `*spans` from now on (null: stop). Pieces of one secret
  // written in two steps (a forced release inside it) appear as two spans.
  void CollectSpans(std::vector<RedactedSpan>* spans) { spans_ = spans; }
  // Bytes taken but not yet written (tests: memory stays bounded).
  size_t pending() const { return static_cast<size_t>(base_ + buf_.size() - written_); }
  size_t buffered() const { return buf_.size(); }

 private:
  friend class Redactor;  // RedactAll: one Process over the whole text

  void Process(bool eof, std::string* out);
  // Writes the mask for buf_[from, to), part of a secret of `secret_size` bytes of `rule` that
  // starts at `from` when `starts_here`.
  void WriteMasked(size_t from, size_t to, uint32_t rule, bool starts_here, size_t secret_size,
                   std::string* out) const;
  // Whether stream bytes [from, to) were all masked by earlier Process calls.
  bool AlreadyMasked(uint64_t from, uint64_t to) const;

  const Redactor& redactor_;
  const RedactOptions& options_;
  std::unique_ptr<match::Matcher> own_matcher_;
  match::Matcher* matcher_;
  std::string path_;
  std::string buf_;               // stream bytes [base_, base_ + buf_.size())
  uint64_t base_ = 0;             // stream offset of buf_[0]
  uint64_t written_ = 0;          // stream offset up to which output was produced
  bool pending_newline_ = false;  // a newline arrived since the last Process
  size_t retry_at_ = 0;  // a long line that could not be released: retry once this much is pending
  std::vector<match::Candidate> candidates_;
  std::vector<std::pair<uint64_t, uint64_t>> masked_;  // recent masked spans (stream offsets)
  RedactStats stats_;
  std::vector<RedactedSpan>* spans_ = nullptr;
};

}  // namespace leakguard::scan
