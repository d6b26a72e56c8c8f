// StreamSource: standard input (or any readable file descriptor) as overlapping chunks.
//
// Memory stays bounded whatever the stream's length: each emitted chunk holds up to `chunk_size`
// new bytes plus `overlap` bytes carried from the previous chunk. Every match start belongs to
// exactly one chunk (Item::report_from/report_to), and a match shorter than overlap/2 is always
// seen whole by that chunk. Chunks are cut after a newline when one lies in the last overlap/2
// bytes, so line numbers are exact and columns too, except inside lines longer than that.
#pragma once

#include <string>

#include "input/source.h"

namespace leakguard::input {

struct StreamOptions {
  size_t chunk_size = 16u << 20;
  size_t overlap = 128u << 10;
  bool skip_binary = true;  // false with --scan-binary
  // --archives=on: a stream that starts like an archive (input/archive.h) is emitted as one item
  // with `stream_fd` set, for the archive reader to stream (`docker save IMAGE | leakguard scan
  // -`).
  bool archives = false;
};

class StreamSource : public Source {
 public:
  StreamSource(int fd, std::string name, StreamOptions options = {})
      : fd_(fd), name_(std::move(name)), options_(options) {}

  Status Enumerate(const std::function<void(Item&&)>& emit,
                   const std::function<void(SkipReason, const std::string&, const std::string&)>&
                       skipped) override;

 private:
  int fd_;
  std::string name_;
  StreamOptions options_;
};

}  // namespace leakguard::input
