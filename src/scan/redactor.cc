// The stream redactor. How a line is decided (see redactor.h for the contract):
//
// Every Process call scans the whole buffer — up to `context` bytes already written, then what
// is pending — once with the Matcher, as `leakguard scan` would, and picks a release point R:
// the end of the last complete line (or, inside a line longer than `long_line`, `overlap` bytes
// before the end of the data). Two things pull R back:
//
//  1. Holds. For a rule whose secret may span lines, a match that began before R may still be
//     incomplete. Its prefix pattern P (every prefix of every match) answers that: searched as
//     `(?:P)\z` over the last `limit` bytes, a non-empty match starting at p says "a match may
//     have begun at p and not ended yet", so R moves back to the start of p's line. RE2 runs an
//     end-anchored search backwards from the end, so this costs a few bytes per rule, not a pass.
//  2. Secrets crossing R. A confirmed secret that starts before R and ends after it pulls R back
//     to the start of its line (or to its first byte, inside a long line).
//
// Then [written, R) is written with every accepted secret in it masked, and the buffer is cut
// back to `context` bytes before R. Memory is bounded: a long line is released in pieces, holds
// last at most `max_hold` bytes, and past long_line + max_hold + overlap pending bytes R is forced
// forward — a secret crossing a forced R is masked in two parts, and one whose beginning was
// written unmasked (only possible past those limits) is counted in `late_secrets`.
#include "scan/redactor.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>

#include "base/check.h"
#include "match/regex_info.h"
#include "rules/loader.h"

namespace leakguard::scan {
namespace {

// Feed() takes its input in slices of at most this size, so one scan stays far below
// Vectorscan's 4 GiB block limit and the buffer stays bounded whatever the caller passes.
constexpr size_t kFeedSlice = 16u << 20;

bool IsGeneric(const match::RulesDatabase& db, uint32_t rule) {
  return db.rules()[rule].rule->HasTag("generic");
}

// Bytes of the first `chars` characters of `s` (UTF-8; an invalid byte counts as one character),
// never more than `cap` bytes and never part of a character.
size_t KeepBytes(std::string_view s, size_t chars, size_t cap) {
  size_t i = 0;
  for (size_t n = 0; n < chars && i < s.size(); ++n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > s.size()) len = 1;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) len = 1;
    if (i + len > cap) break;
    i += len;
  }
  return i;
}

}  // namespace

Redactor::Redactor(std::shared_ptr<const match::RulesDatabase> db, RedactOptions options,
                   std::vector<std::string>* notes)
    : db_(std::move(db)), options_(std::move(options)) {
  options_.overlap = std::max<size_t>(options_.overlap, 1);
  options_.long_line = std::max(options_.long_line, options_.overlap + 1);
  options_.max_hold = std::max<size_t>(options_.max_hold, 1);
  const auto& rules = db_->rules();
  for (uint32_t r = 0; r < rules.size(); ++r) {
    const match::CompiledRule& cr = rules[r];
    if (cr.mode == match::PrefilterMode::kPathOnly) continue;
    if (match::SecretTailLineBounded(cr.rule->regex, cr.rule->secret_group)) continue;
    Hold h;
    h.rule = r;
    h.limit = std::min(cr.max_width(), options_.max_hold);
    if (auto p = match::PrefixPattern(cr.rule->regex)) {
      h.prefixes = std::make_unique<RE2>("(?:" + *p + ")\\z", rules::RegexOptions());
      if (!h.prefixes->ok()) h.prefixes.reset();
    }
    if (!h.prefixes && notes)
      notes->push_back(fmt::format(
          "rule '{}' can match across lines and its regex is beyond leakguard's analysis: redact "
          "holds the last {} bytes back for it",
          cr.rule->id, h.limit));
    holds_.push_back(std::move(h));
  }
}

Redactor::~Redactor() = default;

std::string Redactor::RedactAll(std::string_view text, std::string_view path, RedactStats* stats,
                                std::vector<RedactedSpan>* spans, match::Matcher* matcher) const {
  RedactStream stream(*this, std::string(path), matcher);
  stream.CollectSpans(spans);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  if (text.size() <= kFeedSlice) {
    // The reference path: one scan over everything, nothing held.
    stream.buf_.assign(text);
    stream.stats_.bytes_in = text.size();
    stream.Process(true, &out);
  } else {
    stream.Feed(text, &out);
    stream.Finish(&out);
  }
  if (stats) *stats = stream.stats();
  return out;
}

RedactStream::RedactStream(const Redactor& redactor, std::string path)
    : RedactStream(redactor, std::move(path), nullptr) {}

RedactStream::RedactStream(const Redactor& redactor, std::string path, match::Matcher* matcher)
    : redactor_(redactor), options_(redactor.options()), matcher_(matcher), path_(std::move(path)) {
  if (!matcher_) {
    own_matcher_ = std::make_unique<match::Matcher>(redactor.db_ptr());
    matcher_ = own_matcher_.get();
  }
  LG_CHECK(&matcher_->db() == &redactor.db());
  while (path_.starts_with("./")) path_.erase(0, 2);
}

void RedactStream::Feed(std::string_view data, std::string* out) {
  stats_.bytes_in += data.size();
  while (!data.empty()) {
    const std::string_view piece = data.substr(0, kFeedSlice);
    data.remove_prefix(piece.size());
    if (std::memchr(piece.data(), '\n', piece.size())) pending_newline_ = true;
    buf_.append(piece);
    // Nothing can be released before a line is complete, unless the line is a long one.
    if (pending_newline_ || (pending() > options_.long_line && pending() >= retry_at_)) {
      pending_newline_ = false;
      Process(false, out);
    }
  }
}

void RedactStream::Finish(std::string* out) {
  Process(true, out);
  buf_.clear();
  base_ = written_;
  masked_.clear();
}

bool RedactStream::AlreadyMasked(uint64_t from, uint64_t to) const {
  for (const auto& [s, e] : masked_) {  // sorted, non-overlapping
    if (e <= from) continue;
    if (s > from) return false;
    from = e;
    if (from >= to) return true;
  }
  return from >= to;
}

void RedactStream::Process(bool eof, std::string* out) {
  const match::RulesDatabase& db = redactor_.db();
  const char* const data = buf_.data();
  const size_t end = buf_.size();
  const size_t em = static_cast<size_t>(written_ - base_);
  if (em >= end) return;

  // The start of the line holding buf_[p] (0 when the buffer starts inside it).
  auto line_start = [&](size_t p) -> size_t {
    if (p == 0) return 0;
    const void* nl = memrchr(data, '\n', p);
    return nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) + 1 : 0;
  };

  size_t release = end;
  if (!eof) {
    const void* nl = memrchr(data + em, '\n', end - em);
    release = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) + 1 : em;
    if (end - release > options_.long_line) release = end - options_.overlap;
    if (release <= em) return;
  }

  // Matches that end in written text were decided when it was written: not confirmed again.
  matcher_->Scan(ByteView(buf_), &candidates_, em);

  if (!eof) {
    for (const Redactor::Hold& h : redactor_.holds()) {
      const size_t from = end > h.limit ? end - h.limit : 0;
      size_t hold_at;
      if (h.prefixes) {
        re2::StringPiece m;
        if (!h.prefixes->Match(re2::StringPiece(data, end), from, end, RE2::UNANCHORED, &m, 1) ||
            m.empty())
          continue;
        hold_at = line_start(static_cast<size_t>(m.data() - data));
      } else {
        hold_at = line_start(from);
      }
      release = std::min(release, std::max(hold_at, em));
    }
  }

  // Accepted secrets that reach past what is written: candidates that passed the content filters
  // (an inline allow marker does not count here) and the location filters for this path.
  struct Span {
    size_t secret_start, secret_end;
    uint32_t rule;
  };
  std::vector<Span> secrets;
  for (const match::Candidate& c : candidates_) {
    if (c.secret_end <= em || c.secret_start >= c.secret_end) continue;
    if (c.drop != match::DropReason::kNone && c.drop != match::DropReason::kInlineAllow) continue;
    const ByteView blob(buf_);
    if (match::LocationDropReason(db, c.rule, path_, "", c.Secret(blob), c.Match(blob),
                                  match::LineAround(blob, c.start, c.end)) !=
        match::DropReason::kNone)
      continue;
    secrets.push_back({c.secret_start, c.secret_end, c.rule});
  }

  if (!eof) {
    // Never cut through a secret: move the release point to the start of its line (or to its
    // first byte inside a long line). A secret that began in written text cannot be held.
    for (bool moved = true; moved;) {
      moved = false;
      for (const Span& s : secrets) {
        if (s.secret_start >= release || s.secret_end <= release) continue;
        size_t back = line_start(s.secret_start);
        if (back <= em) back = s.secret_start;
        if (back > em && back < release) {
          release = back;
          moved = true;
        }
      }
    }
    if (release <= em) {
      // Bounded memory: past this much pending data, write the line out in pieces regardless.
      if (end - em <= options_.long_line + options_.max_hold + options_.overlap) {
        retry_at_ = end - em + std::max<size_t>(options_.overlap / 4, 1);
        return;
      }
      release = end - options_.overlap;
    }
  }

  // Mask what lies in [em, release): overlapping secrets merge, named after a specific rule.
  struct Piece {
    size_t from, to;  // in buf_
    uint32_t rule;
    bool starts_here;
    size_t secret_size;
    size_t secret_start;
  };
  std::vector<Piece> pieces;
  for (const Span& s : secrets) {
    const size_t from = std::max(s.secret_start, em), to = std::min(s.secret_end, release);
    if (from >= to) continue;
    pieces.push_back(
        {from, to, s.rule, s.secret_start >= em, s.secret_end - s.secret_start, s.secret_start});
  }
  std::sort(pieces.begin(), pieces.end(),
            [](const Piece& a, const Piece& b) { return a.from < b.from; });
  // The name of a merged mask: a specific rule over a generic one, then the longest secret, then
  // the rule listed first — the same whichever order the candidates came in.
  auto better = [&](const Piece& a, const Piece& b) {
    const bool ga = IsGeneric(db, a.rule), gb = IsGeneric(db, b.rule);
    if (ga != gb) return !ga;
    if (a.secret_size != b.secret_size) return a.secret_size > b.secret_size;
    return a.rule < b.rule;
  };
  std::vector<Piece> merged;
  for (const Piece& p : pieces) {
    if (!merged.empty() && p.from < merged.back().to) {
      Piece& m = merged.back();
      m.to = std::max(m.to, p.to);
      if (better(p, m)) m.rule = p.rule;
      continue;
    }
    merged.push_back(p);
  }

  const size_t out_before = out->size();
  size_t pos = em;
  for (const Piece& p : merged) {
    out->append(data + pos, p.from - pos);
    WriteMasked(p.from, p.to, p.rule, p.starts_here, p.secret_size, out);
    pos = p.to;
    if (p.starts_here) {
      ++stats_.secrets;
    } else if (!AlreadyMasked(base_ + p.secret_start, written_)) {
      ++stats_.late_secrets;
    }
    const uint64_t s = base_ + p.from, e = base_ + p.to;
    if (spans_) spans_->push_back({s, e, p.rule});
    if (!masked_.empty() && masked_.back().second >= s)
      masked_.back().second = std::max(masked_.back().second, e);
    else
      masked_.emplace_back(s, e);
  }
  out->append(data + pos, release - pos);
  stats_.bytes_out += out->size() - out_before;
  written_ = base_ + release;

  // Keep `context` bytes already written for the next scan's look-back.
  const size_t keep_from = release > options_.context ? release - options_.context : 0;
  if (keep_from > 0) {
    buf_.erase(0, keep_from);
    base_ += keep_from;
    std::erase_if(masked_, [&](const auto& m) { return m.second <= base_; });
  }
}

void RedactStream::WriteMasked(size_t from, size_t to, uint32_t rule, bool starts_here,
                               size_t secret_size, std::string* out) const {
  const std::string& id = redactor_.db().rules()[rule].rule->id;
  std::string label;
  if (options_.mask.empty()) {
    label = "[REDACTED:" + id + "]";
  } else {
    label = options_.mask;
    for (size_t at = 0; (at = label.find("{rule}", at)) != std::string::npos; at += id.size())
      label.replace(at, 6, id);
  }
  // Line by line, keeping the line breaks, so the output has the input's lines.
  const char* const data = buf_.data();
  bool first = true;
  for (size_t pos = from; pos < to;) {
    const void* nl = std::memchr(data + pos, '\n', to - pos);
    const size_t seg_end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : to;
    size_t text_end = seg_end;
    if (nl && text_end > pos && data[text_end - 1] == '\r') --text_end;
    if (text_end > pos) {
      if (first && starts_here && options_.keep > 0) {
        const std::string_view text(data + pos, text_end - pos);
        out->append(text.substr(0, KeepBytes(text, options_.keep, secret_size / 4)));
      }
      out->append(label);
    }
    first = false;
    if (!nl) break;
    out->append(data + text_end, seg_end + 1 - text_end);
    pos = seg_end + 1;
  }
}

}  // namespace leakguard::scan
