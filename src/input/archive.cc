// Reading archives with libarchive, safely.
//
// One Walker expands one top-level input. Each archive level is a libarchive reader over one of
// three feeds: memory (the whole file or member is in memory: seekable, so zip and 7z are read
// through their central directories), a file descriptor (a large file, read with pread and
// seekable; or standard input, read as it comes) or its parent archive (a member too large to
// hold, streamed straight out of the parent's current entry: no copy, no disk).
//
// Every byte that leaves a reader goes through Walker::ReadData, which is where the limits live:
// bytes out of this archive against its size (ratio), member bytes out of all archives against
// --max-archive-bytes, the deadline. ReadData is also what a streamed child's feed calls, so a
// bomb nested anywhere is metered where it expands. libarchive's own skip is used only where it
// is a seek (uncompressed tar/ar/cpio, zip with a central directory); elsewhere a skipped member
// is read and discarded through ReadData, because a skip inside a compressed stream decompresses
// without ever returning to us, and a decompression bomb would run unmetered.
//
// libarchive's zip reader follows the central directory, so entries whose data overlap are each
// inflated in full (an overlapping-entry bomb: 42 kB -> 5 GB); libarchive does not refuse them,
// so ZipEntriesOverlap checks the central directory before a zip is opened.
//
// Only the formats DetectContainer recognises are enabled, and only in-library filters: mtree
// (whose entries name files on the local disk) and the external-program filters are never on.
#include "input/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/core.h>
#include <locale.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>

#include "base/log.h"
#include "input/notebook.h"

namespace leakguard::input {
namespace {

using namespace std::string_view_literals;
using Clock = std::chrono::steady_clock;

constexpr size_t kBlock = 64u << 10;         // read size
constexpr size_t kSniff = 8192;              // bytes of a member looked at before deciding
constexpr uint64_t kRatioGrace = 16u << 20;  // the ratio limit applies past this much output
constexpr size_t kMaxMetadata = 4u << 20;    // image metadata files kept for ImageCollector
constexpr uint64_t kMaxCentralDirectory = 256ull << 20;

// ---- Recognising containers ------------------------------------------------------------------

enum class Magic { kNone, kZip, kTar, kCompressed, kOther };

bool At(std::string_view h, size_t off, std::string_view m) {
  return h.size() >= off + m.size() && h.compare(off, m.size(), m) == 0;
}

// A tar header without the ustar magic (v7): its checksum must add up.
bool V7TarHeader(std::string_view h) {
  if (h.size() < 512 || h[0] == '\0') return false;
  // The checksum field first: in text it is rarely octal digits, and then no sum is needed.
  uint64_t stored = 0;
  size_t i = 148;
  while (i < 156 && h[i] == ' ') ++i;
  const size_t digits_from = i;
  for (; i < 156 && h[i] >= '0' && h[i] <= '7'; ++i) stored = stored * 8 + (h[i] - '0');
  if (i == digits_from) return false;
  for (; i < 156; ++i)
    if (h[i] != ' ' && h[i] != '\0') return false;
  uint64_t sum = 0;
  for (size_t k = 0; k < 512; ++k)
    sum += (k >= 148 && k < 156) ? ' ' : static_cast<unsigned char>(h[k]);
  return stored == sum;
}

Magic Sniff(std::string_view h) {
  if (At(h, 0, "PK\x03\x04"sv) || At(h, 0, "PK\x05\x06"sv) || At(h, 0, "PK\x07\x08"sv))
    return Magic::kZip;
  if (At(h, 0, "\x1f\x8b"sv) || At(h, 0, "\x1f\x9d"sv) ||
      At(h, 0,
         "\xfd"
         "7zXZ\x00"sv) ||
      At(h, 0, "\x28\xb5\x2f\xfd"sv) || At(h, 0, "\x04\x22\x4d\x18"sv) || At(h, 0, "LZIP"sv))
    return Magic::kCompressed;
  if (At(h, 0, "BZh"sv) && h.size() > 3 && h[3] >= '1' && h[3] <= '9') return Magic::kCompressed;
  if (At(h, 0,
         "7z\xbc\xaf\x27\x1c"sv) ||      // 7z
      At(h, 0, "\xed\xab\xee\xdb"sv) ||  // rpm
      At(h, 0, "!<arch>\n"sv) ||         // ar (deb)
      At(h, 0, "070701"sv) ||
      At(h, 0, "070702"sv) || At(h, 0, "070707"sv) ||  // cpio
      At(h, 0, "Rar!\x1a\x07"sv) || At(h, 0, "MSCF\0\0\0\0"sv) || At(h, 0, "xar!"sv))
    return Magic::kOther;
  if (At(h, 257, "ustar"sv)) return Magic::kTar;
  if (V7TarHeader(h)) return Magic::kTar;
  return Magic::kNone;
}

bool EndsWithCaseless(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != suffix[i]) return false;
  }
  return true;
}

bool LooksLikeNotebook(std::string_view head, std::string_view name) {
  if (!EndsWithCaseless(name, ".ipynb")) return false;
  if (head.starts_with("\xef\xbb\xbf"sv)) head.remove_prefix(3);
  for (char c : head) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

// The name of the one member of a compressed single file: its name without the compression
// suffix ("notes.txt.gz" -> "notes.txt", "x.tgz" -> "x.tar").
std::string RawMemberName(const Provenance& archive) {
  std::string_view name = archive.archive_chain.empty()
                              ? std::string_view(archive.path)
                              : std::string_view(archive.archive_chain.back());
  if (size_t s = name.rfind('/'); s != std::string_view::npos) name.remove_prefix(s + 1);
  static constexpr std::pair<std::string_view, std::string_view> kSuffixes[] = {
      {".tgz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"}, {".tzst", ".tar"},
      {".gz", ""},      {".bz2", ""},      {".xz", ""},      {".zst", ""},     {".lz4", ""},
      {".lz", ""},      {".z", ""},        {".lzma", ""},
  };
  for (const auto& [suffix, replacement] : kSuffixes)
    if (name.size() > suffix.size() && EndsWithCaseless(name, suffix))
      return std::string(name.substr(0, name.size() - suffix.size())) + std::string(replacement);
  return "data";
}

std::vector<std::string> ChainOf(const Provenance& p) {
  if (!p.archive_chain.empty()) return p.archive_chain;
  return {p.path};
}

// ---- Overlapping zip entries -----------------------------------------------------------------

using ReadAt = std::function<bool(uint64_t offset, size_t n, std::string* out)>;

uint64_t Le(std::string_view b, size_t off, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(b[off + i])) << (8 * i);
  return v;
}

// Whether the data of two entries of the zip of `size` bytes overlap, per its central directory
// (an overlapping-entry zip bomb: every entry inflates the same compressed bytes). A zip without
// a readable central directory gives false: libarchive then reports what it cannot read.
bool ZipEntriesOverlap(const ReadAt& read_at, uint64_t size) {
  if (size < 22) return false;
  const uint64_t tail_len = std::min<uint64_t>(size, 22 + 65535);
  std::string tail;
  if (!read_at(size - tail_len, tail_len, &tail)) return false;
  size_t eocd = tail.rfind("PK\x05\x06"sv);
  while (eocd != std::string::npos && eocd + 22 > tail.size())
    eocd = eocd == 0 ? std::string::npos : tail.rfind("PK\x05\x06"sv, eocd - 1);
  if (eocd == std::string::npos) return false;
  const uint64_t eocd_pos = size - tail_len + eocd;
  uint64_t entries = Le(tail, eocd + 10, 2), cd_size = Le(tail, eocd + 12, 4),
           cd_offset = Le(tail, eocd + 16, 4);
  uint64_t cd_end = eocd_pos;
  if (entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    // Zip64: the locator sits just before the end record and points at the zip64 end record.
    if (eocd_pos < 20) return false;
    std::string loc;
    if (!read_at(eocd_pos - 20, 20, &loc) || !loc.starts_with("PK\x06\x07"sv)) return false;
    const uint64_t z64 = Le(loc, 8, 8);
    std::string rec;
    if (z64 + 56 > size || !read_at(z64, 56, &rec) || !rec.starts_with("PK\x06\x06"sv))
      return false;
    entries = Le(rec, 32, 8);
    cd_size = Le(rec, 40, 8);
    cd_offset = Le(rec, 48, 8);
    cd_end = z64;
  }
  if (cd_size == 0 || cd_size > kMaxCentralDirectory || cd_size > cd_end) return false;
  // Data prepended to the zip (self-extractors) shifts every offset by the same amount.
  const int64_t shift = static_cast<int64_t>(cd_end - cd_size) - static_cast<int64_t>(cd_offset);
  std::string cd;
  if (!read_at(cd_end - cd_size, cd_size, &cd)) return false;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // [start, minimal end) of each entry
  spans.reserve(std::min<uint64_t>(entries, 1u << 20));
  for (size_t p = 0; p + 46 <= cd.size() && At(cd, p, "PK\x01\x02"sv);) {
    uint64_t csize = Le(cd, p + 20, 4), usize = Le(cd, p + 24, 4), offset = Le(cd, p + 42, 4);
    const size_t name_len = Le(cd, p + 28, 2), extra_len = Le(cd, p + 30, 2),
                 comment_len = Le(cd, p + 32, 2);
    if (p + 46 + name_len + extra_len > cd.size()) break;
    // Zip64 extended information: the 64-bit values of the fields saturated above, in order.
    for (size_t x = p + 46 + name_len; x + 4 <= p + 46 + name_len + extra_len;) {
      const uint64_t id = Le(cd, x, 2), len = Le(cd, x + 2, 2);
      if (x + 4 + len > p + 46 + name_len + extra_len) break;
      if (id == 0x0001) {
        size_t f = x + 4;
        auto take = [&](uint64_t* v) {
          if (*v == 0xFFFFFFFF && f + 8 <= x + 4 + len) {
            *v = Le(cd, f, 8);
            f += 8;
          }
        };
        take(&usize);
        take(&csize);
        take(&offset);
      }
      x += 4 + len;
    }
    const int64_t start = static_cast<int64_t>(offset) + shift;
    if (start >= 0) {
      const uint64_t s = static_cast<uint64_t>(start);
      spans.emplace_back(s, s + 30 + name_len + csize);
    }
    if (spans.size() > (4u << 20)) return false;  // absurd; the entry limit will stop it
    p += 46 + name_len + extra_len + comment_len;
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first < spans[i - 1].second) return true;
  return false;
}

// ---- libarchive plumbing ---------------------------------------------------------------------

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

ArchivePtr NewReader(Magic magic) {
  ArchivePtr a(archive_read_new());
  if (!a) return a;
  archive* r = a.get();
  archive_read_support_filter_gzip(r);
  archive_read_support_filter_bzip2(r);
  archive_read_support_filter_compress(r);
  archive_read_support_filter_xz(r);
  archive_read_support_filter_lzma(r);
  archive_read_support_filter_lzip(r);
  archive_read_support_filter_lz4(r);
  archive_read_support_filter_zstd(r);
  archive_read_support_filter_rpm(r);
  archive_read_support_format_7zip(r);
  archive_read_support_format_ar(r);
  archive_read_support_format_cab(r);
  archive_read_support_format_cpio(r);
  archive_read_support_format_rar(r);
  archive_read_support_format_rar5(r);
  archive_read_support_format_tar(r);
  archive_read_support_format_xar(r);
  archive_read_support_format_zip(r);
  // A compressed single file (notes.txt.gz): its content is one member.
  if (magic == Magic::kCompressed) archive_read_support_format_raw(r);
  return a;
}

std::string ArchiveError(archive* a) {
  const char* s = archive_error_string(a);
  return PrintablePath(s && *s ? s : "unknown error");
}

// Whether the last error is libarchive refusing encrypted data. The format's "has encrypted
// entries" flag alone is not enough: a corrupt header can set it.
bool EncryptionError(archive* a) {
  if (archive_read_has_encrypted_entries(a) <= 0) return false;
  const char* s = archive_error_string(a);
  if (!s) return false;
  const std::string_view m(s);
  return m.find("ncrypt") != std::string_view::npos ||
         m.find("assphrase") != std::string_view::npos;
}

// The member's name as stored: UTF-8 when libarchive can convert it, else its raw bytes.
std::string EntryName(archive_entry* e) {
  if (const char* u = archive_entry_pathname_utf8(e)) return u;
  if (const char* p = archive_entry_pathname(e)) return p;
  return "<unnamed>";
}

// libarchive converts member names to the current locale's charset; under the C locale every
// non-ASCII name would be lost. A UTF-8 locale for this thread only, for the expansion's length.
class ScopedUtf8Locale {
 public:
  ScopedUtf8Locale() {
    static locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (utf8) old_ = uselocale(utf8);
  }
  ~ScopedUtf8Locale() {
    if (old_) uselocale(old_);
  }
  ScopedUtf8Locale(const ScopedUtf8Locale&) = delete;
  ScopedUtf8Locale& operator=(const ScopedUtf8Locale&) = delete;

 private:
  locale_t old_ = static_cast<locale_t>(0);
};

// ---- The walker ------------------------------------------------------------------------------

class Walker;
struct Level;

// Where a streamed archive's bytes come from: a file descriptor, or the current entry of its
// parent archive. `head` is replayed first (bytes already read to recognise the archive).
struct Feed {
  Walker* walker = nullptr;
  int fd = -1;
  bool seekable = false;  // a regular file: pread at `base` + `pos`
  int64_t base = 0;
  int64_t size = 0;  // from `base`
  int64_t pos = 0;
  Level* parent = nullptr;
  std::string_view head;
  size_t head_pos = 0;
  uint64_t consumed = 0;  // bytes handed to libarchive
  std::vector<char> block = std::vector<char>(kBlock);
};

struct Level {
  archive* a = nullptr;
  const Provenance* prov = nullptr;  // the archive's own provenance
  Level* parent = nullptr;
  uint32_t depth = 1;
  uint64_t size = 0;  // compressed size when known (memory, file, member size), else 0
  Feed* feed = nullptr;
  bool seekable = false;
  uint64_t out = 0;  // bytes read out of this archive
  bool stopped = false;
  bool damage_reported = false;
  bool cheap_skip = false;
  bool raw = false;
  bool ar = false;                            // an ar archive (deb, static library)
  std::unique_ptr<ImageCollector> collector;  // tar archives: could be an image tarball
  LayerEntries* layer = nullptr;              // this archive may be an image layer
};

enum class Fill { kMore, kEnd, kError };

class Walker {
 public:
  Walker(const ArchiveLimits& limits, const ContainerCallbacks& cb, const Provenance& top)
      : limits_(limits),
        cb_(cb),
        top_(top),
        deadline_(Clock::now() +
                  std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(std::max(0.0, limits.max_seconds)))) {}

  ContainerStats Take() { return std::move(stats_); }

  void TopMemory(std::string_view data) {
    switch (DetectContainer(data, top_.rel_path)) {
      case ContainerKind::kNotebook:
        Notebook(std::string(data), top_);
        return;
      case ContainerKind::kArchive:
        if (!OpenMemory(data, top_, 1, nullptr, nullptr) && !stop_all_ &&
            (limits_.scan_binary || !LooksBinary(data))) {
          // Not an archive after all (text that happened to look like a tar header): scan it
          // as the plain file it is.
          Provenance p = top_;
          p.kind = Provenance::Kind::kArchiveMember;  // a blob of the input, like a member
          Emit(std::move(p), std::string(data));
        }
        return;
      case ContainerKind::kNone:
        return;
    }
  }

  void TopFd(int fd, std::string_view head) {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Warn("{}: cannot stat: {}", PrintablePath(top_.path), std::strerror(errno));
      return;
    }
    Feed feed;
    feed.walker = this;
    feed.fd = fd;
    std::string file_head;
    if (S_ISREG(st.st_mode)) {
      // A regular file (also standard input redirected from one): read with pread from where
      // the archive starts, which is before the bytes already read into `head`.
      const off_t cur = ::lseek(fd, 0, SEEK_CUR);
      feed.seekable = true;
      feed.base = std::max<int64_t>(0, cur < 0 ? 0 : cur - static_cast<off_t>(head.size()));
      feed.size = std::max<int64_t>(0, st.st_size - feed.base);
      file_head.resize(std::min<size_t>(kSniff, static_cast<size_t>(feed.size)));
      if (!PreadAll(fd, static_cast<uint64_t>(feed.base), &file_head)) {
        Warn("{}: read error: {}", PrintablePath(top_.path), std::strerror(errno));
        return;
      }
      head = file_head;
    } else {
      feed.head = head;
    }
    const Magic magic = Sniff(head);
    if (magic == Magic::kZip && feed.seekable) {
      ReadAt read_at = [fd, base = feed.base](uint64_t off, size_t n, std::string* out) {
        out->resize(n);
        return PreadAll(fd, static_cast<uint64_t>(base) + off, out);
      };
      if (ZipEntriesOverlap(read_at, static_cast<uint64_t>(feed.size))) {
        Overlap(top_);
        return;
      }
    }
    OpenFeed(&feed, magic, top_, 1, nullptr, nullptr, feed.seekable ? feed.size : 0);
    if (!feed.seekable && !stop_all_) Drain(fd);
  }

  // Feed callbacks.
  la_ssize_t FeedRead(archive* a, Feed* f, const void** out) {
    if (f->head_pos < f->head.size()) {
      *out = f->head.data() + f->head_pos;
      const size_t n = f->head.size() - f->head_pos;
      f->head_pos = f->head.size();
      f->consumed += n;
      return static_cast<la_ssize_t>(n);
    }
    *out = f->block.data();
    if (f->parent) {
      la_ssize_t n = ReadData(*f->parent, f->block.data(), f->block.size(), /*leaf=*/false);
      if (n < 0) {
        if (!Stopped(*f->parent)) {
          archive_set_error(a, EIO, "%s", ArchiveError(f->parent->a).c_str());
          f->parent->damage_reported = true;  // reported by the child, which fails with it
        } else {
          archive_set_error(a, ECANCELED, "stopped by a limit");
        }
        return -1;
      }
      f->consumed += static_cast<uint64_t>(n);
      return n;
    }
    if (f->seekable) {
      const size_t n = static_cast<size_t>(std::min<int64_t>(
          static_cast<int64_t>(f->block.size()), std::max<int64_t>(0, f->size - f->pos)));
      if (n == 0) return 0;
      ssize_t got;
      do {
        got = ::pread(f->fd, f->block.data(), n, f->base + f->pos);
      } while (got < 0 && errno == EINTR);
      if (got < 0) {
        archive_set_error(a, errno, "read error: %s", std::strerror(errno));
        return -1;
      }
      f->pos += got;
      f->consumed += static_cast<uint64_t>(got);
      return got;
    }
    // A pipe: wait for data, but never past the deadline (a writer that stalls must not hang us).
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
      if (left <= 0) {
        StopAll(nullptr,
                fmt::format("still reading after {}s (--archive-timeout)", limits_.max_seconds));
        archive_set_error(a, ETIMEDOUT, "stopped by a limit");
        return -1;
      }
      pollfd p{f->fd, POLLIN, 0};
      const int pr = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (pr < 0 && errno != EINTR) {
        archive_set_error(a, errno, "poll: %s", std::strerror(errno));
        return -1;
      }
      if (pr <= 0) continue;
      const ssize_t got = ::read(f->fd, f->block.data(), f->block.size());
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got < 0) {
        archive_set_error(a, errno, "read error: %s", std::strerror(errno));
        return -1;
      }
      f->consumed += static_cast<uint64_t>(got);
      return got;
    }
  }

  static la_int64_t FeedSeek(archive*, void* client, la_int64_t offset, int whence) {
    Feed* f = static_cast<Feed*>(client);
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : f->size;
    int64_t to = base + offset;
    if (to < 0) return ARCHIVE_FATAL;
    f->pos = std::min(to, f->size);
    return f->pos;
  }

  static la_int64_t FeedSkip(archive*, void* client, la_int64_t request) {
    Feed* f = static_cast<Feed*>(client);
    if (!f->seekable || request <= 0) return 0;
    const int64_t n = std::min<int64_t>(request, f->size - f->pos);
    f->pos += n;
    return n;
  }

 private:
  static bool PreadAll(int fd, uint64_t off, std::string* buf) {
    size_t got = 0;
    while (got < buf->size()) {
      ssize_t n = ::pread(fd, buf->data() + got, buf->size() - got, static_cast<off_t>(off + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  }

  bool TimeUp() const { return Clock::now() > deadline_; }

  static bool Stopped(const Level& l) {
    for (const Level* p = &l; p; p = p->parent)
      if (p->stopped) return true;
    return false;
  }
  bool Halted(const Level& l) const { return stop_all_ || Stopped(l); }

  // A per-input limit: everything stops.
  void StopAll(const Level* where, const std::string& what) {
    if (stop_all_) return;
    stop_all_ = true;
    const std::string top = PrintablePath(top_.path);
    const std::string here = where ? PrintablePath(where->prov->path) : top;
    if (here == top)
      Warn("{}: archive limit reached: {}; the rest of it is not scanned", top, what);
    else
      Warn("{}: archive limit reached in {}: {}; the rest of {} is not scanned", top, here, what,
           top);
  }

  // Never throws (it runs inside resize_and_overwrite and libarchive callbacks): an exception
  // while logging a limit (bad_alloc) stops the input instead.
  la_ssize_t ReadData(Level& l, char* buf, size_t n, bool leaf) noexcept {
    try {
      return ReadDataOrThrow(l, buf, n, leaf);
    } catch (...) {
      stop_all_ = true;
      return ARCHIVE_FATAL;
    }
  }

  la_ssize_t ReadDataOrThrow(Level& l, char* buf, size_t n, bool leaf) {
    if (Halted(l)) return ARCHIVE_FATAL;
    if (TimeUp()) {
      StopAll(&l, fmt::format("still reading after {}s (--archive-timeout)", limits_.max_seconds));
      return ARCHIVE_FATAL;
    }
    const la_ssize_t got = archive_read_data(l.a, buf, n);
    if (got <= 0) return got;
    const auto g = static_cast<uint64_t>(got);
    l.out += g;
    if (leaf) {
      stats_.bytes_out += g;
      if (stats_.bytes_out > limits_.max_bytes)
        StopAll(&l, fmt::format("more than {} bytes of uncompressed data (--max-archive-bytes)",
                                limits_.max_bytes));
    }
    const uint64_t base = std::max<uint64_t>(1, l.size ? l.size : l.feed ? l.feed->consumed : 1);
    if (!l.stopped && l.out > kRatioGrace && limits_.max_ratio > 0 &&
        l.out / base >= limits_.max_ratio) {
      l.stopped = true;
      Warn(
          "{}: archive limit reached: it expands to more than {} times its size "
          "(--max-archive-ratio; a zip bomb?); the rest of it is not scanned",
          PrintablePath(l.prov->path), limits_.max_ratio);
    }
    return got;
  }

  // Appends the current entry's data to *buf until it holds `want` bytes or the entry ends.
  // `leaf`: the bytes count towards --max-archive-bytes (not for a nested archive's own bytes:
  // its members are counted). `expect`: the entry's announced size (-1 unknown), to read what is
  // left in one call. No zero-filling: resize_and_overwrite hands libarchive the raw buffer.
  // PERF: measured with bench/archive.sh (zero-filling 64 KiB per member was 5% of a tar scan).
  Fill ReadInto(Level& l, std::string* buf, size_t want, std::string* error, bool leaf = true,
                int64_t expect = -1) {
    while (buf->size() < want) {
      const size_t old = buf->size();
      size_t n = kBlock;
      if (expect >= 0) {
        const uint64_t announced = static_cast<uint64_t>(expect);
        const uint64_t left = announced > old ? announced - old : 0;
        n = static_cast<size_t>(std::min<uint64_t>(kBlock, left + 1));
      }
      la_ssize_t got = 0;
      buf->resize_and_overwrite(old + n, [&](char* p, size_t) noexcept {
        got = ReadData(l, p + old, n, leaf);
        return old + static_cast<size_t>(std::max<la_ssize_t>(0, got));
      });
      if (got == 0) return Fill::kEnd;
      if (got < 0) {
        if (!Halted(l)) *error = ArchiveError(l.a);
        return Fill::kError;
      }
    }
    return Fill::kMore;
  }

  // Moves past the rest of the current entry.
  void Discard(Level& l) {
    if (Halted(l)) return;
    if (l.cheap_skip) {
      archive_read_data_skip(l.a);
      return;
    }
    std::vector<char> scratch(kBlock);
    while (ReadData(l, scratch.data(), scratch.size(), /*leaf=*/true) > 0) {
    }
  }

  void Drain(int fd) {
    char buf[1 << 16];
    for (;;) {
      if (TimeUp()) return;
      pollfd p{fd, POLLIN, 0};
      const int pr = ::poll(&p, 1, 1000);
      if (pr < 0 && errno != EINTR) return;
      if (pr <= 0) continue;
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return;
    }
  }

  void Overlap(const Provenance& prov) {
    ++stats_.incomplete;
    Warn(
        "{}: archive limit reached: zip entries overlap (an overlapping-entry zip bomb?); not "
        "expanded",
        PrintablePath(prov.path));
  }

  void Damaged(Level& l, const std::string& error) {
    if (l.damage_reported) return;
    l.damage_reported = true;
    Warn("{}: corrupt or truncated archive: {}; what was read before the damage was scanned",
         PrintablePath(l.prov->path), error);
  }

  void Encrypted(const Provenance& prov, bool whole_archive) {
    ++stats_.encrypted;
    const std::string detail =
        fmt::format("{}: encrypted {}, not scanned", PrintablePath(prov.path),
                    whole_archive ? "archive" : "member");
    Note("{}", detail);
    if (cb_.skipped) cb_.skipped(SkipReason::kEncrypted, prov, detail);
  }

  void Emit(Provenance&& prov, std::string&& data) {
    ++stats_.members;
    cb_.blob(std::move(prov), std::move(data));
  }

  // Returns false when the archive could not be read at all.
  bool OpenMemory(std::string_view data, const Provenance& prov, uint32_t depth, Level* parent,
                  LayerEntries* layer) {
    const Magic magic = Sniff(data);
    if (magic == Magic::kZip) {
      ReadAt read_at = [data](uint64_t off, size_t n, std::string* out) {
        if (off > data.size() || n > data.size() - off) return false;
        out->assign(data.substr(off, n));
        return true;
      };
      if (ZipEntriesOverlap(read_at, data.size())) {
        Overlap(prov);
        return true;
      }
    }
    ArchivePtr a = NewReader(magic);
    if (!a) return false;
    if (archive_read_open_memory(a.get(), data.data(), data.size()) != ARCHIVE_OK) {
      ++stats_.incomplete;
      Warn("{}: cannot read archive: {}", PrintablePath(prov.path), ArchiveError(a.get()));
      return false;
    }
    Level l;
    l.a = a.get();
    l.prov = &prov;
    l.parent = parent;
    l.depth = depth;
    l.size = data.size();
    l.seekable = true;
    l.layer = layer;
    return Run(l);
  }

  bool OpenFeed(Feed* feed, Magic magic, const Provenance& prov, uint32_t depth, Level* parent,
                LayerEntries* layer, int64_t size) {
    ArchivePtr a = NewReader(magic);
    if (!a) return false;
    archive* r = a.get();
    archive_read_set_callback_data(r, feed);
    archive_read_set_read_callback(r, [](archive* ar, void* client, const void** out) {
      // Called from libarchive's C code: nothing may unwind through it.
      Feed* f = static_cast<Feed*>(client);
      try {
        return f->walker->FeedRead(ar, f, out);
      } catch (...) {
        archive_set_error(ar, ENOMEM, "internal error");
        return static_cast<la_ssize_t>(-1);
      }
    });
    if (feed->seekable) {
      archive_read_set_seek_callback(r, &Walker::FeedSeek);
      archive_read_set_skip_callback(r, &Walker::FeedSkip);
    }
    if (archive_read_open1(r) != ARCHIVE_OK) {
      if (!stop_all_ && !(parent && Stopped(*parent))) {
        ++stats_.incomplete;
        Warn("{}: cannot read archive: {}", PrintablePath(prov.path), ArchiveError(r));
      }
      return false;
    }
    Level l;
    l.a = r;
    l.prov = &prov;
    l.parent = parent;
    l.depth = depth;
    l.size = size > 0 ? static_cast<uint64_t>(size) : 0;
    l.feed = feed;
    l.seekable = feed->seekable;
    l.layer = layer;
    return Run(l);
  }

  // Reads every entry of one archive. False when not even the first header could be read.
  bool Run(Level& l) {
    ++stats_.archives;
    bool complete = false, first = true;
    int retries = 0;
    while (!Halted(l)) {
      if (TimeUp()) {
        StopAll(&l,
                fmt::format("still reading after {}s (--archive-timeout)", limits_.max_seconds));
        break;
      }
      archive_entry* e = nullptr;
      const int r = archive_read_next_header(l.a, &e);
      if (r == ARCHIVE_EOF) {
        complete = true;
        break;
      }
      if (r == ARCHIVE_RETRY) {
        if (++retries > 16) {
          Damaged(l, ArchiveError(l.a));
          break;
        }
        continue;
      }
      if (r == ARCHIVE_FATAL) {
        if (Halted(l)) break;
        if (EncryptionError(l.a)) {
          Encrypted(*l.prov, /*whole_archive=*/true);
          complete = true;  // counted as encrypted, not as damaged
        } else if (first) {
          Warn("{}: cannot read archive: {}", PrintablePath(l.prov->path), ArchiveError(l.a));
          l.damage_reported = true;
        } else {
          Damaged(l, ArchiveError(l.a));
        }
        break;
      }
      if (first) {
        first = false;
        const int format = archive_format(l.a) & ARCHIVE_FORMAT_BASE_MASK;
        l.raw = format == ARCHIVE_FORMAT_RAW;
        l.ar = format == ARCHIVE_FORMAT_AR;
        const bool uncompressed = archive_filter_count(l.a) <= 1;
        l.cheap_skip = l.seekable && uncompressed &&
                       (format == ARCHIVE_FORMAT_TAR || format == ARCHIVE_FORMAT_AR ||
                        format == ARCHIVE_FORMAT_CPIO || format == ARCHIVE_FORMAT_ZIP);
        if (format == ARCHIVE_FORMAT_TAR) l.collector = std::make_unique<ImageCollector>();
      }
      if (++entries_ > limits_.max_entries) {
        StopAll(&l,
                fmt::format("more than {} entries (--max-archive-entries)", limits_.max_entries));
        break;
      }
      if (r == ARCHIVE_FAILED) {  // this entry is unusable; the next may be fine
        Damaged(l, ArchiveError(l.a));
        continue;
      }
      Entry(l, e);
    }
    if (!complete) ++stats_.incomplete;
    if (l.collector) {
      if (auto layout = l.collector->Finish(ChainOf(*l.prov)))
        stats_.images.push_back(std::move(*layout));
    }
    return !first;
  }

  void Entry(Level& l, archive_entry* e) {
    const std::string name = l.raw ? RawMemberName(*l.prov) : EntryName(e);
    auto type = archive_entry_filetype(e);
    if (l.ar) {
      // GNU ar's symbol and long-name tables are indexes, not members.
      const char* raw_name = archive_entry_pathname(e);
      const std::string_view n = raw_name ? raw_name : "";
      if (n == "/" || n == "//" || n == "/SYM64/" || n == "__.SYMDEF" || n == "__.SYMDEF SORTED")
        return;
    }
    // An entry whose mode carries no file type (GNU ar's deterministic mode, binutils' default on
    // Debian, writes "644"; some zip and cpio writers do likewise) is read as the file it most
    // likely is, unless its name says directory or it is a hard link (libarchive gives those no
    // type): skipping it would hide its content.
    if (type == 0 && !name.ends_with('/') && archive_entry_hardlink(e) == nullptr) type = AE_IFREG;
    if (l.layer) l.layer->Add(name, type == AE_IFDIR);
    // Directories, symlinks (never followed), devices, FIFOs: no data. Hard links carry none
    // either; their target is scanned under its own name.
    if (type != AE_IFREG) return;
    std::string_view base = name;
    if (size_t s = base.rfind('/'); s != std::string_view::npos) base.remove_prefix(s + 1);
    if (l.layer && base.starts_with(".wh.")) return;  // a whiteout marker, not a file
    Provenance prov = MemberProvenance(*l.prov, name);
    if (archive_entry_is_data_encrypted(e)) {
      Encrypted(prov, /*whole_archive=*/false);
      Discard(l);
      return;
    }
    const int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    const uint64_t cap = limits_.max_member_size;
    std::string buf, error;
    if (size >= 0 && static_cast<uint64_t>(size) <= cap) buf.reserve(static_cast<size_t>(size) + 1);
    Fill fill = ReadInto(l, &buf, kSniff, &error, /*leaf=*/true, size);
    if (fill == Fill::kError && Halted(l)) return;
    if (fill == Fill::kError && buf.empty() && EncryptionError(l.a)) {
      Encrypted(prov, /*whole_archive=*/false);
      return;
    }
    const Magic magic = Sniff(buf);
    if (magic != Magic::kNone && fill != Fill::kError) {
      NestedArchive(l, std::move(prov), std::move(buf), fill, size, magic, name);
      return;
    }
    const bool notebook = LooksLikeNotebook(buf, name);
    if (!notebook && !limits_.scan_binary && LooksBinary(buf)) {
      if (cb_.skipped)
        cb_.skipped(SkipReason::kBinary, prov,
                    fmt::format("{}: binary content, skipped", PrintablePath(prov.path)));
      if (fill == Fill::kMore) Discard(l);
      return;
    }
    if (size >= 0 && static_cast<uint64_t>(size) > cap) {
      TooLarge(prov, static_cast<uint64_t>(size));
      if (fill == Fill::kMore) Discard(l);
      return;
    }
    if (fill == Fill::kMore) {
      fill = ReadInto(l, &buf, cap + 1, &error, /*leaf=*/true, size);
      if (fill == Fill::kError && Halted(l) && buf.empty()) return;
    }
    if (buf.size() > cap) {  // the size was not announced, or was wrong
      TooLarge(prov, buf.size());
      if (fill == Fill::kMore) Discard(l);
      return;
    }
    if (fill == Fill::kError && !error.empty()) {
      Warn("{}: corrupt or truncated member: {}; the {} bytes before the damage are scanned",
           PrintablePath(prov.path), error, buf.size());
      l.damage_reported = true;
    }
    if (l.collector && ImageCollector::IsMetadataName(name) && buf.size() <= kMaxMetadata)
      l.collector->AddMetadata(name, buf);
    if (notebook) {
      Notebook(std::move(buf), prov);
      return;
    }
    Emit(std::move(prov), std::move(buf));
  }

  void NestedArchive(Level& l, Provenance prov, std::string buf, Fill fill, int64_t size,
                     Magic magic, const std::string& name) {
    if (l.depth >= limits_.max_depth) {
      ++stats_.incomplete;
      Warn("{}: archive nested more than {} levels deep (--max-archive-depth), not opened",
           PrintablePath(prov.path), limits_.max_depth);
      if (fill == Fill::kMore) Discard(l);
      return;
    }
    LayerEntries* layer =
        l.collector && ImageCollector::IsLayerName(name) ? l.collector->Layer(name) : nullptr;
    const uint64_t cap = limits_.max_member_size;
    // The sniffed head was counted as member bytes; an archive's own bytes are not.
    stats_.bytes_out -= std::min<uint64_t>(stats_.bytes_out, buf.size());
    std::string error;
    if (fill == Fill::kEnd || (size >= 0 && static_cast<uint64_t>(size) <= cap)) {
      if (fill == Fill::kMore) {
        fill = ReadInto(l, &buf, cap + 1, &error, /*leaf=*/false, size);
        if (Halted(l)) return;
        if (fill == Fill::kError)
          Warn("{}: corrupt or truncated member: {}; what was read is opened",
               PrintablePath(prov.path), error);
      }
      if (fill != Fill::kMore) {
        OpenMemory(buf, prov, l.depth + 1, &l, layer);
        return;
      }
      // Larger than announced: stream the rest instead.
    }
    Feed feed;
    feed.walker = this;
    feed.parent = &l;
    feed.head = buf;
    OpenFeed(&feed, magic, prov, l.depth + 1, &l, layer, size);
    Discard(l);  // whatever the child did not read (trailing bytes, or it stopped early)
  }

  void TooLarge(const Provenance& prov, uint64_t size) {
    const std::string detail =
        fmt::format("{}: {} bytes is over --max-file-size ({} bytes), skipped",
                    PrintablePath(prov.path), size, limits_.max_member_size);
    Warn("{}", detail);
    if (cb_.skipped) cb_.skipped(SkipReason::kTooLarge, prov, detail);
  }

  void Notebook(std::string data, const Provenance& prov) {
    auto parts = ParseNotebook(data);
    if (!parts) {
      Debug("{}: not a notebook leakguard can read, scanned as a plain file",
            PrintablePath(prov.path));
      Provenance p = prov;
      p.kind = Provenance::Kind::kArchiveMember;
      Emit(std::move(p), std::move(data));
      return;
    }
    for (NotebookPart& part : *parts) {
      Provenance p = prov;
      p.kind = Provenance::Kind::kArchiveMember;
      p.cell = part.cell;
      p.cell_output = part.output;
      p.notebook_metadata = part.metadata;
      Emit(std::move(p), std::move(part.text));
    }
  }

  const ArchiveLimits& limits_;
  const ContainerCallbacks& cb_;
  const Provenance& top_;
  const Clock::time_point deadline_;
  ContainerStats stats_;
  uint64_t entries_ = 0;
  bool stop_all_ = false;
};

}  // namespace

ContainerKind DetectContainer(std::string_view head, std::string_view name) {
  if (LooksLikeNotebook(head, name)) return ContainerKind::kNotebook;
  return Sniff(head) == Magic::kNone ? ContainerKind::kNone : ContainerKind::kArchive;
}

Provenance MemberProvenance(const Provenance& parent, std::string_view name) {
  Provenance p;
  p.kind = Provenance::Kind::kArchiveMember;
  p.path = parent.path + "!" + std::string(name);
  p.rel_path = parent.rel_path + "!" + std::string(name);
  p.archive_chain = ChainOf(parent);
  p.archive_chain.emplace_back(name);
  // An archive in git history: its members keep the commit (and the archive's blob id).
  p.commit = parent.commit;
  p.blob = parent.blob;
  p.unreachable = parent.unreachable;
  return p;
}

ContainerStats ExpandContainer(std::string_view data, const Provenance& prov,
                               const ArchiveLimits& limits, const ContainerCallbacks& cb) {
  ScopedUtf8Locale locale;
  Walker w(limits, cb, prov);
  w.TopMemory(data);
  return w.Take();
}

ContainerStats ExpandContainerFd(int fd, std::string_view head, const Provenance& prov,
                                 const ArchiveLimits& limits, const ContainerCallbacks& cb) {
  ScopedUtf8Locale locale;
  Walker w(limits, cb, prov);
  w.TopFd(fd, head);
  return w.Take();
}

std::optional<ContainerStats> ExpandLargeArchiveFile(const std::string& fs_path,
                                                     const Provenance& prov,
                                                     const ArchiveLimits& limits,
                                                     const ContainerCallbacks& cb) {
  const int fd = ::open(fs_path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st;
  std::string head(kSniff, '\0');
  ssize_t n = -1;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    do {
      n = ::pread(fd, head.data(), head.size(), 0);
    } while (n < 0 && errno == EINTR);
  }
  if (n <= 0 || Sniff(std::string_view(head.data(), static_cast<size_t>(n))) == Magic::kNone) {
    ::close(fd);
    return std::nullopt;
  }
  ContainerStats stats = ExpandContainerFd(fd, {}, prov, limits, cb);
  ::close(fd);
  return stats;
}

}  // namespace leakguard::input
