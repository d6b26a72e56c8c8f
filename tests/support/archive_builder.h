// Test support: archives built in memory, so tests need no fixtures on disk and no tools.
//
// `BuildArchive` writes zip, tar (pax, ustar, gnu), 7z, ar, cpio or a raw compressed stream with
// libarchive's writer, under any of the compressions leakguard reads. The formats libarchive
// cannot write are assembled by hand from their specifications: rpm (lead, empty signature and
// header, cpio payload), deb (ar of debian-binary, control.tar.gz, data.tar.xz), a gem (tar of
// metadata.gz and data.tar.gz), an overlapping-entry zip bomb (David Fifield's construction:
// every local header is quoted inside the previous entry's deflate stream, so N entries share
// one compressed kernel), and container image tarballs in the `docker save` and OCI layouts.
//
// Everything here aborts the test (via a GoogleTest failure) when libarchive refuses to write.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leakguard::testing {

struct Entry {
  enum class Type { kFile, kDir, kSymlink, kHardlink };
  Entry(std::string name_, std::string data_, Type type_ = Type::kFile, std::string link_ = {})
      : name(std::move(name_)), data(std::move(data_)), type(type_), link(std::move(link_)) {}
  std::string name;
  std::string data;
  Type type = Type::kFile;
  std::string link;  // symlink or hardlink target
};

enum class Format { kZip, kPaxTar, kUstarTar, kGnuTar, k7z, kAr, kCpio, kRaw };
enum class Filter { kNone, kGzip, kBzip2, kXz, kZstd, kLz4 };

struct BuildOptions {
  std::string zip_passphrase;  // zip only: traditional PKWARE encryption
  bool zip_store = false;      // zip only: no compression
  bool zip64 = false;          // zip only: zip64 extensions on every entry
};

std::string BuildArchive(Format format, Filter filter, const std::vector<Entry>& entries,
                         const BuildOptions& options = {});

// Shorthands.
std::string Zip(const std::vector<Entry>& entries);
std::string Tar(const std::vector<Entry>& entries, Filter filter = Filter::kNone);
std::string Compress(Filter filter, std::string_view data);  // a raw .gz/.bz2/.xz/.zst/.lz4

std::string Rpm(const std::vector<Entry>& files);
std::string Deb(const std::vector<Entry>& data_files);
std::string Gem(const std::vector<Entry>& data_files);

// `entries` local headers whose data overlap: the zip claims about entries * kernel_size bytes
// from a few kilobytes.
std::string OverlappingZipBomb(int entries, size_t kernel_size);

// A layer of a container image: files, and paths it deletes (written as whiteouts).
struct Layer {
  std::vector<Entry> files;
  std::vector<std::string> deleted;  // ".wh.<name>" entries
  std::vector<std::string> opaque;   // directories marked ".wh..wh..opq"
  Filter compression = Filter::kNone;
};

struct Image {
  std::string tag = "example/app:1.0";
  std::vector<Layer> layers;
  std::string config_env;  // a value put in the config's Env, as a Dockerfile ENV would
};

// The layout `docker save` writes: legacy (<id>/layer.tar, <hex>.json config, manifest.json) or,
// with `oci`, Docker 25+ / OCI (blobs/sha256/<hex>, index.json, manifest.json, oci-layout).
// `digests` receives each layer's digest ("sha256:...") in order.
std::string ImageTarball(const Image& image, bool oci, std::vector<std::string>* digests);

}  // namespace leakguard::testing
