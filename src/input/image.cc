#include "input/image.h"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>

namespace leakguard::input {
namespace {

using nlohmann::json;

// The tarball member holding blob `digest` ("sha256:<hex>") in an image layout, or "".
std::string BlobMember(std::string_view digest) {
  const size_t colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == digest.size()) return {};
  std::string_view alg = digest.substr(0, colon), hex = digest.substr(colon + 1);
  // Digests come from the archive: never let one name a path outside blobs/.
  auto safe = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             c == '+' || c == '.' || c == '_' || c == '-';
    });
  };
  if (!safe(alg) || !safe(hex) || alg == "." || alg == "..") return {};
  return "blobs/" + std::string(alg) + "/" + std::string(hex);
}

// "blobs/sha256/<hex>" -> "sha256:<hex>"; "" when `member` is not a blob path.
std::string DigestOfMember(std::string_view member) {
  if (!member.starts_with("blobs/")) return {};
  std::string_view rest = member.substr(6);
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) return {};
  if (rest.find('/', slash + 1) != std::string_view::npos) return {};
  return std::string(rest.substr(0, slash)) + ":" + std::string(rest.substr(slash + 1));
}

std::optional<json> ParseJson(const std::string* text) {
  if (!text) return std::nullopt;
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string StringAt(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool IsAncestorOrSelf(std::string_view dir, std::string_view path) {
  if (dir.empty()) return true;  // the root
  return path == dir ||
         (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

// Whether `upper` deletes or replaces `path` of a lower layer.
bool Hides(const LayerEntries& upper, std::string_view path) {
  if (upper.entries.contains(std::string(path))) return true;  // replaced
  for (const std::string& w : upper.whiteouts)
    if (IsAncestorOrSelf(w, path)) return true;
  for (const std::string& d : upper.opaque_dirs)
    if (d.empty() || (path.size() > d.size() && path.starts_with(d) && path[d.size()] == '/'))
      return true;
  // A parent directory replaced by a file or a symlink.
  for (size_t s = path.find('/'); s != std::string_view::npos; s = path.find('/', s + 1)) {
    auto it = upper.entries.find(std::string(path.substr(0, s)));
    if (it != upper.entries.end() && !it->second) return true;
  }
  return false;
}

class Builder {
 public:
  Builder(const std::unordered_map<std::string, std::string>& metadata,
          const std::unordered_map<std::string, LayerEntries>& layers)
      : metadata_(metadata), seen_layers_(layers) {}

  // docker save: manifest.json = [{"Config": ..., "RepoTags": [...], "Layers": [...]}].
  void Docker(const json& manifest) {
    if (!manifest.is_array()) return;
    for (const json& entry : manifest) {
      if (!entry.is_object()) continue;
      auto layers = entry.find("Layers");
      if (layers == entry.end() || !layers->is_array()) continue;
      const std::string config = NormalizeLayerPath(StringAt(entry, "Config"));
      std::vector<std::string> diff_ids;
      if (auto cfg = ParseJson(Find(config)); cfg && cfg->is_object()) {
        auto rootfs = cfg->find("rootfs");
        if (rootfs != cfg->end() && rootfs->is_object()) {
          auto ids = rootfs->find("diff_ids");
          if (ids != rootfs->end() && ids->is_array())
            for (const json& id : *ids)
              diff_ids.push_back(id.is_string() ? id.get<std::string>() : "");
        }
      }
      std::string name;
      if (auto tags = entry.find("RepoTags"); tags != entry.end() && tags->is_array())
        for (const json& t : *tags)
          if (t.is_string()) name += (name.empty() ? "" : ", ") + t.get<std::string>();
      if (name.empty()) {
        name = DigestOfMember(config);
        if (name.empty() && config.ends_with(".json"))
          name = "sha256:" + config.substr(0, config.size() - 5);
      }
      ImageLayout::Image image;
      image.name = name;
      for (size_t i = 0; i < layers->size(); ++i) {
        const json& l = (*layers)[i];
        if (!l.is_string()) continue;
        const std::string member = NormalizeLayerPath(l.get<std::string>());
        std::string digest = DigestOfMember(member);
        if (digest.empty() && i < diff_ids.size()) digest = diff_ids[i];
        if (digest.empty()) digest = member;
        image.layers.push_back(AddLayer(member, digest));
      }
      if (!image.layers.empty()) layout_.images.push_back(std::move(image));
    }
  }

  // OCI image layout: index.json = {"manifests": [descriptor, ...]}; a descriptor names an image
  // manifest ({"config", "layers": [descriptor]}) or a nested index, by digest.
  void Oci(const json& index, const std::string& inherited_name, int depth) {
    if (depth > 4 || !index.is_object()) return;
    auto manifests = index.find("manifests");
    if (manifests == index.end() || !manifests->is_array()) return;
    for (const json& desc : *manifests) {
      if (!desc.is_object()) continue;
      const std::string digest = StringAt(desc, "digest");
      std::string name = inherited_name;
      if (auto ann = desc.find("annotations"); ann != desc.end() && ann->is_object()) {
        std::string full = StringAt(*ann, "io.containerd.image.name");
        std::string ref = StringAt(*ann, "org.opencontainers.image.ref.name");
        if (!full.empty())
          name = full;
        else if (!ref.empty())
          name = ref;
      }
      auto blob = ParseJson(Find(BlobMember(digest)));
      if (!blob || !blob->is_object()) continue;
      if (blob->contains("manifests")) {
        Oci(*blob, name, depth + 1);
        continue;
      }
      auto layers = blob->find("layers");
      if (layers == blob->end() || !layers->is_array()) continue;
      ImageLayout::Image image;
      image.name = name.empty() ? digest : name;
      for (const json& l : *layers) {
        const std::string d = StringAt(l, "digest");
        const std::string member = BlobMember(d);
        if (member.empty()) continue;
        image.layers.push_back(AddLayer(member, d));
      }
      if (!image.layers.empty()) layout_.images.push_back(std::move(image));
    }
  }

  std::optional<ImageLayout> Take(std::vector<std::string> chain) {
    if (layout_.images.empty()) return std::nullopt;
    layout_.chain = std::move(chain);
    return std::move(layout_);
  }

 private:
  const std::string* Find(const std::string& name) const {
    auto it = metadata_.find(name);
    return it == metadata_.end() ? nullptr : &it->second;
  }

  size_t AddLayer(const std::string& member, const std::string& digest) {
    for (size_t i = 0; i < layout_.layers.size(); ++i)
      if (layout_.layers[i].member == member) return i;
    ImageLayout::Layer layer;
    layer.member = member;
    layer.digest = digest;
    if (auto it = seen_layers_.find(member); it != seen_layers_.end()) layer.entries = it->second;
    layout_.layers.push_back(std::move(layer));
    return layout_.layers.size() - 1;
  }

  const std::unordered_map<std::string, std::string>& metadata_;
  const std::unordered_map<std::string, LayerEntries>& seen_layers_;
  ImageLayout layout_;
};

}  // namespace

std::string NormalizeLayerPath(std::string_view path) {
  for (;;) {
    if (path.starts_with("./"))
      path.remove_prefix(2);
    else if (path.starts_with("/"))
      path.remove_prefix(1);
    else
      break;
  }
  while (path.ends_with("/")) path.remove_suffix(1);
  if (path == ".") return {};
  return std::string(path);
}

void LayerEntries::Add(std::string_view raw_path, bool is_dir) {
  std::string path = NormalizeLayerPath(raw_path);
  if (path.empty()) return;
  const size_t slash = path.rfind('/');
  std::string_view base = slash == std::string::npos ? std::string_view(path)
                                                     : std::string_view(path).substr(slash + 1);
  std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
  if (base == ".wh..wh..opq") {
    opaque_dirs.insert(std::move(dir));
  } else if (base.starts_with(".wh.") && base.size() > 4) {
    std::string target(base.substr(4));
    whiteouts.insert(dir.empty() ? target : dir + "/" + target);
  } else {
    entries[std::move(path)] = is_dir;
  }
}

bool ImageCollector::IsMetadataName(std::string_view name) {
  const std::string n = NormalizeLayerPath(name);
  if (n == "manifest.json" || n == "index.json" || n == "oci-layout" || n == "repositories")
    return true;
  if (n.find('/') == std::string::npos && n.ends_with(".json")) return true;  // legacy config
  return !DigestOfMember(n).empty();
}

bool ImageCollector::IsLayerName(std::string_view name) {
  const std::string n = NormalizeLayerPath(name);
  return n == "layer.tar" || n.ends_with("/layer.tar") || !DigestOfMember(n).empty();
}

void ImageCollector::AddMetadata(std::string_view name, std::string content) {
  metadata_[NormalizeLayerPath(name)] = std::move(content);
}

LayerEntries* ImageCollector::Layer(std::string_view name) {
  return &layers_[NormalizeLayerPath(name)];
}

std::optional<ImageLayout> ImageCollector::Finish(std::vector<std::string> chain) {
  Builder b(metadata_, layers_);
  try {
    if (auto manifest = ParseJson(metadata_.contains("manifest.json") ? &metadata_["manifest.json"]
                                                                      : nullptr)) {
      b.Docker(*manifest);
    } else if (auto index = ParseJson(metadata_.contains("index.json") ? &metadata_["index.json"]
                                                                       : nullptr)) {
      b.Oci(*index, "", 0);
    }
  } catch (const std::exception&) {
    // Malformed metadata (wrong types deep inside): not an image we can describe.
    return std::nullopt;
  }
  return b.Take(std::move(chain));
}

std::optional<ImageLocation> ImageLayout::Locate(const std::vector<std::string>& where) const {
  const size_t m = chain.size();
  if (where.size() <= m || !std::equal(chain.begin(), chain.end(), where.begin()))
    return std::nullopt;
  const std::string member = NormalizeLayerPath(where[m]);
  size_t layer = layers.size();
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].member == member) layer = i;
  ImageLocation loc;
  std::vector<std::string> names;  // each image name once, in image order
  auto add_name = [&](const std::string& n) {
    if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  auto join_names = [&] {
    for (const std::string& n : names) loc.image += (loc.image.empty() ? "" : ", ") + n;
  };
  if (layer == layers.size()) {  // image metadata: config, manifests
    for (const Image& img : images) add_name(img.name);
    join_names();
    return loc;
  }
  loc.layer = layers[layer].digest;
  if (where.size() > m + 1) loc.path = NormalizeLayerPath(where[m + 1]);
  bool any_image = false, present = false;
  for (const Image& img : images) {
    auto pos = std::find(img.layers.rbegin(), img.layers.rend(), layer);
    if (pos == img.layers.rend()) continue;
    any_image = true;
    add_name(img.name);
    if (loc.path.empty()) continue;
    const size_t index = static_cast<size_t>(img.layers.rend() - pos) - 1;
    bool hidden = false;
    for (size_t up = index + 1; up < img.layers.size() && !hidden; ++up)
      hidden = img.layers[up] != layer && Hides(layers[img.layers[up]].entries, loc.path);
    present = present || !hidden;
  }
  join_names();
  if (any_image && !loc.path.empty()) loc.in_final_image = present;
  return loc;
}

}  // namespace leakguard::input
