#include "scan/containers.h"

#include <cstring>

namespace leakguard::scan {

std::vector<std::string_view> LocationPaths(const input::Provenance& prov,
                                            std::vector<std::string>* storage) {
  std::vector<std::string_view> paths{prov.rel_path};
  if (prov.archive_chain.size() < 2) return paths;
  // rel_path is the top-level input's rel_path followed by "!member" for each member.
  size_t members = 0;
  for (size_t i = 1; i < prov.archive_chain.size(); ++i)
    members += 1 + prov.archive_chain[i].size();
  storage->clear();
  storage->reserve(prov.archive_chain.size());
  if (members < prov.rel_path.size())
    paths.push_back(std::string_view(prov.rel_path).substr(0, prov.rel_path.size() - members));
  for (size_t i = 1; i < prov.archive_chain.size(); ++i) {
    const std::string& name = prov.archive_chain[i];
    paths.push_back(name);
    std::string normal = input::NormalizeLayerPath(name);
    if (normal != name) storage->push_back(std::move(normal));
  }
  for (const std::string& s : *storage) paths.push_back(s);
  return paths;
}

std::string RulePath(const input::Provenance& prov) {
  if (prov.archive_chain.size() < 2) return prov.rel_path;
  return input::NormalizeLayerPath(prov.archive_chain.back());
}

void SetContainerFields(const input::Provenance& prov, findings::Finding* f) {
  f->archive_chain = prov.archive_chain;
  f->cell = prov.cell;
  f->cell_output = prov.cell_output;
  f->notebook_metadata = prov.notebook_metadata;
}

size_t BlobCache::Hash::operator()(const ContentKey& key) const {
  size_t h;
  std::memcpy(&h, key.tag.data(), sizeof h);  // a Poly1305 tag is already uniform
  return h;
}

std::shared_ptr<const std::vector<match::Candidate>> BlobCache::Find(const ContentKey& key) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  return it == map_.end() ? nullptr : it->second;
}

void BlobCache::Insert(const ContentKey& key, const std::vector<match::Candidate>& candidates) {
  auto value = std::make_shared<const std::vector<match::Candidate>>(candidates);
  std::lock_guard lock(mu_);
  if (map_.size() < max_entries_) map_.emplace(key, std::move(value));
}

void AnnotateImages(const std::vector<input::ImageLayout>& images,
                    std::vector<findings::Finding>* findings) {
  if (images.empty()) return;
  for (findings::Finding& f : *findings) {
    if (f.archive_chain.empty()) continue;
    // An image tarball inside another image's layer: the innermost image describes it.
    const input::ImageLayout* best = nullptr;
    for (const input::ImageLayout& image : images)
      if (image.Locate(f.archive_chain) && (!best || image.chain.size() > best->chain.size()))
        best = &image;
    if (!best) continue;
    auto loc = best->Locate(f.archive_chain);
    f.image = std::move(loc->image);
    f.layer = std::move(loc->layer);
    f.layer_path = std::move(loc->path);
    f.in_final_image = loc->in_final_image;
  }
}

}  // namespace leakguard::scan
