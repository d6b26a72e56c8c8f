// The scan loop. See matcher.h for the two paths and why they must agree.
//
// Window confirmation: Vectorscan reports every end offset E at which rule r's regex can match
// (exact mode: exactly those; prefilter mode: a superset). Any RE2 match ending at E starts at or
// after E - max_width(r), so RE2 searching [E - max_width, E] finds it. Windows of one rule are
// merged when they overlap, so each byte is searched at most once per rule, and RE2 always gets
// the whole blob as context, so `^`, `$` and `\b` see the real neighbouring bytes. Rules of
// unbounded width use a 64 KiB window. A line-bounded rule's match lies on the line of its last
// byte (plus possibly the newline before that line), so its window starts no earlier than that:
// on ordinary code a window is a line. One match of a pattern such as `[a-z0-9]{8,64}` is reported
// at every possible end offset, so hits come in runs; runs merge into one window, which is why
// windows stay cheap however many hits there are. Only past kMaxHitsPerRule hits (an adversarial
// blob) does a rule stop recording hits and search the whole blob, to bound memory.
#include "match/matcher.h"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <span>

#include "base/check.h"
#include "match/decode.h"
#include "match/entropy.h"
#include "match/hs_runtime.h"
#include "match/placeholder.h"
#include "match/validate.h"
#include "match/value_shape.h"

namespace leakguard::match {
namespace {

constexpr size_t kUnboundedWindow = 64 * 1024;

constexpr uint32_t kMaxHitsPerRule = 8192;  // bounds memory: rules x 8192 x 16 bytes

constexpr std::string_view kInlineAllowMarkers[] = {"leakguard:allow", "gitleaks:allow",
                                                    "pragma: allowlist secret"};

bool RegexSearch(const re2::RE2& re, std::string_view text) {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re);
}

// Content criteria of one allowlist: OR -> any matches; AND -> all given criteria match
// (vacuously true when it has none).
// `*stopword` (if given) is set to the stopword that decided, when the regexes did not.
bool ContentCriteria(const CompiledAllowlist& al, std::string_view secret, std::string_view match,
                     std::string_view line, bool* any_given, std::string_view* stopword = nullptr) {
  const rules::Allowlist& src = *al.src;
  std::string_view target = src.regex_target == rules::RegexTarget::kMatch  ? match
                            : src.regex_target == rules::RegexTarget::kLine ? line
                                                                            : secret;
  bool regex_hit = false, stop_hit = false;
  for (const auto& re : al.Regexes())
    if (RegexSearch(*re, target)) {
      regex_hit = true;
      break;
    }
  for (const auto& w : src.stopwords)
    if (ContainsAsciiCaseless(secret, w)) {
      stop_hit = true;
      if (stopword && !regex_hit) *stopword = w;
      break;
    }
  *any_given = !src.regexes.empty() || !src.stopwords.empty();
  if (src.condition == rules::Condition::kOr) return regex_hit || stop_hit;
  return (src.regexes.empty() || regex_hit) && (src.stopwords.empty() || stop_hit);
}

bool PathHit(const CompiledAllowlist& al, std::string_view path) {
  for (const auto& re : al.Paths())
    if (RegexSearch(*re, path)) return true;
  return false;
}

bool CommitHit(const CompiledAllowlist& al, std::string_view commit) {
  if (commit.empty()) return false;
  for (const auto& c : al.src->commits)
    if (!c.empty() && commit.starts_with(c)) return true;
  return false;
}

// Full evaluation of an allowlist at a location; its `paths` criterion holds when any of the
// location's paths matches.
bool AllowedAt(const CompiledAllowlist& al, std::span<const std::string_view> paths,
               std::string_view commit, std::string_view secret, std::string_view match,
               std::string_view line) {
  bool any_content = false;
  bool content = ContentCriteria(al, secret, match, line, &any_content);
  bool path_hit = false;
  for (std::string_view path : paths) {
    if (PathHit(al, path)) {
      path_hit = true;
      break;
    }
  }
  bool commit_hit = CommitHit(al, commit);
  if (al.src->condition == rules::Condition::kOr) return content || path_hit || commit_hit;
  if (!any_content && al.src->paths.empty() && al.src->commits.empty()) return false;
  return content && (al.src->paths.empty() || path_hit) && (al.src->commits.empty() || commit_hit);
}

bool Targets(const CompiledAllowlist& al, uint32_t rule) {
  if (al.target_rules.empty()) return true;
  return std::find(al.target_rules.begin(), al.target_rules.end(), rule) != al.target_rules.end();
}

}  // namespace

std::string_view DropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kNone:
      return "none";
    case DropReason::kEmptySecret:
      return "empty-secret";
    case DropReason::kEntropy:
      return "entropy";
    case DropReason::kPlaceholder:
      return "placeholder";
    case DropReason::kRuleAllowlist:
      return "rule-allowlist";
    case DropReason::kGlobalAllowlist:
      return "global-allowlist";
    case DropReason::kInlineAllow:
      return "inline-allow";
    case DropReason::kPath:
      return "path";
    case DropReason::kIgnoreFile:
      return "ignore-file";
    case DropReason::kChecksum:
      return "checksum";
    case DropReason::kStopword:
      return "stopword";
    case DropReason::kConfidence:
      return "confidence";
    case DropReason::kEnvLookup:
      return "env-lookup";
    case DropReason::kSecretReference:
      return "secret-reference";
    case DropReason::kEncrypted:
      return "encrypted";
    case DropReason::kTemplate:
      return "template";
    case DropReason::kHash:
      return "hash";
    case DropReason::kUuid:
      return "uuid";
    case DropReason::kPublicKey:
      return "public-key";
    case DropReason::kTestFixture:
      return "test-fixture";
    case DropReason::kWordLike:
      return "word-like";
  }
  return "?";
}

std::string_view ValidationContext(ByteView blob, const Candidate& c) {
  constexpr size_t kAround = 4096;
  size_t from = c.start > kAround ? c.start - kAround : 0;
  size_t to = std::min(blob.size(), c.end + kAround);
  return blob.substr(from, to - from);
}

std::string_view LineAround(ByteView blob, size_t start, size_t end, size_t clip) {
  size_t lo = start > clip ? start - clip : 0;
  size_t hi = std::min(blob.size(), end + clip);
  size_t ls = start;
  while (ls > lo && blob[ls - 1] != '\n') --ls;
  size_t le = end;
  if (le > start && blob[le - 1] == '\n') --le;  // a match ending in a newline stays on its line
  const void* nl = le < hi ? std::memchr(blob.data() + le, '\n', hi - le) : nullptr;
  le = nl ? static_cast<size_t>(static_cast<const char*>(nl) - blob.data()) : hi;
  if (le > ls && blob[le - 1] == '\r') --le;
  return blob.substr(ls, le - ls);
}

Matcher::Matcher(std::shared_ptr<const RulesDatabase> db, MatcherOptions options)
    : db_(std::move(db)), options_(options) {
  if (db_->hs_database()) {
    hs_scratch_t* s = nullptr;
    LG_CHECK(hs_alloc_scratch(static_cast<hs_database_t*>(db_->hs_database()), &s) == HS_SUCCESS);
    scratch_ = s;
  }
  hit_counts_.resize(db_->rules().size());
  whole_blob_.resize(db_->rules().size());
  keyword_state_.resize(db_->keywords().size());
  if (options_.collect_stats) stats_.resize(db_->rules().size());
}

Matcher::~Matcher() {
  if (scratch_) hs_free_scratch(static_cast<hs_scratch_t*>(scratch_));
}

int Matcher::OnMatch(unsigned id, unsigned long long /*from*/, unsigned long long to,
                     unsigned /*flags*/, void* ctx) {
  auto* self = static_cast<Matcher*>(ctx);
  if (to <= self->min_end_) return 0;
  if (++self->hit_counts_[id] <= kMaxHitsPerRule) self->hits_.push_back({id, to});
  return 0;
}

bool Matcher::KeywordInBlob(uint32_t k, ByteView blob) {
  uint8_t& state = keyword_state_[k];
  if (state == 0) {
    if (!lower_valid_) {
      lower_.resize(blob.size());
      std::transform(blob.begin(), blob.end(), lower_.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      });
      lower_valid_ = true;
    }
    state = lower_.find(db_->keywords()[k]) != std::string::npos ? 1 : 2;
  }
  return state == 1;
}

bool Matcher::KeywordsPresent(const CompiledRule& cr, ByteView blob, std::string_view match) {
  if (cr.keyword_ids.empty()) return true;
  for (uint32_t k : cr.keyword_ids)
    if (keyword_state_[k] == 1 || ContainsAsciiCaseless(match, db_->keywords()[k])) return true;
  for (uint32_t k : cr.keyword_ids)
    if (KeywordInBlob(k, blob)) return true;
  return false;
}

void Matcher::Scan(ByteView blob, std::vector<Candidate>* out, size_t min_end) {
  out->clear();
  min_end_ = min_end;
  if (!scratch_) {  // nothing in Vectorscan: the reference path is the only path
    ScanSimple(blob, out);
    return;
  }
  hits_.clear();
  std::fill(hit_counts_.begin(), hit_counts_.end(), 0);
  std::fill(keyword_state_.begin(), keyword_state_.end(), 0);
  lower_valid_ = false;
  LG_CHECK(blob.size() <= UINT32_MAX);
  // hs_scan, or the narrower runtime that replaces its defective AVX-512 one (hs_runtime.h).
  GetHsRuntime().scan(static_cast<hs_database_t*>(db_->hs_database()), blob.data(),
                      static_cast<unsigned>(blob.size()), 0, static_cast<hs_scratch_t*>(scratch_),
                      &OnMatch, this);

  const auto& rules = db_->rules();
  std::sort(hits_.begin(), hits_.end(), [](const Hit& a, const Hit& b) {
    return a.rule != b.rule ? a.rule < b.rule : a.end < b.end;
  });
  for (size_t i = 0; i < hits_.size();) {
    const uint32_t r = hits_[i].rule;
    size_t j = i;
    while (j < hits_.size() && hits_[j].rule == r) ++j;
    const CompiledRule& cr = rules[r];
    if (!stats_.empty()) stats_[r].prefilter_hits += hit_counts_[r];
    {  // keywords are checked per candidate, in ConfirmRange
      if (hit_counts_[r] > kMaxHitsPerRule) {
        ConfirmRange(r, blob, 0, blob.size(), out);
      } else {
        const size_t width = cr.max_width() == SIZE_MAX ? kUnboundedWindow : cr.max_width();
        size_t ws = 0, we = 0;
        bool open = false;
        for (size_t k = i; k < j; ++k) {
          size_t e = hits_[k].end;
          size_t s = e > width ? e - width : 0;
          if (cr.line_bounded && e > s + 1) {
            // The newline ending the previous line is the earliest byte a match may use.
            const void* nl = memrchr(blob.data() + s, '\n', e - 1 - s);
            if (nl) s = static_cast<size_t>(static_cast<const char*>(nl) - blob.data());
          }
          if (open && s <= we) {
            we = std::max(we, e);
            continue;
          }
          if (open) ConfirmRange(r, blob, ws, we, out);
          ws = s;
          we = e;
          open = true;
        }
        if (open) ConfirmRange(r, blob, ws, we, out);
      }
    }
    i = j;
  }
  for (uint32_t r : db_->keyword_rules())
    if (KeywordsPresent(rules[r], blob)) ConfirmRange(r, blob, 0, blob.size(), out);
  for (uint32_t r : db_->always_rules()) ConfirmRange(r, blob, 0, blob.size(), out);
  std::sort(out->begin(), out->end(), [](const Candidate& a, const Candidate& b) {
    return a.start != b.start ? a.start < b.start : a.rule < b.rule;
  });
}

void Matcher::ScanSimple(ByteView blob, std::vector<Candidate>* out) {
  out->clear();
  std::fill(keyword_state_.begin(), keyword_state_.end(), 0);
  lower_valid_ = false;
  const auto& rules = db_->rules();
  for (uint32_t r = 0; r < rules.size(); ++r) {
    if (rules[r].mode == PrefilterMode::kPathOnly || !KeywordsPresent(rules[r], blob)) continue;
    ConfirmRange(r, blob, 0, blob.size(), out);
  }
  std::sort(out->begin(), out->end(), [](const Candidate& a, const Candidate& b) {
    return a.start != b.start ? a.start < b.start : a.rule < b.rule;
  });
}

void Matcher::ConfirmRange(uint32_t rule, ByteView blob, size_t from, size_t to,
                           std::vector<Candidate>* out) {
  const CompiledRule& cr = db_->rules()[rule];
  const re2::RE2& re = cr.Regex();
  const int n = 1 + cr.num_groups();
  std::chrono::steady_clock::time_point t0;
  if (!stats_.empty()) {
    t0 = std::chrono::steady_clock::now();
    ++stats_[rule].windows;
    stats_[rule].bytes_confirmed += to - from;
  }
  re2::StringPiece groups[16];
  std::vector<re2::StringPiece> big;
  re2::StringPiece* g = groups;
  if (n > 16) {
    big.resize(n);
    g = big.data();
  }
  const re2::StringPiece text(blob.data(), blob.size());
  size_t pos = from;
  // After each match the search resumes after the secret, not after the whole match: a trailing
  // delimiter such as `(?:[\s;]|$)` must not swallow the boundary a token on the next line
  // starts with.
  while (pos <= to) {
    if (!re.Match(text, pos, to, re2::RE2::UNANCHORED, g, n)) break;
    const size_t ms = static_cast<size_t>(g[0].data() - blob.data());
    const size_t me = ms + g[0].size();
    Candidate c;
    c.rule = rule;
    c.start = ms;
    c.end = me;
    // The secret: the configured group, else the first non-empty group, else the whole match.
    re2::StringPiece secret = g[0];
    if (cr.rule->secret_group > 0) {
      secret = g[cr.rule->secret_group];
    } else {
      for (int k = 1; k < n; ++k)
        if (!g[k].empty()) {
          secret = g[k];
          break;
        }
    }
    if (secret.data() == nullptr) secret = re2::StringPiece(g[0].data(), 0);
    pos = secret.data() + secret.size() > g[0].data()
              ? static_cast<size_t>(secret.data() - blob.data()) + secret.size()
              : ms + 1;
    // gitleaks semantics: a rule applies only to blobs holding one of its keywords.
    if (!KeywordsPresent(cr, blob, std::string_view(g[0].data(), g[0].size()))) continue;
    c.secret_start = static_cast<size_t>(secret.data() - blob.data());
    c.secret_end = c.secret_start + secret.size();
    Filter(blob, &c);
    if (!stats_.empty()) ++stats_[rule].candidates;
    // Inline-allowed candidates are kept so the pipeline can count them as suppressed; failed
    // checks so that a generic rule does not report the same bytes (scan/scanner.cc).
    if (c.drop == DropReason::kNone || c.drop == DropReason::kInlineAllow ||
        c.drop == DropReason::kChecksum || options_.keep_dropped)
      out->push_back(c);
  }
  if (!stats_.empty())
    stats_[rule].nanos += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count());
}

void Matcher::Filter(ByteView blob, Candidate* c) const {
  const CompiledRule& cr = db_->rules()[c->rule];
  std::string_view secret = c->Secret(blob);
  c->entropy = ShannonEntropy(secret);
  if (secret.empty()) {
    c->drop = DropReason::kEmptySecret;
    return;
  }
  auto drop = [c](DropReason r, std::string_view why) {
    if (why.empty()) return false;
    c->drop = r;
    c->drop_detail = why;
    return true;
  };
  if (drop(DropReason::kEnvLookup, EnvLookupReason(secret)) ||
      drop(DropReason::kSecretReference, SecretReferenceReason(secret)) ||
      drop(DropReason::kEncrypted, EncryptedValueReason(secret)) ||
      drop(DropReason::kTemplate, TemplateReason(secret)) ||
      drop(DropReason::kPlaceholder, StandInReason(secret)))
    return;
  // SealedSecrets: values under `encryptedData:` are ciphertext for the cluster's controller
  // ("Ag" + long base64); generic rules see them as high-entropy strings.
  if (cr.generic && secret.size() >= 200 && secret.starts_with("Ag") &&
      ValidationContext(blob, *c).find("SealedSecret") != std::string_view::npos &&
      drop(DropReason::kEncrypted, "SealedSecrets ciphertext (kind: SealedSecret)"))
    return;
  if (cr.generic && (drop(DropReason::kHash, HashReason(secret)) ||
                     drop(DropReason::kUuid, IsUuid(secret) ? "UUID" : std::string_view()) ||
                     drop(DropReason::kPublicKey, PublicKeyReason(secret)) ||
                     drop(DropReason::kTestFixture, TestFixtureReason(secret)) ||
                     drop(DropReason::kWordLike, WordLikeReason(secret))))
    return;
  // A generic value that is base64 of readable text with a placeholder or fixture word in it
  // (`bm90IG15IHJlYWwgcGFzc3dvcmQ=` is "not my real password", in npm's documentation).
  if (cr.generic && secret.size() >= 12 && secret.size() % 4 == 0) {
    if (std::string text; DecodeBase64Text(secret, &text) && !text.empty()) {
      if (drop(DropReason::kPlaceholder,
               StandInReason(text).empty() ? std::string_view() : "base64 of a placeholder") ||
          drop(DropReason::kTestFixture, TestFixtureReason(text).empty()
                                             ? std::string_view()
                                             : "base64 of a test-fixture value"))
        return;
    }
  }
  if (cr.rule->entropy > 0 && c->entropy < cr.rule->entropy) {
    c->drop = DropReason::kEntropy;
    return;
  }
  c->confidence = cr.confidence;
  if (cr.validator != ValidatorId::kNone) {
    Validation v = Validate(cr.validator, secret, ValidationContext(blob, *c));
    if (v.validity == Validity::kInvalid) {
      c->drop = DropReason::kChecksum;
      c->drop_detail = v.reason;
      return;
    }
    if (v.validity == Validity::kValid) c->confidence = Confidence::kHigh;
  }
  if (c->confidence < options_.min_confidence) {
    c->drop = DropReason::kConfidence;
    c->drop_detail = ConfidenceName(c->confidence);
    return;
  }
  std::string_view match = c->Match(blob);
  std::string_view line = LineAround(blob, c->start, c->end);
  for (const auto& al : cr.allowlists) {
    if (al.location_dependent) continue;
    bool any = false;
    std::string_view stopword;
    if (ContentCriteria(al, secret, match, line, &any, &stopword) && any) {
      c->drop = stopword.empty() ? DropReason::kRuleAllowlist : DropReason::kStopword;
      c->drop_detail = stopword.empty() ? std::string_view(al.src->description) : stopword;
      return;
    }
  }
  for (const auto& al : db_->global_allowlists()) {
    if (al.location_dependent || !Targets(al, c->rule)) continue;
    bool any = false;
    std::string_view stopword;
    if (ContentCriteria(al, secret, match, line, &any, &stopword) && any) {
      c->drop = stopword.empty() ? DropReason::kGlobalAllowlist : DropReason::kStopword;
      c->drop_detail = stopword.empty() ? std::string_view(al.src->description) : stopword;
      return;
    }
  }
  if (HasInlineAllow(line)) c->drop = DropReason::kInlineAllow;
}

bool HasInlineAllow(std::string_view line) {
  for (std::string_view marker : kInlineAllowMarkers)
    if (line.find(marker) != std::string_view::npos) return true;
  return false;
}

DropReason LocationDropReason(const RulesDatabase& db, uint32_t rule, std::string_view path,
                              std::string_view commit, std::string_view secret,
                              std::string_view match, std::string_view line,
                              std::string_view* detail) {
  const std::string_view paths[] = {path};
  return LocationDropReason(db, rule, std::span<const std::string_view>(paths), commit, secret,
                            match, line, detail);
}

DropReason LocationDropReason(const RulesDatabase& db, uint32_t rule,
                              std::span<const std::string_view> paths, std::string_view commit,
                              std::string_view secret, std::string_view match,
                              std::string_view line, std::string_view* detail) {
  const CompiledRule& cr = db.rules()[rule];
  if (cr.path) {
    bool applies = false;
    for (std::string_view path : paths) {
      if (RegexSearch(*cr.path, path)) {
        applies = true;
        break;
      }
    }
    if (!applies) return DropReason::kPath;
  }
  for (const auto& al : cr.allowlists) {
    if (al.location_dependent && AllowedAt(al, paths, commit, secret, match, line)) {
      if (detail) *detail = al.src->description;
      return DropReason::kRuleAllowlist;
    }
  }
  for (const auto& al : db.global_allowlists()) {
    if (al.location_dependent && Targets(al, rule) &&
        AllowedAt(al, paths, commit, secret, match, line)) {
      if (detail) *detail = al.src->description;
      return DropReason::kGlobalAllowlist;
    }
  }
  return DropReason::kNone;
}

bool PathRuleMatches(const RulesDatabase& db, uint32_t rule, std::string_view path) {
  const CompiledRule& cr = db.rules()[rule];
  return cr.path && RegexSearch(*cr.path, path);
}

}  // namespace leakguard::match
