#include "input/source.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"
#include "input/archive.h"

namespace leakguard::input {

namespace {

// A read buffer this large is new memory each time it grows (a worker keeps its buffer): each
// 4 KiB page of it costs a page fault on first touch, ~2-3 us apiece on this VM (a 13 MB static
// library: 3,300 faults, ~9 ms). Transparent huge pages, where the system allows them on request
// (`madvise` mode, Debian's default), take one fault per 2 MiB.
constexpr size_t kHugePageBuffer = 4u << 20;

void AdviseHugePages(char* p, size_t n) {
  constexpr uintptr_t kHuge = 2u << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(kHuge - 1);
  if (end > begin)  // advice only: failure (no THP) changes nothing
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

bool LooksBinary(std::string_view head) {
  return std::memchr(head.data(), '\0', std::min<size_t>(head.size(), 8000)) != nullptr;
}

SkipReason ReadItem(const Item& item, const ReadOptions& options, std::string* buf,
                    std::string* detail) {
  // Only warnings name the file: the printable form is made for them, not for every file.
  const auto shown = [&item] { return PrintablePath(item.prov.path); };
  if (item.in_memory) {
    if (item.check_binary && !options.scan_binary && LooksBinary(item.data)) {
      *detail = fmt::format("{}: binary content, skipped", shown());
      return SkipReason::kBinary;
    }
    buf->assign(item.data);
    return SkipReason::kNone;
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOCTTY: never adopt a terminal.
  int fd = ::open(item.fs_path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;  // before shown() allocates
    *detail = fmt::format("{}: cannot open: {}", shown(), std::strerror(err));
    return SkipReason::kUnreadable;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;  // before shown() allocates
    *detail = fmt::format("{}: cannot stat: {}", shown(), std::strerror(err));
    ::close(fd);
    return SkipReason::kUnreadable;
  }
  if (!S_ISREG(st.st_mode)) {
    *detail = fmt::format("{}: not a regular file, skipped", shown());
    ::close(fd);
    return SkipReason::kNotRegular;
  }
  if (static_cast<uint64_t>(st.st_size) > options.max_file_size) {
    *detail = fmt::format("{}: {} bytes is over --max-file-size ({} bytes), skipped", shown(),
                          st.st_size, options.max_file_size);
    ::close(fd);
    return SkipReason::kTooLarge;
  }
  // No zero-fill: read() overwrites the bytes, and only the `got` bytes read are kept. Cleared
  // first, so that a buffer that must grow does not copy the previous file's bytes over.
  const size_t size = static_cast<size_t>(st.st_size);
  const bool grows = size > buf->capacity();
  buf->clear();
  buf->resize_and_overwrite(size, [](char*, size_t n) { return n; });
  if (grows && size >= kHugePageBuffer) AdviseHugePages(buf->data(), size);
  size_t got = 0;
  bool checked_binary = false;
  // The first read takes at most 64 KiB: enough for the binary check and for most source files
  // whole, while a large binary file (a .so, a .pyc, an image) is not copied in full only to be
  // skipped.
  constexpr size_t kFirstRead = 64 * 1024;
  while (got < buf->size()) {
    const size_t want =
        checked_binary ? buf->size() - got : std::min(buf->size(), kFirstRead) - got;
    ssize_t n = ::read(fd, buf->data() + got, want);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      const int err = errno;  // before shown() allocates
      *detail = fmt::format("{}: read error: {}", shown(), std::strerror(err));
      ::close(fd);
      return SkipReason::kUnreadable;
    }
    if (n == 0) break;  // the file shrank while we read it
    got += static_cast<size_t>(n);
    if (!checked_binary && (got >= 8000 || got == buf->size())) {
      checked_binary = true;
      const std::string_view head(buf->data(), got);
      if (!options.scan_binary && LooksBinary(head) &&
          !(options.archives &&
            DetectContainer(head, item.prov.rel_path) != ContainerKind::kNone)) {
        *detail = fmt::format("{}: binary content, skipped", shown());
        ::close(fd);
        return SkipReason::kBinary;
      }
    }
  }
  // A file that grows while being read is scanned up to the size fstat announced (no extra
  // read() per file to notice growth: that syscall cost more than the scan of a small file).
  buf->resize(got);
  ::close(fd);
  if (!checked_binary && !options.scan_binary && LooksBinary(*buf) &&
      !(options.archives && DetectContainer(*buf, item.prov.rel_path) != ContainerKind::kNone)) {
    *detail = fmt::format("{}: binary content, skipped", shown());
    return SkipReason::kBinary;
  }
  return SkipReason::kNone;
}

}  // namespace leakguard::input
