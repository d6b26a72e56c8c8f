// The installed C++ API (include/leakguard/): thin wrappers over the scan pipeline's pieces.
// Findings are built by scan::BuildFindings exactly as `leakguard scan` builds them, unmasked,
// then each secret moves into a leakguard::Secret and the plain copies are wiped.
#include "leakguard/scanner.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>

#include "api/scanner_internal.h"
#include "findings/finding.h"
#include "leakguard/redact.h"
#include "match/matcher.h"
#include "redact/redact.h"
#include "rules/loader.h"
#include "scan/redactor.h"
#include "scan/scanner.h"

namespace leakguard {
namespace {

Error ToError(const Status& s) {
  ErrorCode code = ErrorCode::kInternal;
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      code = ErrorCode::kInvalidArgument;
      break;
    case StatusCode::kNotFound:
      code = ErrorCode::kNotFound;
      break;
    case StatusCode::kIoError:
      code = ErrorCode::kIoError;
      break;
    case StatusCode::kParseError:
      code = ErrorCode::kParseError;
      break;
    case StatusCode::kOk:
    case StatusCode::kInternal:
      break;
  }
  return Error{code, s.message()};
}

void Wipe(std::string* s) {
  if (!s->empty()) OPENSSL_cleanse(s->data(), s->size());
  s->clear();
}

}  // namespace

struct Scanner::Impl {
  std::shared_ptr<const match::RulesDatabase> db;
  std::vector<std::string> warnings;

  // Matchers are not thread-safe and allocate Vectorscan scratch space: a small pool, so
  // concurrent calls each get one and repeated calls reuse them.
  mutable std::mutex mu;
  mutable std::vector<std::unique_ptr<match::Matcher>> idle;
  // One Redactor per set of options (its set-up analyses every rule once).
  mutable std::vector<std::unique_ptr<scan::Redactor>> redactors;

  class Lease {
   public:
    explicit Lease(const Impl& impl) : impl_(impl) {
      std::lock_guard lock(impl_.mu);
      if (!impl_.idle.empty()) {
        m_ = std::move(impl_.idle.back());
        impl_.idle.pop_back();
      }
      if (!m_) m_ = std::make_unique<match::Matcher>(impl_.db);
    }
    ~Lease() {
      std::lock_guard lock(impl_.mu);
      if (impl_.idle.size() < 16) impl_.idle.push_back(std::move(m_));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    match::Matcher* get() { return m_.get(); }

   private:
    const Impl& impl_;
    std::unique_ptr<match::Matcher> m_;
  };

  const scan::Redactor& RedactorFor(const RedactOptions& o) const {
    std::lock_guard lock(mu);
    for (const auto& r : redactors)
      if (r->options().mask == o.mask && r->options().keep == o.keep) return *r;
    scan::RedactOptions ro;
    ro.mask = o.mask;
    ro.keep = o.keep;
    redactors.push_back(std::make_unique<scan::Redactor>(db, ro));
    return *redactors.back();
  }
};

namespace {

std::expected<std::shared_ptr<const Scanner::Impl>, Error> BuildImpl(
    Result<rules::RuleSet> set, std::vector<std::string> warnings) {
  if (!set) return std::unexpected(ToError(set.error()));
  auto db = match::RulesDatabase::Build(std::move(*set), &warnings);
  if (!db) return std::unexpected(ToError(db.error()));
  auto impl = std::make_shared<Scanner::Impl>();
  impl->db = std::move(*db);
  impl->warnings = std::move(warnings);
  return impl;
}

}  // namespace

std::expected<Scanner, Error> Scanner::Create() {
  auto impl = BuildImpl(rules::DefaultRules(), {});
  if (!impl) return std::unexpected(std::move(impl.error()));
  return Scanner(std::move(*impl));
}

std::expected<Scanner, Error> Scanner::FromConfigFile(const std::string& path) {
  std::vector<std::string> warnings;
  auto set = rules::LoadConfigFile(path, &warnings);
  auto impl = BuildImpl(std::move(set), std::move(warnings));
  if (!impl) return std::unexpected(std::move(impl.error()));
  return Scanner(std::move(*impl));
}

std::expected<Scanner, Error> Scanner::FromConfigText(std::string_view toml,
                                                      std::string_view name) {
  std::vector<std::string> warnings;
  auto set = rules::LoadConfigText(toml, name, &warnings);
  auto impl = BuildImpl(std::move(set), std::move(warnings));
  if (!impl) return std::unexpected(std::move(impl.error()));
  return Scanner(std::move(*impl));
}

namespace api_internal {
std::atomic<size_t> g_window{size_t{1} << 30};
std::atomic<size_t> g_overlap{size_t{64} << 10};
void SetScanWindowForTesting(size_t window, size_t overlap) {
  g_window = window ? window : size_t{1} << 30;
  g_overlap = window ? overlap : size_t{64} << 10;
}
}  // namespace api_internal

std::vector<Finding> Scanner::Scan(std::string_view data, std::string_view path) const {
  input::Provenance prov;
  prov.path = std::string(path);
  prov.rel_path = std::string(path);
  while (prov.rel_path.starts_with("./")) prov.rel_path.erase(0, 2);
  scan::ScanOptions options;
  options.mask.enabled = false;  // the secrets go into Secret objects below, not into text
  std::vector<findings::Finding> found;
  uint64_t suppressed = 0;
  std::vector<match::Candidate> candidates;
  scan::DecodedScan decoded_scan;
  Impl::Lease m(*impl_);
  // Vectorscan scans blocks below 4 GiB: a larger buffer is scanned in windows of 1 GiB, each
  // with 64 KiB of context on both sides and starting at a line where possible, reporting only
  // the matches that start in its own part (a match shorter than the overlap is seen whole).
  const size_t window = api_internal::g_window, overlap = api_internal::g_overlap;
  uint64_t line_base = 0;
  size_t counted_to = 0;  // newlines counted in data[0, counted_to)
  for (size_t from = 0; from < data.size() || from == 0; from += window) {
    const size_t to = std::min(data.size(), from + window);
    size_t start = from > overlap ? from - overlap : 0;
    if (start > 0) {  // begin at a line start within the overlap, for exact columns
      const size_t nl = data.rfind('\n', from - 1);
      if (nl != std::string_view::npos && nl + 1 >= start) start = nl + 1 > from ? from : nl + 1;
    }
    const size_t end = std::min(data.size(), to + overlap);
    line_base +=
        static_cast<uint64_t>(std::count(data.begin() + static_cast<std::ptrdiff_t>(counted_to),
                                         data.begin() + static_cast<std::ptrdiff_t>(start), '\n'));
    counted_to = start;
    const std::string_view blob = data.substr(start, end - start);
    m.get()->Scan(blob, &candidates);
    scan::BlobWindow w{from - start, to - start, line_base, start};
    decoded_scan.Run(*m.get(), false, blob, options.decode_depth, options.decode_budget);
    const std::vector<scan::DecodedCandidate> decoded = decoded_scan.Candidates();
    scan::BuildFindings(*impl_->db, blob, candidates, prov, options, &found, &suppressed, w,
                        &decoded);
    scan::BuildDecodedFindings(*impl_->db, blob, candidates, decoded, prov, options, &found,
                               &suppressed, w);
    if (to >= data.size()) break;
  }
  findings::SortFindings(&found);

  std::vector<Finding> out;
  out.reserve(found.size());
  for (findings::Finding& f : found) {
    Finding p;
    p.rule_id = std::move(f.rule_id);
    p.description = std::move(f.description);
    p.tags = std::move(f.tags);
    p.line = f.line;
    p.column = f.column;
    p.end_line = f.end_line;
    p.end_column = f.end_column;
    p.offset = f.offset;
    p.end_offset = f.end_offset;
    p.secret = Secret(f.secret);
    p.masked = redact::MaskSecret(f.secret);
    p.entropy = f.entropy;
    p.confidence = f.confidence;
    p.validation = f.validation;
    p.secret_id = std::move(f.secret_id);
    p.fingerprint = std::move(f.fingerprint);
    p.decoded = std::move(f.decoded);
    Wipe(&f.secret);
    Wipe(&f.encoded);
    Wipe(&f.match);
    Wipe(&f.line_text);
    out.push_back(std::move(p));
  }
  return out;
}

std::string Scanner::Redact(std::string_view text, const RedactOptions& options,
                            std::string_view path) const {
  const scan::Redactor& redactor = impl_->RedactorFor(options);
  Impl::Lease m(*impl_);
  return redactor.RedactAll(text, path, nullptr, nullptr, m.get());
}

std::size_t Scanner::rule_count() const { return impl_->db->rules().size(); }

const std::vector<std::string>& Scanner::warnings() const { return impl_->warnings; }

std::string Redact(std::string_view text, const RedactOptions& options) {
  static const std::expected<Scanner, Error> built_in = Scanner::Create();
  if (!built_in) return text.empty() ? std::string() : "[REDACTED:leakguard-unavailable]";
  return built_in->Redact(text, options);
}

}  // namespace leakguard
