// Decoding: finds text hidden inside encodings (base64, base64url, hex, percent-encoding, and the
// string escapes of JSON, JavaScript and Python) so the rules can see secrets written that way.
//
// Two layers. The decoders (`DecodeBase64`, `DecodeHex`, `DecodePercent`, `DecodeEscapes`) are pure
// functions from encoded text to bytes. `FindEncodedSpans` is one linear pass over a blob that
// proposes spans worth decoding, and `DecodeSpans` decodes them into one buffer (the pieces joined
// by '\n') that the caller scans with its Matcher once, mapping each match back to its piece
// (scan/decoded.h does that, level by level, for nested encodings).
//
// Most source text holds long identifier-like runs that are valid base64; they are rejected
// cheaply: a base64 run must mix upper and lower case, a hex run must be one case, and a base64 or
// hex decoding must be mostly printable ASCII (the decoder gives up at the first few bytes that
// are not), so only text worth scanning reaches the buffer. A decoding equal to its input (a
// percent or escape span with nothing to decode) is dropped.
//
// Thread-safety: everything here is a pure function of its arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"

namespace leakguard::match {

enum class Encoding : uint8_t { kBase64, kBase64Url, kHex, kPercent, kEscape };

// "base64", "base64url", "hex", "percent", "escape": the names in reports.
std::string_view EncodingName(Encoding e);

// ---- decoders: each appends to *out and returns true, or returns false with *out unchanged ----

// Base64 in the standard (`+/`) or URL-safe (`-_`) alphabet, never both in one input; padding
// optional (but at most two '=' and only at the end); ASCII whitespace anywhere is skipped (line-
// wrapped blocks). False on any other byte, or a length that leaves one dangling character.
bool DecodeBase64(std::string_view in, std::string* out);

// DecodeBase64 of text: false (and *out unchanged) as soon as a decoded byte is not printable
// ASCII, a tab or a line end.
bool DecodeBase64Text(std::string_view in, std::string* out);

// Hex digits, either case, even count. False otherwise.
bool DecodeHex(std::string_view in, std::string* out);

// %XX escapes (either case) become their byte; any other byte, and a '%' not followed by two hex
// digits (a truncated "%4" or a literal "%zz"), is kept as is. False when `in` holds no escape.
bool DecodePercent(std::string_view in, std::string* out);

// String escapes of JSON, JavaScript and Python: \n \t \r \b \f \v \0, \" \' \\ \/ \`, \xNN,
// \uNNNN (a surrogate pair becomes one character; a lone surrogate U+FFFD), \u{N..} (JS),
// \UNNNNNNNN (Python), octal \N \NN \NNN (<= 0377), and backslash-newline (a continuation,
// removed). Characters are written as UTF-8. An escape that is not one of these (or a truncated
// one, "\x4", "\u12") is kept as is. False when `in` holds no escape that was decoded.
bool DecodeEscapes(std::string_view in, std::string* out);

// ---- span finder ----

struct EncodedSpan {
  size_t start = 0, end = 0;  // byte offsets in the text searched
  Encoding encoding = Encoding::kBase64;
};

struct DecodeLimits {
  size_t min_base64 = 20;  // alphabet characters in a base64 run (15 decoded bytes)
  size_t min_hex = 32;     // hex digits (16 decoded bytes)
  size_t min_quoted = 12;  // characters of a string holding an escape, or of a %XX run
};

// Appends to *spans the spans of `text` that may be encoded, each with the one encoding it is
// tried as, sorted by start. Spans of different kinds may overlap (a %XX run around a base64 run).
// Base64: a maximal run of the alphabet with optional '=' padding, at least `min_base64` long,
// mixing upper and lower case; lines of a wrapped block (each full line a multiple of 4 long, at
// least 40) are joined, with the indentation between them, into one span. Hex: a run of only hex
// digits, even, at least `min_hex`, not mixing cases (tried as hex only). Percent: a run of non-
// space, non-quote bytes holding a %XX. Escape: the inside of a quoted string (or, without a
// quote, of a non-space run) holding an escape other than \n \r \t.
// PERF: one pass of 64-byte alphabet masks for base64/hex runs (SIMD), plus memchr for '%' and
// '\'; benchmarked by bench/macro.sh; decode_test checks it against a byte-by-byte reference.
void FindEncodedSpans(ByteView text, std::vector<EncodedSpan>* spans,
                      const DecodeLimits& limits = {});

// Decodes `span` of `text` and appends the result to *out; false (and *out unchanged) when the
// span does not decode, decodes to the same text, or (base64, hex) is not mostly printable ASCII.
bool DecodeSpan(ByteView text, const EncodedSpan& span, std::string* out);

// One decoded piece of a DecodeSpans buffer.
struct DecodedPiece {
  size_t src_start = 0, src_end = 0;  // the encoded span in the text searched
  size_t out_start = 0, out_end = 0;  // its decoding in the buffer
  Encoding encoding = Encoding::kBase64;
};

// Finds the spans of `text`, decodes each, and appends each kept decoding to *out followed by
// '\n', recording it in *pieces (offsets relative to `text`; out offsets in *out). `*budget` is
// the number of decoded bytes still allowed: each kept decoding is subtracted from it; returns
// false, keeping what fitted, when a decoding would take more than what is left. (A decoding that
// is rejected costs no budget: its work is bounded by its span, which is scanned once anyway.)
bool DecodeSpans(ByteView text, size_t* budget, std::string* out, std::vector<DecodedPiece>* pieces,
                 const DecodeLimits& limits = {});

}  // namespace leakguard::match
