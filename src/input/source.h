// Inputs: where bytes come from. A Source enumerates `Item`s — a file to read, or bytes already in
// memory (stdin, an archive member) — each with its `Provenance`. Sources know nothing of rules;
// the scan pipeline reads and scans items in parallel. Archives, container images and notebooks
// found among the items are opened by `input/archive.h`, which yields their members as items too.
//
// Reading is shared by all sources: `ReadItem` loads a regular file into a caller-owned buffer
// (reused across files, so no per-file allocation), refusing FIFOs, devices and files over the size
// limit, and classifying binary content. It never blocks on a FIFO (O_NONBLOCK) and never follows
// a symlink it was not asked to.
//
// Thread-safety: `Enumerate` runs on one thread; `ReadItem` is thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace leakguard::input {

struct Provenance {
  // kArchiveMember: a blob found inside a file or stdin (archive member, notebook cell); the
  // top-level input it came from is archive_chain[0].
  enum class Kind { kFile, kStdin, kArchiveMember, kGit };
  Kind kind = Kind::kFile;
  // For display: as the user named it ("src/a.py", "-" for stdin); inside an archive, the chain
  // joined with '!' ("dist/pkg.whl!pkg/settings.py").
  std::string path;
  // Relative to the scan root, '/' separators; used by rules and ids. Inside an archive, the
  // top-level input's rel_path and the member names joined with '!'.
  std::string rel_path;
  // Inside archives: the top-level input (its display path), then each member name as stored in
  // its archive, outermost first. Empty outside archives. Notebooks add no element.
  std::vector<std::string> archive_chain;
  // Notebooks (.ipynb): the cell (1-based) and, for a cell's output, the output (1-based; 0 = the
  // cell's source). `notebook_metadata` marks the notebook-level metadata. All zero/false
  // outside notebooks.
  uint32_t cell = 0;
  uint32_t cell_output = 0;
  bool notebook_metadata = false;
  // Git objects only: the blob's id (hex), the commit that introduced it at `rel_path` (hex;
  // empty for a blob no commit holds), and whether that commit (or blob) is unreachable from
  // every ref (found by --all-objects).
  std::string blob;
  std::string commit;
  bool unreachable = false;
};

struct Item {
  Provenance prov;
  std::string fs_path;  // file to open; empty when `data` holds the content
  std::string data;     // in-memory content (stdin)
  bool in_memory = false;
  // A chunk of a longer stream (stdin): the buffer starts `byte_base` bytes and `line_base` lines
  // into the stream, and only matches starting in [report_from, report_to) belong to this chunk
  // (the rest of the buffer is overlap with its neighbours, scanned for context).
  uint64_t byte_base = 0;
  uint64_t line_base = 0;
  size_t report_from = 0;
  size_t report_to = SIZE_MAX;
  bool check_binary = true;
  uint64_t chunk_index = 0;  // 0 for a whole item or a stream's first chunk
  // Source-defined: which of a source's inputs the item comes from (git: 0 = the repository,
  // n = its n-th submodule). Read by the source's ItemReader.
  uint32_t origin = 0;
  // More places the same bytes were found (git --all-locations): scanned once, reported at each.
  std::vector<Provenance> also_at;
  // An archive read from a stream (stdin): `data` holds the bytes already read from this file
  // descriptor, the rest is read by the archive reader. -1 otherwise.
  int stream_fd = -1;
};

// Why an item was not scanned.
// kEncrypted: an archive member that could not be read without a password.
enum class SkipReason { kNone, kBinary, kTooLarge, kUnreadable, kNotRegular, kEncrypted };

struct ReadOptions {
  uint64_t max_file_size = 50ull << 20;
  bool scan_binary = false;  // --scan-binary: do not skip files that look binary
  // --archives=on: a binary file that starts like an archive (input/archive.h) is read whole,
  // not skipped, so the pipeline can open it.
  bool archives = false;
};

// Loads `item` into `*buf`. Returns kNone on success; otherwise the reason, with `*detail` set to
// a message naming the path (never the content).
SkipReason ReadItem(const Item& item, const ReadOptions& options, std::string* buf,
                    std::string* detail);

// Heuristic used by git: a NUL byte in the first 8000 bytes means binary.
bool LooksBinary(std::string_view head);

// Standard input (or any file descriptor) as a stream of overlapping chunks, so memory stays
// bounded whatever the stream's length: each chunk holds `chunk_size` new bytes plus `overlap`
// bytes of the previous chunk. A match shorter than overlap/2 is always seen whole by exactly the
// chunk its start belongs to. Chunks end at a newline where one is near, so line numbers and
// columns stay exact except inside lines longer than the overlap. If the first chunk looks
// binary, the stream is skipped (and drained, so the writer never sees SIGPIPE).
class StreamSource;

// Reads the content of items whose bytes live elsewhere than in a file or in memory (a git object
// database). One reader per worker thread: a reader need not be thread-safe.
class ItemReader {
 public:
  virtual ~ItemReader() = default;
  virtual SkipReason Read(const Item& item, const ReadOptions& options, std::string* buf,
                          std::string* detail) = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // A reader for this source's items, or nullptr when `ReadItem` reads them (files, memory).
  // Called once by each worker thread, concurrently: implementations must be thread-safe.
  virtual std::unique_ptr<ItemReader> NewReader() { return nullptr; }
  // Calls `emit` for each item, in a deterministic order. `skipped(reason, path, detail)` is
  // called for paths skipped during enumeration. Returns an error only when the source as a
  // whole cannot be read (tier 2); per-path problems go to `skipped`.
  virtual Status Enumerate(
      const std::function<void(Item&&)>& emit,
      const std::function<void(SkipReason, const std::string&, const std::string&)>& skipped) = 0;
};

}  // namespace leakguard::input
