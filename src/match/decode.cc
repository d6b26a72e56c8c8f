// Span finding and decoding. See decode.h for what is found and why.
//
// The span finder is on the hot path: it runs over every scanned blob. Base64 and hex runs are
// found in one pass: each 64-byte block is turned once into a bit mask of alphabet bytes (SSE2,
// or AVX2 when the CPU has it), and a shift-and over it (joined with the next block's) gives the
// positions where a run long enough to be a span starts, so the runs of a block cost bit
// operations and most bytes are never looked at one by one. Only such a run is classified: 32
// bytes at a time with AVX2 compares (else a 256-entry byte-class table), the OR of its bytes'
// classes saying which alphabet it uses and whether it mixes cases. '%' and '\' are
// rare in most text, so percent and escape spans are found with memchr and grown around each hit;
// each grows over bytes no earlier span holds, so all passes stay linear. Candidates are then
// rejected by decoding them: a base64/hex decoder that meets more non-printable bytes than a
// tenth of its expected output stops at once, so an identifier that happens to be valid base64
// costs a few table lookups.
#include "match/decode.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <immintrin.h>
#endif

namespace leakguard::match {
namespace {

enum : uint8_t {
  kUpper = 1,      // A-Z
  kLower = 2,      // a-z
  kDigit = 4,      // 0-9
  kStd = 8,        // + /
  kUrl = 16,       // - _
  kNonHex = 32,    // letters other than a-f A-F
  kHexUpper = 64,  // A-F
  kHexLower = 128  // a-f
};
constexpr uint8_t kRun = kUpper | kLower | kDigit | kStd | kUrl;

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kUpper | (c <= 'F' ? kHexUpper : kNonHex);
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kLower | (c <= 'f' ? kHexLower : kNonHex);
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  t['+'] = t['/'] = kStd;
  t['-'] = t['_'] = kUrl;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClasses();

// Base64 values of both alphabets (-1: not base64).
constexpr std::array<int8_t, 256> MakeBase64() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<int8_t>(c - 'A');
  for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<int8_t>(c - 'a' + 26);
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0' + 52);
  t['+'] = t['-'] = 62;
  t['/'] = t['_'] = 63;
  return t;
}
constexpr std::array<int8_t, 256> kBase64 = MakeBase64();

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool IsQuote(unsigned char c) { return c == '"' || c == '\'' || c == '`'; }
bool IsPrintable(unsigned char c) {
  return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || c == '\r';
}

// Bytes that end a percent-encoded run: it is a URL or a form value, so spaces, quotes and
// brackets are around it, never inside it (they would be escaped).
bool EndsPercentRun(unsigned char c) {
  return IsSpace(c) || IsQuote(c) || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' ||
         c == ']' || c == '{' || c == '}' || c == '\\';
}

// Base64 decoding that stops once more than `max_bad` decoded bytes are not printable.
bool Base64Decode(std::string_view in, std::string* out, size_t max_bad) {
  const size_t orig = out->size();
  uint32_t acc = 0;
  int bits = 0;
  size_t chars = 0, pad = 0, bad = 0;
  bool std_alpha = false, url_alpha = false;
  for (unsigned char c : in) {
    if (IsSpace(c)) continue;
    if (c == '=') {
      if (++pad > 2) break;
      continue;
    }
    const int8_t v = kBase64[c];
    if (v < 0 || pad > 0) {
      pad = 3;  // invalid: reported below
      break;
    }
    if (c == '+' || c == '/') std_alpha = true;
    if (c == '-' || c == '_') url_alpha = true;
    ++chars;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const auto b = static_cast<unsigned char>((acc >> bits) & 0xFF);
      if (!IsPrintable(b) && ++bad > max_bad) {
        pad = 3;
        break;
      }
      out->push_back(static_cast<char>(b));
    }
  }
  if (pad > 2 || (std_alpha && url_alpha) || chars % 4 == 1 || chars == 0) {
    out->resize(orig);
    return false;
  }
  return true;
}

bool HexDecode(std::string_view in, std::string* out, size_t max_bad) {
  if (in.size() % 2 != 0 || in.empty()) return false;
  const size_t orig = out->size();
  size_t bad = 0;
  for (size_t i = 0; i < in.size(); i += 2) {
    const int hi = HexValue(static_cast<unsigned char>(in[i]));
    const int lo = HexValue(static_cast<unsigned char>(in[i + 1]));
    const auto b = static_cast<unsigned char>(hi * 16 + lo);
    if (hi < 0 || lo < 0 || (!IsPrintable(b) && ++bad > max_bad)) {
      out->resize(orig);
      return false;
    }
    out->push_back(static_cast<char>(b));
  }
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// `n` hex digits at in[pos..]; -1 when there are fewer.
int64_t HexAt(std::string_view in, size_t pos, size_t n) {
  if (pos + n > in.size()) return -1;
  int64_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    const int d = HexValue(static_cast<unsigned char>(in[pos + k]));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// Whether the escape starting with the backslash at in[k] changes more than whitespace: \n \r \t
// alone only split the text into the words a raw scan already sees.
bool SignificantEscape(unsigned char c) {
  switch (c) {
    case 'x':
    case 'u':
    case 'U':
    case '"':
    case '\'':
    case '\\':
    case '/':
    case '`':
      return true;
    default:
      return c >= '0' && c <= '7';
  }
}

#if defined(__SSE2__)
// Bit k set when p[k] is in the base64 alphabets (A-Z a-z 0-9 + / - _), for 16 bytes.
inline uint32_t AlphabetMask16(const unsigned char* p) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i bias = _mm_set1_epi8(static_cast<char>(0x80));
  // Unsigned "c - lo < len", as a signed compare after flipping the top bit.
  auto in_range = [&](__m128i v, char lo, int len) {
    const __m128i t = _mm_xor_si128(_mm_sub_epi8(v, _mm_set1_epi8(lo)), bias);
    return _mm_cmplt_epi8(t, _mm_set1_epi8(static_cast<char>(len - 128)));
  };
  __m128i m = in_range(_mm_or_si128(c, _mm_set1_epi8(0x20)), 'a', 26);  // letters
  m = _mm_or_si128(m, in_range(c, '/', 11));                            // '/' and digits
  m = _mm_or_si128(m, _mm_cmpeq_epi8(c, _mm_set1_epi8('+')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(c, _mm_set1_epi8('-')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(c, _mm_set1_epi8('_')));
  return static_cast<uint32_t>(_mm_movemask_epi8(m));
}

uint64_t AlphabetMask64Sse2(const unsigned char* p) {
  return uint64_t{AlphabetMask16(p)} | uint64_t{AlphabetMask16(p + 16)} << 16 |
         uint64_t{AlphabetMask16(p + 32)} << 32 | uint64_t{AlphabetMask16(p + 48)} << 48;
}

// The same with AVX2, 32 bytes per step, where the CPU has it (chosen once, at run time), by
// nibble lookup: a byte is in the alphabet when the classes of its high and of its low nibble
// share a bit. Classes: 1 = `+ - /` (0x2B 0x2D 0x2F), 2 = digits (0x30-0x39), 4 = A-O and a-o
// (0x41-0x4F, 0x61-0x6F), 8 = P-Z and p-z (0x50-0x5A, 0x70-0x7A), 16 = `_` (0x5F). Bytes of
// 0x80 and up have high-nibble class 0. Two shuffles and an AND instead of five compares.
__attribute__((target("avx2"))) inline uint32_t AlphabetMask32Avx2(const unsigned char* q) {
  const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  const __m256i by_low =
      _mm256_setr_epi8(10, 4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2,
                       4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2, 4 | 8, 1 | 4, 4, 1 | 4, 4, 1 | 4 | 16,  //
                       10, 4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2,
                       4 | 8 | 2, 4 | 8 | 2, 4 | 8 | 2, 4 | 8, 1 | 4, 4, 1 | 4, 4, 1 | 4 | 16);
  const __m256i by_high = _mm256_setr_epi8(0, 0, 1, 2, 4, 8 | 16, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                           0, 0, 1, 2, 4, 8 | 16, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_and_si256(c, nibble);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(c, 4), nibble);
  const __m256i both =
      _mm256_and_si256(_mm256_shuffle_epi8(by_low, lo), _mm256_shuffle_epi8(by_high, hi));
  return ~static_cast<uint32_t>(
      _mm256_movemask_epi8(_mm256_cmpeq_epi8(both, _mm256_setzero_si256())));
}
__attribute__((target("avx2"))) uint64_t AlphabetMask64Avx2(const unsigned char* p) {
  return uint64_t{AlphabetMask32Avx2(p)} | uint64_t{AlphabetMask32Avx2(p + 32)} << 32;
}

using MaskFn = uint64_t (*)(const unsigned char*);
MaskFn ChooseAlphabetMask64() {
  __builtin_cpu_init();  // may run before libgcc's own initialiser
  return __builtin_cpu_supports("avx2") ? &AlphabetMask64Avx2 : &AlphabetMask64Sse2;
}
#endif

// The end of the alphabet run starting at i, with the OR of its bytes' classes added to *flags.
size_t ClassifyRunScalar(const unsigned char* p, size_t n, size_t i, uint8_t* flags) {
  uint8_t f = 0;
  for (; i + 8 <= n; i += 8) {  // eight at a time while all eight are in the run
    const uint8_t a = kClass[p[i]], b = kClass[p[i + 1]], c = kClass[p[i + 2]],
                  d = kClass[p[i + 3]], e = kClass[p[i + 4]], g = kClass[p[i + 5]],
                  h = kClass[p[i + 6]], k = kClass[p[i + 7]];
    // Every class but 0 (outside the alphabet) has a kRun bit.
    if ((a == 0) | (b == 0) | (c == 0) | (d == 0) | (e == 0) | (g == 0) | (h == 0) | (k == 0))
      break;
    f |= static_cast<uint8_t>((a | b) | (c | d) | ((e | g) | (h | k)));
  }
  while (i < n && (kClass[p[i]] & kRun)) f |= kClass[p[i++]];
  *flags |= f;
  return i;
}

#if defined(__SSE2__)
// Bytes with v - lo < len (unsigned), as a signed compare after flipping the top bit.
__attribute__((target("avx2"))) inline __m256i InRange32(__m256i v, char lo, int len) {
  const __m256i t = _mm256_xor_si256(_mm256_sub_epi8(v, _mm256_set1_epi8(lo)),
                                     _mm256_set1_epi8(static_cast<char>(0x80)));
  return _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(len - 128)), t);
}
__attribute__((target("avx2"))) inline uint32_t Bits32(__m256i m) {
  return static_cast<uint32_t>(_mm256_movemask_epi8(m));
}
__attribute__((target("avx2"))) inline uint32_t Equal32(__m256i v, char a, char b) {
  return Bits32(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(a)),
                                _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b))));
}

// The same, 32 bytes per step: each class is a compare, the run's end the first byte outside
// the alphabet, and a class counts only for the bytes before that end.
__attribute__((target("avx2"))) size_t ClassifyRunAvx2(const unsigned char* p, size_t n, size_t i,
                                                       uint8_t* flags) {
  uint8_t f = 0;
  while (i + 32 <= n) {
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const uint32_t upper = Bits32(InRange32(c, 'A', 26));
    const uint32_t lower = Bits32(InRange32(c, 'a', 26));
    const uint32_t digit = Bits32(InRange32(c, '0', 10));
    const uint32_t std = Equal32(c, '+', '/');
    const uint32_t url = Equal32(c, '-', '_');
    const uint32_t hex_letter =
        Bits32(InRange32(_mm256_or_si256(c, _mm256_set1_epi8(0x20)), 'a', 6));
    const uint32_t stop = ~(upper | lower | digit | std | url);
    const uint32_t valid = stop == 0 ? ~0u : (1u << __builtin_ctz(stop)) - 1;
    const uint32_t u = upper & valid, l = lower & valid;
    if (u) f |= kUpper;
    if (l) f |= kLower;
    if (digit & valid) f |= kDigit;
    if (std & valid) f |= kStd;
    if (url & valid) f |= kUrl;
    if (u & hex_letter) f |= kHexUpper;
    if (l & hex_letter) f |= kHexLower;
    if ((u | l) & ~hex_letter) f |= kNonHex;
    if (stop != 0) {
      *flags |= f;
      return i + static_cast<size_t>(__builtin_ctz(stop));
    }
    i += 32;
  }
  *flags |= f;
  return ClassifyRunScalar(p, n, i, flags);
}
#endif

using ClassifyFn = size_t (*)(const unsigned char*, size_t, size_t, uint8_t*);
ClassifyFn ChooseClassifyRun() {
#if defined(__SSE2__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) return &ClassifyRunAvx2;
#endif
  return &ClassifyRunScalar;
}

// Where runs of at least `len` alphabet bytes start, found a 64-byte block at a time. Blocks are
// aligned to the start of the text; each block's alphabet mask (SSE2, or AVX2) is made once. A
// shift-and turns it into the mask of positions where `len` alphabet bytes begin inside the
// block; the runs that cross into the next block start in the block's top run of alphabet bytes
// and are a range found from its length and the length of the next block's bottom run (64-bit
// operations only: a 128-bit shift-and spilled registers and cost twice as much). The runs of a
// block are thus found with bit operations, and a second run in the same block costs a count of
// trailing zeros. Requires 1 <= len <= 32.
class LongRunFinder {
 public:
  LongRunFinder(const unsigned char* p, size_t n, size_t len) : p_(p), n_(n), len_(len) {}

  // The first position >= i where `len` alphabet bytes begin, given that no such run reaches
  // back before i (the byte before i, or the byte at i, is outside the alphabet): then that
  // position is the start of its run. `decided` false: whole blocks end before the answer is
  // known, and the caller goes on byte by byte from `pos` (no run of `len` starts before it).
  struct Hit {
    size_t pos = 0;
    bool decided = false;
  };
  Hit Next(size_t i) {
#if defined(__SSE2__)
    static const MaskFn mask64 = ChooseAlphabetMask64();
    size_t block = i & ~size_t{63};
    for (;;) {
      if (block + 64 > n_) return {std::max(i, block), false};
      if (block != block_) Load(block, mask64);
      const uint64_t from = i > block ? ~uint64_t{0} << (i - block) : ~uint64_t{0};
      const uint64_t hits = starts_ & from;
      if (hits != 0) return {block + static_cast<size_t>(__builtin_ctzll(hits)), true};
      // Without a whole next block, runs starting in the last len - 1 bytes are undecided.
      if (!next_whole_) return {std::max(i, block + 64 - len_ + 1), false};
      block += 64;
    }
#else
    return {i, false};
#endif
  }

 private:
#if defined(__SSE2__)
  void Load(size_t block, MaskFn mask64) {
    const uint64_t lo = block == block_ + 64 && next_whole_ ? hi_ : mask64(p_ + block);
    next_whole_ = block + 128 <= n_;
    hi_ = next_whole_ ? mask64(p_ + block + 64) : 0;
    block_ = block;
    // Bit k of x: bytes k .. k+len-1 are all in the alphabet and in this block.
    uint64_t x = lo;
    if (len_ == 20) {  // the default, with constant shifts: runs of 2, 4, 8, 16, then 20
      x &= x >> 1;
      x &= x >> 2;
      x &= x >> 4;
      x &= x >> 8;
      x &= x >> 4;
    } else {
      for (size_t have = 1; have < len_;) {
        const size_t step = std::min(have, len_ - have);
        x &= x >> step;
        have += step;
      }
    }
    // Runs crossing into the next block start at k in [64 - top, 63] (bytes k..63 alphabet) with
    // k + len - 64 <= bottom (bytes 64..k+len-65 alphabet): top ones of this block's mask, bottom
    // ones of the next one's.
    const int top = std::countl_one(lo);
    if (top > 0) {
      const int first = 64 - top;
      const int last = std::min(63, 64 + std::countr_one(hi_) - static_cast<int>(len_));
      if (last >= first) x |= (~uint64_t{0} >> (63 - last)) & (~uint64_t{0} << first);
    }
    starts_ = x;
  }
#endif

  const unsigned char* p_;
  size_t n_, len_;
  size_t block_ = SIZE_MAX;  // the block whose masks are loaded
  uint64_t hi_ = 0;          // the alphabet mask of the next block (0 when not whole)
  uint64_t starts_ = 0;      // positions in the block where `len_` alphabet bytes begin
  bool next_whole_ = false;
};

void FindRuns(ByteView text, const DecodeLimits& limits, std::vector<EncodedSpan>* spans) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // Runs shorter than `probe` are never spans, so most bytes need no look: when the byte
  // probe - 1 ahead is not in the alphabet, no long enough run starts before it. Invariant: the
  // byte before i, or the byte at i, is not in the alphabet (no run reaches back before i).
  const size_t probe = std::max<size_t>(1, std::min(limits.min_base64, limits.min_hex));
  LongRunFinder finder(p, n, probe);
  size_t i = 0;
  while (i + probe <= n) {
    bool decided = false;
    if (probe <= 32) {
      // Whole blocks first: no run of `probe` bytes starts before the position returned; a run
      // found there starts exactly at it (the invariant rules out one reaching back before i).
      const LongRunFinder::Hit hit = finder.Next(i);
      i = hit.pos;
      decided = hit.decided;
      if (i + probe > n) break;
    }
    if (!decided) {
      if (!(kClass[p[i + probe - 1]] & kRun)) {
        i += probe;
        continue;
      }
      size_t back = i + probe - 1;  // back to the start of the run holding the probed byte
      while (back > i && (kClass[p[back - 1]] & kRun)) --back;
      i = back;
    }
    const size_t s = i;
    uint8_t flags = 0;
    size_t chars = 0, pad = 0;
    bool wrapped = false;
    static const ClassifyFn classify_run = ChooseClassifyRun();
    for (;;) {
      const size_t line_start = i;
      i = classify_run(p, n, i, &flags);
      const size_t line_len = i - line_start;
      chars += line_len;
      pad = 0;
      while (i < n && p[i] == '=' && pad < 2) {
        ++pad;
        ++i;
      }
      // A wrapped block: full lines of a multiple of 4 characters, then the next line's run after
      // its indentation (PEM bodies, YAML block scalars, `base64` output).
      if (pad == 0 && line_len >= 40 && line_len % 4 == 0 && i < n &&
          (p[i] == '\n' || p[i] == '\r')) {
        size_t j = i + (p[i] == '\r' ? 1 : 0);
        if (j < n && p[j] == '\n') {
          ++j;
          while (j < n && (p[j] == ' ' || p[j] == '\t')) ++j;
          if (j < n && (kClass[p[j]] & kRun)) {
            i = j;
            wrapped = true;
            continue;
          }
        }
      }
      break;
    }
    // Never taken while the block masks and kClass agree on the alphabet; should a mask ever
    // announce a byte kClass rejects, the scan moves on instead of spinning (a mask that missed
    // alphabet bytes would lose runs, which the every-byte-value test against the byte-by-byte
    // reference catches).
    if (i == s) {
      ++i;
      continue;
    }
    const bool one_case_hex = !((flags & kHexUpper) && (flags & kHexLower));
    if (!(flags & (kNonHex | kStd | kUrl)) && pad == 0 && !wrapped) {
      if (chars >= limits.min_hex && chars % 2 == 0 && one_case_hex)
        spans->push_back({s, i, Encoding::kHex});
      continue;
    }
    if (chars < limits.min_base64 || chars % 4 == 1) continue;
    if (!(flags & kUpper) || !(flags & kLower)) continue;
    if ((flags & kStd) && (flags & kUrl)) continue;
    spans->push_back({s, i, (flags & kUrl) ? Encoding::kBase64Url : Encoding::kBase64});
  }
}

void FindPercent(ByteView text, const DecodeLimits& limits, std::vector<EncodedSpan>* spans) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t last = 0;  // bytes before this belong to an earlier span
  size_t k = 0;
  while (k < n) {
    const void* hit = std::memchr(p + k, '%', n - k);
    if (!hit) break;
    k = static_cast<size_t>(static_cast<const unsigned char*>(hit) - p);
    if (k + 2 >= n || HexValue(p[k + 1]) < 0 || HexValue(p[k + 2]) < 0) {
      ++k;
      continue;
    }
    size_t s = k;
    while (s > last && !EndsPercentRun(p[s - 1])) --s;
    size_t e = k + 3;
    while (e < n && !EndsPercentRun(p[e])) ++e;
    if (e - s >= limits.min_quoted) spans->push_back({s, e, Encoding::kPercent});
    last = k = e;
  }
}

void FindEscapes(ByteView text, const DecodeLimits& limits, std::vector<EncodedSpan>* spans) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  constexpr size_t kMaxLeft = 4096;  // how far back an opening quote is looked for
  size_t last = 0;
  size_t k = 0;
  while (k + 1 < n) {
    const void* hit = std::memchr(p + k, '\\', n - 1 - k);
    if (!hit) break;
    k = static_cast<size_t>(static_cast<const unsigned char*>(hit) - p);
    if (!SignificantEscape(p[k + 1])) {
      k += 2;
      continue;
    }
    // Back to the opening quote (an escaped quote does not count), or the line's start.
    const size_t floor = std::max(last, k > kMaxLeft ? k - kMaxLeft : 0);
    size_t s = k;
    unsigned char quote = 0;
    while (s > floor) {
      const unsigned char c = p[s - 1];
      if (c == '\n') break;
      if (IsQuote(c) && !(s >= 2 && p[s - 2] == '\\')) {
        quote = c;
        break;
      }
      --s;
    }
    if (!quote) {  // not in a string: the non-space run around the escape
      s = k;
      while (s > floor && !IsSpace(p[s - 1])) --s;
    }
    size_t e = k;
    while (e < n) {
      const unsigned char c = p[e];
      if (c == '\\') {
        e += 2;
        continue;
      }
      if (c == '\n' || (quote ? c == quote : IsSpace(c) || IsQuote(c))) break;
      ++e;
    }
    e = std::min(e, n);
    if (e - s >= limits.min_quoted) spans->push_back({s, e, Encoding::kEscape});
    last = k = e;
  }
}

}  // namespace

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kBase64:
      return "base64";
    case Encoding::kBase64Url:
      return "base64url";
    case Encoding::kHex:
      return "hex";
    case Encoding::kPercent:
      return "percent";
    case Encoding::kEscape:
      return "escape";
  }
  return "?";
}

bool DecodeBase64(std::string_view in, std::string* out) { return Base64Decode(in, out, SIZE_MAX); }

bool DecodeBase64Text(std::string_view in, std::string* out) { return Base64Decode(in, out, 0); }

bool DecodeHex(std::string_view in, std::string* out) { return HexDecode(in, out, SIZE_MAX); }

bool DecodePercent(std::string_view in, std::string* out) {
  const size_t orig = out->size();
  bool any = false;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int hi = HexValue(static_cast<unsigned char>(in[i + 1]));
      const int lo = HexValue(static_cast<unsigned char>(in[i + 2]));
      if (hi >= 0 && lo >= 0) {
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        any = true;
        continue;
      }
    }
    out->push_back(in[i]);
  }
  if (!any) out->resize(orig);
  return any;
}

bool DecodeEscapes(std::string_view in, std::string* out) {
  const size_t orig = out->size();
  bool any = false;
  size_t i = 0;
  const size_t n = in.size();
  while (i < n) {
    const char c = in[i];
    if (c != '\\' || i + 1 >= n) {
      out->push_back(c);
      ++i;
      continue;
    }
    const char d = in[i + 1];
    size_t used = 2;  // bytes of the escape
    bool ok = true;
    switch (d) {
      case 'n':
        out->push_back('\n');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'v':
        out->push_back('\v');
        break;
      case '"':
      case '\'':
      case '\\':
      case '/':
      case '`':
        out->push_back(d);
        break;
      case '\n':  // a line continuation
        break;
      case '\r':
        if (i + 2 < n && in[i + 2] == '\n') used = 3;
        break;
      case 'x': {
        const int64_t v = HexAt(in, i + 2, 2);
        if (v < 0) {
          ok = false;
          break;
        }
        AppendUtf8(static_cast<uint32_t>(v), out);
        used = 4;
        break;
      }
      case 'U': {
        const int64_t v = HexAt(in, i + 2, 8);
        if (v < 0 || v > 0x10FFFF) {
          ok = false;
          break;
        }
        AppendUtf8(static_cast<uint32_t>(v), out);
        used = 10;
        break;
      }
      case 'u': {
        if (i + 2 < n && in[i + 2] == '{') {  // JS \u{1F600}
          const size_t close = in.find('}', i + 3);
          if (close == std::string_view::npos || close == i + 3 || close - (i + 3) > 6) {
            ok = false;
            break;
          }
          const int64_t v = HexAt(in, i + 3, close - (i + 3));
          if (v < 0 || v > 0x10FFFF) {
            ok = false;
            break;
          }
          AppendUtf8(static_cast<uint32_t>(v), out);
          used = close + 1 - i;
          break;
        }
        int64_t v = HexAt(in, i + 2, 4);
        if (v < 0) {
          ok = false;
          break;
        }
        used = 6;
        if (v >= 0xD800 && v <= 0xDBFF && i + 7 < n && in[i + 6] == '\\' && in[i + 7] == 'u') {
          const int64_t lo = HexAt(in, i + 8, 4);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            used = 12;
          }
        }
        AppendUtf8(static_cast<uint32_t>(v), out);  // a lone surrogate becomes U+FFFD
        break;
      }
      default:
        if (d >= '0' && d <= '7') {
          uint32_t v = static_cast<uint32_t>(d - '0');
          size_t k = i + 2;
          while (k < n && k < i + 4 && in[k] >= '0' && in[k] <= '7' &&
                 v * 8 + static_cast<uint32_t>(in[k] - '0') <= 0377) {
            v = v * 8 + static_cast<uint32_t>(in[k] - '0');
            ++k;
          }
          AppendUtf8(v, out);
          used = k - i;
        } else {
          ok = false;
        }
    }
    if (!ok) {  // not an escape we know: kept as written
      out->push_back(c);
      ++i;
      continue;
    }
    any = true;
    i += used;
  }
  if (!any) out->resize(orig);
  return any;
}

void FindEncodedSpans(ByteView text, std::vector<EncodedSpan>* spans, const DecodeLimits& limits) {
  const size_t first = spans->size();
  FindRuns(text, limits, spans);
  const size_t runs_end = spans->size();
  if (std::memchr(text.data(), '%', text.size())) FindPercent(text, limits, spans);
  if (std::memchr(text.data(), '\\', text.size())) FindEscapes(text, limits, spans);
  if (spans->size() > runs_end) {
    std::stable_sort(spans->begin() + static_cast<std::ptrdiff_t>(first), spans->end(),
                     [](const EncodedSpan& a, const EncodedSpan& b) { return a.start < b.start; });
  }
}

bool DecodeSpan(ByteView text, const EncodedSpan& span, std::string* out) {
  const std::string_view in = text.substr(span.start, span.end - span.start);
  switch (span.encoding) {
    case Encoding::kBase64:
    case Encoding::kBase64Url:
      return Base64Decode(in, out, in.size() * 3 / 4 / 10);
    case Encoding::kHex:
      return HexDecode(in, out, in.size() / 2 / 10);
    case Encoding::kPercent:
      return DecodePercent(in, out);
    case Encoding::kEscape:
      return DecodeEscapes(in, out);
  }
  return false;
}

bool DecodeSpans(ByteView text, size_t* budget, std::string* out, std::vector<DecodedPiece>* pieces,
                 const DecodeLimits& limits) {
  thread_local std::vector<EncodedSpan> spans;
  spans.clear();
  FindEncodedSpans(text, &spans, limits);
  for (const EncodedSpan& span : spans) {
    const size_t before = out->size();
    if (!DecodeSpan(text, span, out)) continue;
    const size_t size = out->size() - before;
    if (size > *budget) {
      out->resize(before);
      return false;
    }
    *budget -= size;
    pieces->push_back({span.start, span.end, before, out->size(), span.encoding});
    out->push_back('\n');
  }
  return true;
}

}  // namespace leakguard::match
