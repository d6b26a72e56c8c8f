// Archives, container images and notebooks: the blobs inside a file or a stream.
//
// `DetectContainer` recognises a container by its first bytes (magic numbers, never the name
// alone): the zip family (jar, war, whl, apk, nupkg, docx, ...), tar, gzip / bzip2 / xz / zstd /
// lz4 / lzip / compress streams (tar.gz, npm .tgz, .crate, plain .gz files), 7z, rpm, ar (deb),
// cpio, rar, cab and xar. Jupyter notebooks are recognised by the `.ipynb` name and a JSON body.
//
// `ExpandContainer` opens one top-level input (a file or standard input) with libarchive and hands
// every member worth scanning to `ContainerCallbacks::blob`, with a provenance whose
// `archive_chain` names the top-level input and each member ("dist/pkg.whl" ! "pkg/settings.py").
// Archives inside archives are opened in turn, up to `max_depth` levels: in memory when they fit
// in `max_member_size`, else streamed straight out of their parent. Nothing is ever written to
// disk, so member names such as "../../etc/passwd", absolute paths and symlink entries are only
// ever strings; symlinks, devices and directories carry no data and are not followed.
// Notebooks yield one blob per cell source, per cell output (text-like MIME types only) and one
// for the notebook metadata (input/notebook.h). Container images (`docker save`, OCI layouts)
// are reported in `ContainerStats::images` (input/image.h) so findings can name image, layer
// and whether the file is still in the final image.
//
// Untrusted input is expected. Per top-level input: at most `max_bytes` uncompressed bytes read
// out of archives (member contents, every level), `max_entries` entries and `max_seconds` of wall
// time; per archive, at most `max_ratio` times its own size in output once past 16 MiB (bombs);
// zip files whose entries overlap (overlapping-entry bombs) are not expanded. Hitting a limit logs
// a warning naming the archive and the limit, stops what the limit covers and counts the archive
// as incomplete; the caller's scan goes on. Corrupt archives: a warning, and every member read
// before the damage is scanned (a member cut short is scanned up to the damage). Encrypted
// members: a note, counted, not scanned. Messages name archives and members (escaped with
// PrintablePath), never content.
//
// Members that look binary (and are not containers) are skipped as binary unless `scan_binary`;
// members over `max_member_size` are skipped as too large, with a warning.
//
// Thread-safety: every function is reentrant; one call runs on the calling thread, callbacks
// included. libarchive handles never leave archive.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "input/image.h"
#include "input/source.h"

namespace leakguard::input {

enum class ContainerKind { kNone, kArchive, kNotebook };

// What `head` (the first bytes of an input, ideally 8 KiB or all of it) and `name` (its path,
// for notebooks) say the input is.
ContainerKind DetectContainer(std::string_view head, std::string_view name);

struct ArchiveLimits {
  uint64_t max_bytes = 4ull << 30;         // --max-archive-bytes, per top-level input
  uint64_t max_ratio = 100;                // --max-archive-ratio, per archive
  uint64_t max_entries = 1'000'000;        // --max-archive-entries, per top-level input
  uint32_t max_depth = 8;                  // --max-archive-depth; a top-level archive is level 1
  double max_seconds = 300;                // --archive-timeout, per top-level input
  uint64_t max_member_size = 50ull << 20;  // --max-file-size: the most held in memory per member
  bool scan_binary = false;                // --scan-binary
};

struct ContainerStats {
  uint64_t archives = 0;            // archives opened, nested ones included
  uint64_t members = 0;             // blobs handed to `blob`
  uint64_t incomplete = 0;          // archives not read to their end (a limit, corruption)
  uint64_t encrypted = 0;           // members (or whole archives) not scanned because encrypted
  uint64_t bytes_out = 0;           // uncompressed member bytes read out of archives
  std::vector<ImageLayout> images;  // container images recognised among the archives
};

struct ContainerCallbacks {
  // A blob to scan: its provenance (kind kArchiveMember) and its bytes, both handed over.
  std::function<void(Provenance&&, std::string&&)> blob;
  // A member not scanned (binary, too large, encrypted); `detail` names it, never its content.
  // Binary members are not logged by the expander (they are common); the others are.
  std::function<void(SkipReason, const Provenance&, const std::string& detail)> skipped;
};

// Expands the top-level input `prov` whose whole content is `data` (a file read into memory).
// `data` must stay valid during the call. An input that is not a container (DetectContainer says
// kNone) yields nothing.
ContainerStats ExpandContainer(std::string_view data, const Provenance& prov,
                               const ArchiveLimits& limits, const ContainerCallbacks& cb);

// Expands an archive read from `fd`: standard input (`head` holds the bytes already read from
// it; the rest is streamed) or a regular file (read with pread, seekable; `head` unused). Memory
// stays bounded by the limits whatever the stream's length. Does not close `fd`.
ContainerStats ExpandContainerFd(int fd, std::string_view head, const Provenance& prov,
                                 const ArchiveLimits& limits, const ContainerCallbacks& cb);

// For files over --max-file-size: nullopt when `fs_path` is not an archive (the caller skips it
// as too large); otherwise the file is streamed from disk and expanded.
std::optional<ContainerStats> ExpandLargeArchiveFile(const std::string& fs_path,
                                                     const Provenance& prov,
                                                     const ArchiveLimits& limits,
                                                     const ContainerCallbacks& cb);

// The provenance of member `name` of the archive (or notebook) `parent`: the chain extended,
// path and rel_path joined with '!'.
Provenance MemberProvenance(const Provenance& parent, std::string_view name);

}  // namespace leakguard::input
