// The scan pipeline's side of archives, images and notebooks (input/archive.h does the reading).
//
// - `LocationPaths`: the paths by which a location is known to the rules' `path` criteria. A file
//   has one; an archive member has several — the whole chain ("dist/app.zip!conf/app.env"), the
//   top-level file ("dist/app.zip") and each member name as stored and without a leading "./" or
//   "/". A rule's `path` applies when any of them matches, an allowlist's `paths` when any
//   matches: so an allowlisted archive (testdata/fixtures.zip) has all its members allowlisted,
//   and a member is allowlisted by the same path patterns that would allowlist it unpacked.
// - `RulePath`: the path a path-only rule (a rule with `path` and no `regex`) is matched against:
//   the file's rel_path, or the innermost member name inside an archive.
// - `BlobCache`: candidates by content key (KeyedContentHash), so identical member content (the
// same file in two
//   layers, in the sdist and the wheel) is matched once; each location still gets its findings.
// - `AnnotateImages`: fills image, layer, layer_path and in_final_image on findings inside
//   container image tarballs, once the whole input has been read.
//
// Thread-safety: BlobCache is safe to share between workers; the rest are plain functions.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/hash.h"
#include "findings/finding.h"
#include "input/image.h"
#include "input/source.h"
#include "match/matcher.h"

namespace leakguard::scan {

// The paths of `prov` for location filters; views into `prov` and `*storage`.
std::vector<std::string_view> LocationPaths(const input::Provenance& prov,
                                            std::vector<std::string>* storage);

std::string RulePath(const input::Provenance& prov);

// Copies the archive, image-free and notebook fields of `prov` onto `f`.
void SetContainerFields(const input::Provenance& prov, findings::Finding* f);

class BlobCache {
 public:
  explicit BlobCache(size_t max_entries = 1u << 20) : max_entries_(max_entries) {}
  // The candidates found in content with this key, or null.
  std::shared_ptr<const std::vector<match::Candidate>> Find(const ContentKey& key);
  void Insert(const ContentKey& key, const std::vector<match::Candidate>& candidates);

 private:
  struct Hash {
    size_t operator()(const ContentKey& key) const;
  };
  std::mutex mu_;
  std::unordered_map<ContentKey, std::shared_ptr<const std::vector<match::Candidate>>, Hash> map_;
  size_t max_entries_;
};

void AnnotateImages(const std::vector<input::ImageLayout>& images,
                    std::vector<findings::Finding>* findings);

}  // namespace leakguard::scan
