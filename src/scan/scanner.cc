#include "scan/scanner.h"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "base/log.h"
#include "match/matcher.h"
#include "scan/containers.h"

namespace leakguard::scan {
namespace {

using findings::Finding;
using match::Candidate;
using match::DropReason;

// A bounded queue of work items handed over in batches: one lock and at most one wake-up per
// kBatch files, instead of a futex round trip per file, which dominated small-file scans.
// Workers expanding an archive also offer batches of its members here (TryPushMembers); those go
// first, and the queue is drained only when the producer has closed it and no worker still holds
// a batch (any of them may be expanding an archive and about to offer members). A worker counts
// as holding from the moment Pop hands it a batch until its next Pop: registering later (when
// the expansion starts) let an idle worker see "closed, nothing expanding" and leave, and one
// archive was then read on one core.
class ItemQueue {
 public:
  static constexpr size_t kBatch = 32;
  static constexpr size_t kMemberBudget = 64u << 20;  // member bytes waiting in the queue
  explicit ItemQueue(size_t max_batches) : max_batches_(max_batches) {}

  // Producer side (one thread).
  void Push(input::Item&& item) {
    pending_.push_back(std::move(item));
    if (pending_.size() >= kBatch) Flush();
  }
  void Close() {
    Flush();
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

  // Consumer side: replaces *batch with the next batch; false when the queue is drained.
  // `*holding` is the calling worker's own flag (false before its first call).
  bool Pop(std::vector<input::Item>* batch, bool* holding) {
    std::unique_lock lock(mu_);
    if (*holding) {
      *holding = false;
      if (--holding_ == 0 && closed_) not_empty_.notify_all();
    }
    ++waiting_;
    not_empty_.wait(
        lock, [&] { return !members_.empty() || !batches_.empty() || (closed_ && holding_ == 0); });
    --waiting_;
    if (!members_.empty()) {
      *batch = std::move(members_.front().first);
      member_bytes_ -= members_.front().second;
      members_.pop_front();
    } else if (!batches_.empty()) {
      *batch = std::move(batches_.front());
      batches_.pop_front();
      if (producer_waiting_) not_full_.notify_one();
    } else {
      return false;
    }
    ++holding_;
    *holding = true;
    return true;
  }

  // Hands `*batch` (`bytes` of member content) to other workers, unless that would put more than
  // kMemberBudget bytes in the queue; false (and *batch untouched) then.
  bool TryPushMembers(std::vector<input::Item>* batch, size_t bytes) {
    std::lock_guard lock(mu_);
    if (member_bytes_ > 0 && member_bytes_ + bytes > kMemberBudget) return false;
    member_bytes_ += bytes;
    members_.emplace_back(std::move(*batch), bytes);
    batch->clear();
    if (waiting_ > 0) not_empty_.notify_one();
    return true;
  }

 private:
  void Flush() {
    if (pending_.empty()) return;
    std::unique_lock lock(mu_);
    producer_waiting_ = true;
    not_full_.wait(lock, [&] { return batches_.size() < max_batches_; });
    producer_waiting_ = false;
    batches_.push_back(std::move(pending_));
    pending_.clear();
    if (waiting_ > 0) not_empty_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::vector<input::Item>> batches_;
  std::deque<std::pair<std::vector<input::Item>, size_t>> members_;
  size_t member_bytes_ = 0;
  std::vector<input::Item> pending_;
  size_t max_batches_;
  int waiting_ = 0;
  int holding_ = 0;  // workers between a successful Pop and their next Pop
  bool producer_waiting_ = false;
  bool closed_ = false;
};

// Whether a candidate dropped for `why` still becomes a finding: every drop is shown with
// --explain, and a location drop (path, allowlist by path or commit) is kept for a caller that
// decides per location (`keep_location_drops`) when the content itself passed (`content_drop`).
bool KeepDropped(DropReason why, DropReason content_drop, const ScanOptions& options) {
  return why == DropReason::kNone || options.explain ||
         (options.keep_location_drops && content_drop == DropReason::kNone);
}

bool IsGeneric(const match::RulesDatabase& db, uint32_t rule) {
  return db.rules()[rule].rule->HasTag("generic");
}

// Spans of secrets found by specific (non-generic) rules, for the generic-vs-specific dedup:
// sorted by start, with the running maximum of their ends, so "does any specific span overlap
// [s, e)?" is one binary search, not a scan (a blob may hold 100k tokens).
class SpecificSpans {
 public:
  void Add(size_t start, size_t end) { spans_.emplace_back(start, end); }
  void Finish() {
    std::sort(spans_.begin(), spans_.end());
    for (size_t i = 1; i < spans_.size(); ++i)
      spans_[i].second = std::max(spans_[i].second, spans_[i - 1].second);
  }
  bool Overlaps(size_t s, size_t e) const {
    auto it =
        std::lower_bound(spans_.begin(), spans_.end(), e,
                         [](const std::pair<size_t, size_t>& p, size_t v) { return p.first < v; });
    return it != spans_.begin() && std::prev(it)->second > s;
  }

 private:
  std::vector<std::pair<size_t, size_t>> spans_;  // (start, max end so far)
};

// Whether `pred` holds for a raw candidate whose secret overlaps [start, end) of the blob
// (candidates are sorted by match start; a match starts at most a line's clip before its secret).
template <typename Pred>
bool AnyRawOverlapping(const std::vector<Candidate>& raw, size_t start, size_t end, Pred pred) {
  const size_t from = start > 65536 ? start - 65536 : 0;
  auto it = std::lower_bound(raw.begin(), raw.end(), from,
                             [](const Candidate& c, size_t v) { return c.start < v; });
  for (; it != raw.end() && it->start < end; ++it)
    if (it->secret_start < end && it->secret_end > start && pred(*it)) return true;
  return false;
}

// A decoded candidate gives way to a raw one (the raw one wins) when a raw candidate in its span
// holds the same secret, or when a reported (or inline-allowed) raw candidate of the same rule
// lies in it: the decoding is then the same bytes read again by the same rule (an unquoted
// password holding `%4D` percent-decodes, with its key, to another spelling of itself).
bool RawWins(const std::vector<Candidate>& raw, ByteView blob, size_t start, size_t end,
             uint32_t rule, std::string_view secret) {
  return AnyRawOverlapping(raw, start, end, [&](const Candidate& c) {
    return c.Secret(blob) == secret ||
           (c.rule == rule && (c.drop == DropReason::kNone || c.drop == DropReason::kInlineAllow));
  });
}

// The end shared by raw and decoded findings: `f` (located within the window's blob, at
// [start, end)) gets the window's offsets, its ids, the ignore file's verdict and the explain
// rules, is redacted and appended.
void EmitFinding(Finding f, const Candidate& c, DropReason why, std::string_view detail,
                 const BlobWindow& window, size_t start, size_t end, const ScanOptions& options,
                 uint64_t* suppressed, std::vector<Finding>* out) {
  f.line += window.line_base;
  f.end_line += window.line_base;
  f.offset = window.byte_base + start;
  f.end_offset = window.byte_base + end;
  f.entropy = c.entropy;
  findings::ComputeIds(&f);
  if (why == DropReason::kNone && options.ignore && options.ignore->Suppresses(f)) {
    why = DropReason::kIgnoreFile;
    ++*suppressed;
  }
  if (why != DropReason::kNone) {
    if (!options.explain && !options.keep_location_drops) return;
    f.dropped_by = match::DropReasonName(why);
    f.drop_detail = detail;
  }
  findings::Redact(&f, options.mask);
  out->push_back(std::move(f));
}

// The finding's confidence, and what the rule's offline check found (`text` holds the candidate).
void SetConfidence(const match::RulesDatabase& db, const Candidate& c, ByteView text, Finding* f) {
  f->confidence = match::ConfidenceName(c.confidence);
  const auto v = db.rules()[c.rule].validator;
  if (v == match::ValidatorId::kNone) return;
  match::Validation check =
      match::Validate(v, c.Secret(text), match::ValidationContext(text, c), true);
  f->validation = check.info.empty() ? std::string(check.reason)
                                     : fmt::format("{} ({})", check.reason, check.info);
}

Finding MakeFinding(const match::RulesDatabase& db, uint32_t rule, const input::Provenance& prov) {
  const rules::Rule& r = *db.rules()[rule].rule;
  Finding f;
  f.rule_id = r.id;
  f.description = r.description;
  f.tags = r.tags;
  f.file = prov.path;
  f.rel_path = prov.rel_path;
  f.commit = prov.commit;
  f.blob = prov.blob;
  f.unreachable = prov.unreachable;
  SetContainerFields(prov, &f);
  return f;
}

}  // namespace

void PathFindings(const match::RulesDatabase& db, const input::Provenance& prov,
                  const ScanOptions& options, std::vector<Finding>* out) {
  if (prov.rel_path.empty()) return;  // a git blob no commit holds has no path
  if (db.path_rules().empty()) return;
  const std::string rule_path = RulePath(prov);
  std::vector<std::string> storage;
  const std::vector<std::string_view> paths = LocationPaths(prov, &storage);
  for (uint32_t r : db.path_rules()) {
    if (!match::PathRuleMatches(db, r, rule_path)) continue;
    Finding f = MakeFinding(db, r, prov);
    f.match = "file detected: " + prov.rel_path;
    std::string_view detail;
    DropReason why = match::LocationDropReason(db, r, paths, prov.commit, "", f.match, "", &detail);
    // LocationDropReason checks the rule's path too, which matched; only allowlists remain.
    findings::ComputeIds(&f);
    if (why == DropReason::kNone && options.ignore && options.ignore->Suppresses(f))
      why = DropReason::kIgnoreFile;
    if (why != DropReason::kNone) {
      if (!options.explain && !options.keep_location_drops) continue;
      f.dropped_by = match::DropReasonName(why);
      f.drop_detail = detail;
    }
    out->push_back(std::move(f));
  }
}

void BuildFindings(const match::RulesDatabase& db, ByteView blob,
                   const std::vector<Candidate>& candidates, const input::Provenance& prov,
                   const ScanOptions& options, std::vector<Finding>* out, uint64_t* suppressed,
                   const BlobWindow& window, const std::vector<DecodedCandidate>* decoded) {
  if (candidates.empty()) return;
  findings::LineCounter starts(blob);
  std::vector<std::string> path_storage;
  const std::vector<std::string_view> paths = LocationPaths(prov, &path_storage);
  SpecificSpans specific;
  // A token whose checksum fails counts too: it is no secret, and a generic rule must not report
  // it in its stead.
  for (const Candidate& c : candidates)
    if ((c.drop == DropReason::kNone || c.drop == DropReason::kChecksum) && !IsGeneric(db, c.rule))
      specific.Add(c.secret_start, c.secret_end);
  // Encoded spans in which a specific rule found a decoded secret: a low-confidence raw finding
  // of (nearly) the whole encoded text there, such as a Kubernetes Secret's base64 value, gives
  // way to it. (A raw finding of medium or high confidence stays, and the decoded one gives way:
  // see BuildDecodedFindings.)
  std::vector<std::pair<size_t, size_t>> decoded_spans;
  if (decoded)
    for (const DecodedCandidate& d : *decoded)
      if (d.candidate.drop == DropReason::kNone && !IsGeneric(db, d.candidate.rule)) {
        specific.Add(d.span_start, d.span_end);
        decoded_spans.emplace_back(d.span_start, d.span_end);
      }
  specific.Finish();
  std::sort(decoded_spans.begin(), decoded_spans.end());
  auto is_encoded_text = [&](size_t s, size_t e) {
    auto it = std::upper_bound(decoded_spans.begin(), decoded_spans.end(),
                               std::pair<size_t, size_t>(s, SIZE_MAX));
    for (; it != decoded_spans.begin();) {
      --it;
      if (it->first <= s && e <= it->second && (e - s) * 10 >= (it->second - it->first) * 9)
        return true;
      if (s - it->first > 65536) break;
    }
    return false;
  };

  for (const Candidate& c : candidates) {
    if (c.start < window.report_from || c.start >= window.report_to) continue;
    DropReason why = c.drop;
    std::string_view detail = c.drop_detail;
    std::string_view secret = c.Secret(blob);
    std::string_view match = c.Match(blob);
    std::string_view line = match::LineAround(blob, c.start, c.end);
    if (why == DropReason::kNone)
      why = match::LocationDropReason(db, c.rule, paths, prov.commit, secret, match, line, &detail);
    if (why == DropReason::kNone && IsGeneric(db, c.rule) &&
        specific.Overlaps(c.secret_start, c.secret_end)) {
      why = DropReason::kRuleAllowlist;
      detail = "covered by a specific rule";
    }
    if (why == DropReason::kNone && !decoded_spans.empty() &&
        c.confidence == match::Confidence::kLow && is_encoded_text(c.secret_start, c.secret_end)) {
      why = DropReason::kRuleAllowlist;
      detail = "covered by the secret decoded from it";
    }
    if (why == DropReason::kInlineAllow) ++*suppressed;
    if (!KeepDropped(why, c.drop, options)) continue;
    Finding f = MakeFinding(db, c.rule, prov);
    starts.LocateSpan(c.secret_start, c.secret_end, &f);
    f.secret = secret;
    f.match = match;
    f.line_text = line;
    SetConfidence(db, c, blob, &f);
    EmitFinding(std::move(f), c, why, detail, window, c.secret_start, c.secret_end, options,
                suppressed, out);
  }
}

void BuildDecodedFindings(const match::RulesDatabase& db, ByteView blob,
                          const std::vector<Candidate>& raw,
                          const std::vector<DecodedCandidate>& decoded,
                          const input::Provenance& prov, const ScanOptions& options,
                          std::vector<Finding>* out, uint64_t* suppressed,
                          const BlobWindow& window) {
  if (decoded.empty()) return;
  findings::LineCounter starts(blob);
  std::vector<std::string> path_storage;
  const std::vector<std::string_view> paths = LocationPaths(prov, &path_storage);
  std::vector<SpecificSpans> specific;  // per level, in that level's decoded text
  for (const DecodedCandidate& d : decoded) {
    if (specific.size() <= d.level) specific.resize(d.level + 1);
    const Candidate& c = d.candidate;
    if ((c.drop == DropReason::kNone || c.drop == DropReason::kInlineAllow) &&
        !IsGeneric(db, c.rule))
      specific[d.level].Add(c.secret_start, c.secret_end);
  }
  for (SpecificSpans& s : specific) s.Finish();
  // Raw tokens of medium or high confidence: text decoded from inside one (the presigned URL in
  // an AWS Bedrock short-term key) is part of that finding, not another.
  SpecificSpans raw_tokens;
  for (const Candidate& c : raw)
    if (c.drop == DropReason::kNone && c.confidence != match::Confidence::kLow)
      raw_tokens.Add(c.secret_start, c.secret_end);
  raw_tokens.Finish();
  std::set<std::tuple<size_t, uint32_t, std::string_view>> seen;  // (span, rule, secret)

  for (const DecodedCandidate& d : decoded) {
    const Candidate& c = d.candidate;
    if (d.span_start < window.report_from || d.span_start >= window.report_to) continue;
    const std::string_view secret = c.Secret(d.text);
    const std::string_view match = c.Match(d.text);
    if (RawWins(raw, blob, d.span_start, d.span_end, c.rule, secret)) continue;
    if (!seen.emplace(d.span_start, c.rule, secret).second) continue;
    // The matcher judged inline allow comments on the decoded text's line; what counts is the
    // line of the encoded span.
    const std::string_view line = match::LineAround(blob, d.span_start, d.span_end);
    DropReason content = c.drop == DropReason::kInlineAllow ? DropReason::kNone : c.drop;
    if (content == DropReason::kNone && match::HasInlineAllow(line))
      content = DropReason::kInlineAllow;
    DropReason why = content;
    std::string_view detail = c.drop_detail;
    if (why == DropReason::kNone)
      why = match::LocationDropReason(db, c.rule, paths, prov.commit, secret, match, line, &detail);
    if (why == DropReason::kNone && IsGeneric(db, c.rule) &&
        specific[d.level].Overlaps(c.secret_start, c.secret_end)) {
      why = DropReason::kRuleAllowlist;
      detail = "covered by a specific rule";
    }
    if (why == DropReason::kNone && raw_tokens.Overlaps(d.span_start, d.span_end)) {
      why = DropReason::kRuleAllowlist;
      detail = "decoded from inside a token a specific rule reports";
    }
    if (why == DropReason::kInlineAllow) ++*suppressed;
    if (!KeepDropped(why, content, options)) continue;
    Finding f = MakeFinding(db, c.rule, prov);
    starts.LocateSpan(d.span_start, d.span_end, &f);
    f.secret = secret;
    f.match = match;
    f.line_text = line;
    SetConfidence(db, c, d.text, &f);
    f.decoded.assign(d.chain.begin(), d.chain.end());
    f.encoded = blob.substr(d.span_start, d.span_end - d.span_start);
    EmitFinding(std::move(f), c, why, detail, window, d.span_start, d.span_end, options, suppressed,
                out);
  }
}

Scanner::Scanner(std::shared_ptr<const match::RulesDatabase> db, ScanOptions options)
    : db_(std::move(db)), options_(options) {}

ScanResult Scanner::Run(input::Source& source) {
  const auto t0 = std::chrono::steady_clock::now();
  int threads = options_.threads > 0
                    ? options_.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  struct WorkerState {
    std::vector<Finding> findings;
    report::Summary summary;
    std::vector<match::RuleStats> stats;
  };
  std::vector<WorkerState> states(static_cast<size_t>(threads));
  report::Summary enum_summary;
  ItemQueue queue(static_cast<size_t>(threads) * 4);

  auto count_skip = [](report::Summary* s, input::SkipReason reason) {
    switch (reason) {
      case input::SkipReason::kBinary:
        ++s->skipped_binary;
        break;
      case input::SkipReason::kTooLarge:
        ++s->skipped_too_large;
        break;
      case input::SkipReason::kUnreadable:
        ++s->skipped_unreadable;
        break;
      case input::SkipReason::kNotRegular:
        ++s->skipped_other;
        break;
      case input::SkipReason::kEncrypted:
        ++s->skipped_encrypted;
        break;
      case input::SkipReason::kNone:
        break;
    }
  };

  // Archives: limits, the blob cache, the images found (annotated once everything is read).
  input::ReadOptions read = options_.read;
  read.archives = options_.archives;
  input::ArchiveLimits limits = options_.archive_limits;
  limits.max_member_size = options_.read.max_file_size;
  limits.scan_binary = options_.read.scan_binary;
  BlobCache blob_cache;
  std::mutex images_mu;
  std::vector<input::ImageLayout> images;

  auto worker = [&](WorkerState* st) {
    match::Matcher matcher(
        db_, match::MatcherOptions{options_.explain, options_.rule_stats, options_.min_confidence});
    std::unique_ptr<input::ItemReader> reader = source.NewReader();
    std::string buf;
    std::vector<Candidate> candidates;
    std::vector<input::Item> batch;

    auto scan = [&](ByteView blob) {
      if (options_.use_simple_matcher)
        matcher.ScanSimple(blob, &candidates);
      else
        matcher.Scan(blob, &candidates);
    };
    // Secrets inside encoded text of `blob` (after its own scan; `candidates` is left alone).
    DecodedScan decoded_scan;
    auto decode = [&](ByteView blob, const input::Provenance& prov) {
      if (options_.decode_depth <= 0) return std::vector<DecodedCandidate>{};
      if (!decoded_scan.Run(matcher, options_.use_simple_matcher, blob, options_.decode_depth,
                            options_.decode_budget))
        Debug("{}: decoding stopped after {} decoded bytes (--decode-budget {} x {} bytes)",
              PrintablePath(prov.path), decoded_scan.decoded_bytes(), options_.decode_budget,
              blob.size());
      return decoded_scan.Candidates();
    };

    // A blob found inside an archive or a notebook (already in memory, already judged text).
    auto scan_member = [&](input::Item& item) {
      const input::Provenance& prov = item.prov;
      // A member that is a file of its own (not a notebook part) gets the path-only rules.
      if (prov.archive_chain.size() >= 2 && prov.cell == 0 && !prov.notebook_metadata)
        PathFindings(*db_, prov, options_, &st->findings);
      const ByteView blob = item.data;
      std::shared_ptr<const std::vector<Candidate>> cached;
      ContentKey id;
      if (options_.dedup_members) {
        id = KeyedContentHash(blob);
        cached = blob_cache.Find(id);
      }
      if (cached) {
        ++st->summary.duplicate_members;
      } else {
        scan(blob);
        if (options_.dedup_members) blob_cache.Insert(id, candidates);
      }
      const std::vector<Candidate>& raw = cached ? *cached : candidates;
      const std::vector<DecodedCandidate> decoded = decode(blob, prov);
      BuildFindings(*db_, blob, raw, prov, options_, &st->findings, &st->summary.suppressed, {},
                    &decoded);
      BuildDecodedFindings(*db_, blob, raw, decoded, prov, options_, &st->findings,
                           &st->summary.suppressed);
      ++st->summary.archive_members;
      st->summary.bytes_scanned += blob.size();
    };
    auto scan_member_safely = [&](input::Item& item) {
      try {
        scan_member(item);
      } catch (const std::exception& e) {
        ++st->summary.skipped_unreadable;
        Warn("{}: skipped after an internal error: {}", PrintablePath(item.prov.path), e.what());
      }
    };

    // Expands one container with `run` (which returns nullopt when the input is not one after
    // all). Members are batched to idle workers, or scanned here when the queue is full.
    auto expand = [&](auto&& run) -> bool {
      std::vector<input::Item> pending;
      size_t pending_bytes = 0;
      auto flush = [&] {
        if (pending.empty()) return;
        if (threads == 1 || !queue.TryPushMembers(&pending, pending_bytes)) {
          for (input::Item& m : pending) scan_member_safely(m);
          pending.clear();
        }
        pending_bytes = 0;
      };
      input::ContainerCallbacks cb;
      cb.blob = [&](input::Provenance&& p, std::string&& data) {
        input::Item m;
        m.prov = std::move(p);
        m.data = std::move(data);
        m.in_memory = true;
        m.check_binary = false;
        pending_bytes += m.data.size();
        pending.push_back(std::move(m));
        if (pending.size() >= ItemQueue::kBatch || pending_bytes >= (1u << 20)) flush();
      };
      cb.skipped = [&](input::SkipReason why, const input::Provenance& p, const std::string&) {
        count_skip(&st->summary, why);
        if (p.archive_chain.size() >= 2 && p.cell == 0)
          PathFindings(*db_, p, options_, &st->findings);
      };
      std::optional<input::ContainerStats> cs = run(cb);
      flush();
      if (!cs) return false;
      ++st->summary.files_scanned;
      st->summary.archives += cs->archives;
      st->summary.archives_incomplete += cs->incomplete;
      if (!cs->images.empty()) {
        std::lock_guard lock(images_mu);
        for (auto& image : cs->images) images.push_back(std::move(image));
      }
      return true;
    };

    auto process = [&](input::Item& item) {
      if (item.prov.kind == input::Provenance::Kind::kArchiveMember) {
        scan_member(item);
        return;
      }
      if (item.chunk_index == 0) {
        PathFindings(*db_, item.prov, options_, &st->findings);
        for (const input::Provenance& p : item.also_at)
          PathFindings(*db_, p, options_, &st->findings);
      }
      if (item.stream_fd >= 0) {  // an archive on standard input
        expand([&](const input::ContainerCallbacks& cb) {
          return std::optional(
              input::ExpandContainerFd(item.stream_fd, item.data, item.prov, limits, cb));
        });
        return;
      }
      std::string detail;
      input::SkipReason why = reader ? reader->Read(item, read, &buf, &detail)
                                     : input::ReadItem(item, read, &buf, &detail);
      if (why == input::SkipReason::kTooLarge && options_.archives && !item.fs_path.empty() &&
          expand([&](const input::ContainerCallbacks& cb) {
            return input::ExpandLargeArchiveFile(item.fs_path, item.prov, limits, cb);
          }))
        return;
      if (why != input::SkipReason::kNone) {
        count_skip(&st->summary, why);
        if (why == input::SkipReason::kBinary)
          Debug("{}", detail);
        else
          Warn("{}", detail);
        return;
      }
      if (options_.archives && !item.in_memory &&
          input::DetectContainer(buf, item.prov.rel_path) != input::ContainerKind::kNone) {
        expand([&](const input::ContainerCallbacks& cb) {
          return std::optional(input::ExpandContainer(buf, item.prov, limits, cb));
        });
        return;
      }
      scan(buf);
      const std::vector<DecodedCandidate> decoded = decode(buf, item.prov);
      BlobWindow window{item.report_from, item.report_to, item.line_base, item.byte_base};
      BuildFindings(*db_, buf, candidates, item.prov, options_, &st->findings,
                    &st->summary.suppressed, window, &decoded);
      BuildDecodedFindings(*db_, buf, candidates, decoded, item.prov, options_, &st->findings,
                           &st->summary.suppressed, window);
      for (const input::Provenance& p : item.also_at) {
        BuildFindings(*db_, buf, candidates, p, options_, &st->findings, &st->summary.suppressed,
                      window, &decoded);
        BuildDecodedFindings(*db_, buf, candidates, decoded, p, options_, &st->findings,
                             &st->summary.suppressed, window);
      }
      // A stream's chunks count as one input, and overlap bytes are counted once.
      if (item.chunk_index == 0) ++st->summary.files_scanned;
      st->summary.bytes_scanned +=
          std::min(buf.size(), item.report_to) - std::min(buf.size(), item.report_from);
    };

    bool holding = false;
    while (queue.Pop(&batch, &holding)) {
      for (input::Item& item : batch) {
        try {
          process(item);
        } catch (const std::exception& e) {
          ++st->summary.skipped_unreadable;
          Warn("{}: skipped after an internal error: {}", PrintablePath(item.prov.path), e.what());
        }
        // Large buffers are not kept between files: a worker's memory follows its current file.
        if (buf.capacity() > (64u << 20)) std::string().swap(buf);
      }
    }
    st->stats = matcher.stats();
  };

  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker, &states[static_cast<size_t>(i)]);
  Status st = source.Enumerate(
      [&](input::Item&& item) { queue.Push(std::move(item)); },
      [&](input::SkipReason reason, const std::string& /*path*/, const std::string& detail) {
        count_skip(&enum_summary, reason);
        if (!detail.empty()) Warn("{}", detail);
      });
  queue.Close();
  for (auto& t : pool) t.join();
  if (!st.ok()) Warn("{}", st.message());

  ScanResult result;
  result.summary = enum_summary;
  for (auto& ws : states) {
    auto& s = ws.summary;
    result.summary.files_scanned += s.files_scanned;
    result.summary.bytes_scanned += s.bytes_scanned;
    result.summary.skipped_binary += s.skipped_binary;
    result.summary.skipped_too_large += s.skipped_too_large;
    result.summary.skipped_unreadable += s.skipped_unreadable;
    result.summary.skipped_other += s.skipped_other;
    result.summary.suppressed += s.suppressed;
    result.summary.archives += s.archives;
    result.summary.archive_members += s.archive_members;
    result.summary.archives_incomplete += s.archives_incomplete;
    result.summary.skipped_encrypted += s.skipped_encrypted;
    result.summary.duplicate_members += s.duplicate_members;
    for (auto& f : ws.findings) result.findings.push_back(std::move(f));
    if (!ws.stats.empty()) {
      result.rule_stats.resize(ws.stats.size());
      for (size_t i = 0; i < ws.stats.size(); ++i) {
        auto& a = result.rule_stats[i];
        const auto& b = ws.stats[i];
        a.prefilter_hits += b.prefilter_hits;
        a.windows += b.windows;
        a.bytes_confirmed += b.bytes_confirmed;
        a.candidates += b.candidates;
        a.nanos += b.nanos;
      }
    }
  }
  AnnotateImages(images, &result.findings);
  findings::SortFindings(&result.findings);
  for (const auto& f : result.findings)
    if (f.dropped_by.empty()) ++result.summary.findings;
  result.summary.rules = db_->rules().size();
  result.summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace leakguard::scan
