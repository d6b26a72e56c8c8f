// Container images: `docker save` tarballs (manifest.json; layers as <id>/layer.tar or, since
// Docker 25, blobs/sha256/<hex>) and OCI image layouts (index.json, oci-layout, blobs/<alg>/<hex>,
// layers possibly gzip or zstd compressed), as one tar file or a tar stream on stdin.
//
// While input/archive.cc reads a tar archive it feeds an `ImageCollector` with the small metadata
// members (manifest.json, index.json, root *.json, small blobs) and, for each member that is
// itself an archive and could be a layer, the layer's entries: paths, whiteouts (`.wh.NAME`
// deletes NAME) and opaque directories (`.wh..wh..opq`). Layers usually come before the manifest
// in a `docker save` stream, so nothing is decided until the tar has been read; `Finish` then
// returns the layout when the metadata describes an image.
//
// `ImageLayout::Locate` tells, for a finding's archive chain, which image(s) and layer it is in,
// its path in the layer and whether that file is still in the final image: it is not when a later
// layer deletes it (a whiteout of it or of a parent directory, an opaque parent directory) or
// replaces it (an entry at the same path, or a non-directory at a parent path). Deleted files are
// still scanned: they are still in the layer, and anyone who pulls the image can read them.
//
// Thread-safety: plain values; a collector is used by one thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace leakguard::input {

// The entries of one layer, paths normalised (no leading "./" or "/", no trailing "/").
struct LayerEntries {
  std::unordered_map<std::string, bool> entries;  // path -> is a directory
  std::unordered_set<std::string> whiteouts;      // paths this layer deletes
  std::unordered_set<std::string> opaque_dirs;    // directories whose lower contents it hides

  // Records one tar entry of the layer (whiteout markers included).
  void Add(std::string_view raw_path, bool is_dir);
};

// Where a finding lies in an image.
struct ImageLocation {
  std::string image;  // image name(s) ("app:1.0", comma-separated); a digest when untagged
  std::string layer;  // layer digest ("sha256:..."); empty for image metadata (config, manifest)
  std::string path;   // path in the layer, normalised; empty for metadata
  std::optional<bool> in_final_image;  // unset for metadata
};

struct ImageLayout {
  struct Layer {
    std::string member;  // the layer's member name in the image tarball
    std::string digest;
    LayerEntries entries;
  };
  struct Image {
    std::string name;
    std::vector<size_t> layers;  // indexes into `layers`, bottom layer first
  };
  // The image tarball's archive chain (Provenance::archive_chain of the tarball: the top-level
  // input, then any archives around the tarball).
  std::vector<std::string> chain;
  std::vector<Layer> layers;
  std::vector<Image> images;

  // nullopt when `chain` (a finding's archive chain) is not inside this image tarball.
  std::optional<ImageLocation> Locate(const std::vector<std::string>& chain) const;
};

// Normalises a path inside a layer or an image tarball: drops leading "./" and "/" and a
// trailing "/".
std::string NormalizeLayerPath(std::string_view path);

class ImageCollector {
 public:
  // Whether member `name` of the tarball may be image metadata worth keeping (small JSON files).
  static bool IsMetadataName(std::string_view name);
  // Whether member `name` could be a layer (<id>/layer.tar, blobs/<alg>/<hex>).
  static bool IsLayerName(std::string_view name);

  void AddMetadata(std::string_view name, std::string content);
  // The record to fill with the entries of layer candidate `name` (stable until Finish).
  LayerEntries* Layer(std::string_view name);

  // The layout, when the metadata describes at least one image whose layers were all seen.
  // Layers named by the metadata but missing from the tarball are tolerated (their files cannot
  // be placed); a tarball without manifest.json / index.json gives nullopt.
  std::optional<ImageLayout> Finish(std::vector<std::string> chain);

 private:
  std::unordered_map<std::string, std::string> metadata_;  // normalised name -> content
  std::unordered_map<std::string, LayerEntries> layers_;   // normalised name -> entries
};

}  // namespace leakguard::input
