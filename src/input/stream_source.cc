#include "input/stream_source.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "input/archive.h"

namespace leakguard::input {

Status StreamSource::Enumerate(
    const std::function<void(Item&&)>& emit,
    const std::function<void(SkipReason, const std::string&, const std::string&)>& skipped) {
  const size_t overlap = std::max<size_t>(options_.overlap, 2);
  const size_t half = overlap / 2;
  const size_t chunk = std::max(options_.chunk_size, overlap);
  std::string buf;         // carried overlap + new bytes
  size_t report_from = 0;  // in buf
  uint64_t byte_base = 0, line_base = 0;
  bool first = true, eof = false;
  uint64_t chunk_index = 0;
  char block[1 << 16];
  // An archive is recognised from its first 512 bytes, as soon as they arrive: a stream that
  // stalls after its header is then the archive reader's to time out, not a blocking fill here.
  bool archive = false, sniffed = !options_.archives;
  while (!eof) {
    // Fill up to carried + chunk bytes.
    const size_t target = buf.size() + chunk;
    while (buf.size() < target && !archive) {
      ssize_t n = ::read(fd_, block, std::min(sizeof block, target - buf.size()));
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError(fmt::format("{}: read error: {}", name_, std::strerror(errno)));
      }
      if (n == 0) {
        eof = true;
        break;
      }
      buf.append(block, static_cast<size_t>(n));
      if (!sniffed && buf.size() >= 512) {
        sniffed = true;
        archive = DetectContainer(buf, name_) == ContainerKind::kArchive;
      }
    }
    if (first && options_.archives &&
        (archive || (!sniffed && DetectContainer(buf, name_) == ContainerKind::kArchive))) {
      // An archive (`docker save IMAGE | leakguard scan -`): one item, read by the archive
      // reader from where this read stopped, with the bytes read so far as its head.
      Item item;
      item.prov.kind = Provenance::Kind::kStdin;
      item.prov.path = name_;
      item.prov.rel_path = name_;
      item.in_memory = true;
      item.check_binary = false;
      item.data = std::move(buf);
      item.stream_fd = fd_;
      emit(std::move(item));
      return Status::Ok();
    }
    if (first && options_.skip_binary && LooksBinary(buf)) {
      while (::read(fd_, block, sizeof block) > 0) {
      }
      skipped(SkipReason::kBinary, name_,
              fmt::format("{}: binary content (use --scan-binary to scan it), skipped", name_));
      return Status::Ok();
    }
    // Where this chunk's own matches stop: near the end, after a newline if one is close.
    size_t report_to = buf.size();
    if (!eof) {
      report_to = buf.size() - half;
      size_t nl = buf.rfind('\n', report_to - 1);
      if (nl != std::string::npos && nl + 1 > report_from && nl + 1 >= report_to - half / 2)
        report_to = nl + 1;
    }
    Item item;
    item.prov.kind = Provenance::Kind::kStdin;
    item.prov.path = name_;
    item.prov.rel_path = name_;
    item.in_memory = true;
    item.byte_base = byte_base;
    item.line_base = line_base;
    item.report_from = report_from;
    item.report_to = report_to;
    item.check_binary = false;  // decided above, for the whole stream
    item.chunk_index = chunk_index++;
    // The next buffer starts `half` bytes before this chunk's report end, so a match starting
    // just after report_to still has `half` bytes of context before it.
    const size_t keep_from = report_to > half ? report_to - half : 0;
    std::string next = buf.substr(keep_from);
    item.data = std::move(buf);
    const uint64_t dropped_lines = static_cast<uint64_t>(std::count(
        item.data.begin(), item.data.begin() + static_cast<std::ptrdiff_t>(keep_from), '\n'));
    emit(std::move(item));
    if (eof) break;
    first = false;
    byte_base += keep_from;
    line_base += dropped_lines;
    report_from = report_to - keep_from;
    buf = std::move(next);
  }
  return Status::Ok();
}

}  // namespace leakguard::input
