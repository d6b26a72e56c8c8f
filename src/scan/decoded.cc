#include "scan/decoded.h"

#include <algorithm>
#include <cmath>

namespace leakguard::scan {

bool DecodedScan::Run(match::Matcher& matcher, bool simple, ByteView blob, int depth,
                      double budget) {
  used_levels_ = 0;
  decoded_bytes_ = 0;
  if (depth <= 0 || blob.empty() || !(budget > 0)) return true;
  const double limit = std::floor(budget * static_cast<double>(blob.size()));
  const size_t allowed = limit >= 1e18 ? SIZE_MAX : static_cast<size_t>(limit);
  size_t left = allowed;
  bool complete = true;
  for (size_t d = 0; d < static_cast<size_t>(depth) && complete; ++d) {
    if (levels_.size() <= d) levels_.emplace_back();
    Level& level = levels_[d];
    level.text.clear();
    level.pieces.clear();
    level.parent.clear();
    level.candidates.clear();
    if (d == 0) {
      complete = match::DecodeSpans(blob, &left, &level.text, &level.pieces);
      level.parent.assign(level.pieces.size(), UINT32_MAX);
    } else {
      const Level& prev = levels_[d - 1];
      for (uint32_t k = 0; k < prev.pieces.size() && complete; ++k) {
        const match::DecodedPiece& pp = prev.pieces[k];
        const size_t first = level.pieces.size();
        const ByteView piece(prev.text.data() + pp.out_start, pp.out_end - pp.out_start);
        complete = match::DecodeSpans(piece, &left, &level.text, &level.pieces);
        for (size_t q = first; q < level.pieces.size(); ++q) {
          level.pieces[q].src_start += pp.out_start;
          level.pieces[q].src_end += pp.out_start;
          level.parent.push_back(k);
        }
      }
    }
    if (level.pieces.empty()) break;
    if (simple)
      matcher.ScanSimple(level.text, &level.candidates);
    else
      matcher.Scan(level.text, &level.candidates);
    used_levels_ = d + 1;
  }
  decoded_bytes_ = allowed - left;
  return complete;
}

std::vector<DecodedCandidate> DecodedScan::Candidates() const {
  std::vector<DecodedCandidate> out;
  for (size_t d = 0; d < used_levels_; ++d) {
    const Level& level = levels_[d];
    for (const match::Candidate& c : level.candidates) {
      // The piece holding the secret's first byte (pieces are sorted by out_start).
      auto it =
          std::upper_bound(level.pieces.begin(), level.pieces.end(), c.secret_start,
                           [](size_t v, const match::DecodedPiece& p) { return v < p.out_start; });
      if (it == level.pieces.begin()) continue;
      --it;
      const match::DecodedPiece& piece = *it;
      if (c.secret_end > piece.out_end || c.secret_start >= piece.out_end) continue;
      DecodedCandidate dc;
      dc.candidate = c;
      dc.candidate.start = std::max(c.start, piece.out_start);
      dc.candidate.end = std::min(c.end, piece.out_end);
      dc.text = level.text;
      dc.level = d;
      // Up to the blob: the chain is collected innermost first, then reversed.
      size_t idx = static_cast<size_t>(it - level.pieces.begin());
      for (size_t up = d + 1; up-- > 0;) {
        const match::DecodedPiece& p = levels_[up].pieces[idx];
        dc.chain.push_back(match::EncodingName(p.encoding));
        if (up == 0) {
          dc.span_start = p.src_start;
          dc.span_end = p.src_end;
        } else {
          idx = levels_[up].parent[idx];
        }
      }
      std::reverse(dc.chain.begin(), dc.chain.end());
      out.push_back(std::move(dc));
    }
  }
  std::stable_sort(
      out.begin(), out.end(), [](const DecodedCandidate& a, const DecodedCandidate& b) {
        return a.span_start != b.span_start ? a.span_start < b.span_start : a.level < b.level;
      });
  return out;
}

}  // namespace leakguard::scan
