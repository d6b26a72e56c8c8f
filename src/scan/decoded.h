// Decoded scanning: the rules run over text hidden inside encodings, level by level.
//
// After a blob's own scan, `DecodedScan::Run` finds its encoded spans (match/decode.h), decodes
// them into one buffer (pieces joined by '\n') and scans that buffer with the worker's Matcher
// once — one Vectorscan call per level, not one per span, whose fixed cost would dominate. Level 2
// decodes the pieces of level 1 the same way, and so on to the depth asked. Each candidate is
// then mapped back to the span of the blob it came from (`Candidates`), with the chain of
// encodings undone, outermost first; scan::BuildDecodedFindings turns those into findings.
//
// Bounded work: all levels together keep at most budget x blob size decoded bytes (a multiple of
// the input, --decode-budget); past that, decoding of the blob stops and Run says so. Every
// decoder shrinks its input, so depth d never costs more than d x the blob either way.
//
// Thread-safety: one DecodedScan per worker (it reuses its buffers from blob to blob).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "match/decode.h"
#include "match/matcher.h"

namespace leakguard::scan {

// A candidate found in decoded text, and where its text came from.
struct DecodedCandidate {
  match::Candidate candidate;           // offsets in `text`, the match clipped to its piece
  std::string_view text;                // the decoded buffer of its level
  size_t level = 0;                     // 0 = decoded once
  size_t span_start = 0, span_end = 0;  // the encoded span in the blob
  std::vector<std::string_view> chain;  // encodings undone, outermost first
};

class DecodedScan {
 public:
  // Decodes `blob` up to `depth` levels, keeping at most `budget` x blob.size() decoded bytes,
  // and scans each level with `matcher` (the reference path when `simple`). False when the budget
  // cut decoding short (what was decoded before is still scanned). depth <= 0: nothing.
  bool Run(match::Matcher& matcher, bool simple, ByteView blob, int depth, double budget);

  // The candidates of the last Run whose secret lies inside one decoded piece (a match may run
  // past its piece, it is clipped to it), sorted by span start, then level. Valid until the next
  // Run.
  std::vector<DecodedCandidate> Candidates() const;

  // Decoded bytes kept by the last Run (all levels).
  size_t decoded_bytes() const { return decoded_bytes_; }

 private:
  struct Level {
    std::string text;
    std::vector<match::DecodedPiece> pieces;  // src offsets: in the blob (level 0), else in the
                                              // previous level's text
    std::vector<uint32_t> parent;             // the previous level's piece holding each piece
    std::vector<match::Candidate> candidates;
  };
  std::vector<Level> levels_;
  size_t used_levels_ = 0;
  size_t decoded_bytes_ = 0;
};

}  // namespace leakguard::scan
