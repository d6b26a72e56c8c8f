#include "findings/finding.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <tuple>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/hash.h"

namespace leakguard::findings {

void ComputeIds(Finding* f) {
  f->secret_id = FingerprintHex({f->rule_id, f->secret});
  if (f->commit.empty() && f->rel_path.empty() && !f->blob.empty())  // a git blob no commit holds
    f->fingerprint = FingerprintHex({f->rule_id, f->secret, "blob:" + f->blob});
  else if (f->commit.empty())
    f->fingerprint = FingerprintHex({f->rule_id, f->secret, f->rel_path});
  else
    f->fingerprint = FingerprintHex({f->rule_id, f->secret, f->rel_path, f->commit});
  if (!f->decoded.empty()) {
    std::string chain = "decoded:";
    for (const std::string& e : f->decoded) chain += e + "/";
    f->fingerprint = FingerprintHex({f->fingerprint, chain});
  }
}

void Redact(Finding* f, const redact::MaskPolicy& policy) {
  if (!policy.enabled || f->redacted) return;
  f->match = redact::MaskIn(f->match, f->secret, policy);
  f->line_text = redact::MaskIn(f->line_text, f->secret, policy);
  if (!f->encoded.empty()) {
    f->line_text = redact::MaskIn(f->line_text, f->encoded, policy);
    f->encoded = redact::MaskSecret(f->encoded, policy);
  }
  f->secret = redact::MaskSecret(f->secret, policy);
  f->redacted = true;
}

void SortFindings(std::vector<Finding>* findings) {
  std::stable_sort(findings->begin(), findings->end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.commit, a.notebook_metadata, a.cell, a.cell_output, a.line, a.column,
                    a.rule_id) < std::tie(b.file, b.commit, b.notebook_metadata, b.cell,
                                          b.cell_output, b.line, b.column, b.rule_id);
  });
}

void LineCounter::Locate(size_t offset, size_t* line, size_t* column) {
  offset = std::min(offset, blob_.size());
  if (offset < pos_) {
    pos_ = 0;
    line_ = 1;
    line_start_ = 0;
    col_ = 1;
  }
  const char* base = blob_.data();
  // Newlines between pos_ and offset: counted a block at a time (one memchr per line costs a call
  // per ~50 bytes of code), then the last one found with memrchr.
  if (pos_ < offset) {
    const auto* p = reinterpret_cast<const unsigned char*>(base);
    size_t n = 0;
    size_t i = pos_;
#if defined(__SSE2__)
    // 16 bytes a step: each '\n' subtracts 0xFF (adds 1) in its byte lane; the lanes are summed
    // (psadbw) before they can wrap, every 255 steps.
    const __m128i nl = _mm_set1_epi8('\n');
    while (i + 16 <= offset) {
      __m128i acc = _mm_setzero_si128();
      for (int k = 0; k < 255 && i + 16 <= offset; ++k, i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, nl));
      }
      const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
      n += static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
           static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
    }
#endif
    for (; i < offset; ++i) n += p[i] == '\n';
    if (n > 0) {
      const void* last = memrchr(base + pos_, '\n', offset - pos_);
      line_ += n;
      line_start_ = static_cast<size_t>(static_cast<const char*>(last) - base) + 1;
      col_ = 1;
      pos_ = line_start_;
    }
  }
  // Columns count characters: every byte that is not a UTF-8 continuation byte.
  for (size_t i = pos_; i < offset; ++i)
    if ((static_cast<unsigned char>(base[i]) & 0xC0) != 0x80) ++col_;
  pos_ = offset;
  *line = line_;
  *column = col_;
}

void LineCounter::LocateSpan(size_t start, size_t end, Finding* f) {
  Locate(start, &f->line, &f->column);
  // The end is found from the start, over the span's own bytes: ends are not sorted (matches
  // overlap), and a second counter would restart from the blob's start each time.
  f->end_line = f->line;
  f->end_column = f->column;
  end = std::min(end, blob_.size());
  for (size_t i = start; i + 1 < end; ++i) {
    const unsigned char b = static_cast<unsigned char>(blob_[i]);
    if (b == '\n') {
      ++f->end_line;
      f->end_column = 0;
    }
    if ((static_cast<unsigned char>(blob_[i + 1]) & 0xC0) != 0x80) ++f->end_column;
  }
}

}  // namespace leakguard::findings
