#include "input/image.h"

#include <gtest/gtest.h>

namespace leakguard::input {
namespace {

// Three layers of one docker-save image, bottom first.
ImageCollector ThreeLayers() {
  ImageCollector c;
  LayerEntries* l1 = c.Layer("aaa/layer.tar");
  for (const char* p : {"etc/", "etc/app.env", "etc/keep.env", "opt/", "opt/x/", "opt/x/key.pem",
                        "srv/data/", "srv/data/a.txt", "var/lib/", "var/lib/db.conf"})
    l1->Add(p, std::string_view(p).ends_with('/'));
  LayerEntries* l2 = c.Layer("./bbb/layer.tar");
  l2->Add("etc/.wh.app.env", false);        // deletes etc/app.env
  l2->Add("opt/.wh.x", false);              // deletes the directory opt/x and what is under it
  l2->Add("srv/data/.wh..wh..opq", false);  // hides every lower file under srv/data
  l2->Add("srv/data/b.txt", false);
  LayerEntries* l3 = c.Layer("ccc/layer.tar");
  l3->Add("./etc/keep.env", false);  // replaced: the layer-1 copy is not what the image has
  l3->Add("var/lib", false);         // a file where a directory was
  c.AddMetadata("manifest.json",
                R"([{"Config": "cfg.json", "RepoTags": ["app:1", "app:latest"],
                     "Layers": ["aaa/layer.tar", "bbb/layer.tar", "ccc/layer.tar"]}])");
  c.AddMetadata(
      "cfg.json",
      R"({"rootfs": {"type": "layers", "diff_ids": ["sha256:111", "sha256:222", "sha256:333"]}})");
  return c;
}

TEST(ImageLayout, WhiteoutsOpaqueDirectoriesAndReplacements) {
  ImageCollector c = ThreeLayers();
  auto layout = c.Finish({"img.tar"});
  ASSERT_TRUE(layout.has_value());
  ASSERT_EQ(layout->images.size(), 1u);
  EXPECT_EQ(layout->images[0].name, "app:1, app:latest");
  struct Case {
    const char* layer;
    const char* path;
    bool in_final;
  } cases[] = {
      {"aaa/layer.tar", "etc/app.env", false},      // whiteout
      {"aaa/layer.tar", "./etc/app.env", false},    // names are normalised
      {"aaa/layer.tar", "opt/x/key.pem", false},    // parent whited out
      {"aaa/layer.tar", "srv/data/a.txt", false},   // opaque parent
      {"bbb/layer.tar", "srv/data/b.txt", true},    // added with the opaque marker
      {"aaa/layer.tar", "etc/keep.env", false},     // replaced by layer 3
      {"ccc/layer.tar", "etc/keep.env", true},      // the replacement
      {"aaa/layer.tar", "var/lib/db.conf", false},  // parent replaced by a file
      {"aaa/layer.tar", "etc/other.conf", true},    // untouched (not even listed)
  };
  for (const Case& k : cases) {
    auto loc = layout->Locate({"img.tar", k.layer, k.path});
    ASSERT_TRUE(loc.has_value()) << k.layer << " " << k.path;
    EXPECT_EQ(loc->in_final_image, std::optional<bool>(k.in_final)) << k.layer << " " << k.path;
    EXPECT_EQ(loc->image, "app:1, app:latest");
    EXPECT_EQ(loc->path, std::string(k.path).starts_with("./") ? std::string(k.path).substr(2)
                                                               : std::string(k.path));
  }
  EXPECT_EQ(layout->Locate({"img.tar", "aaa/layer.tar", "x"})->layer, "sha256:111");
  EXPECT_EQ(layout->Locate({"img.tar", "ccc/layer.tar", "x"})->layer, "sha256:333");
  // Image metadata: named, no layer, no final-image answer.
  auto meta = layout->Locate({"img.tar", "cfg.json"});
  ASSERT_TRUE(meta.has_value());
  EXPECT_EQ(meta->image, "app:1, app:latest");
  EXPECT_TRUE(meta->layer.empty());
  EXPECT_FALSE(meta->in_final_image.has_value());
  // Other chains are not this image's.
  EXPECT_FALSE(layout->Locate({"other.tar", "aaa/layer.tar", "etc/app.env"}).has_value());
  EXPECT_FALSE(layout->Locate({"img.tar"}).has_value());
}

TEST(ImageLayout, ALayerSharedByTwoImagesIsInTheFinalImageIfEitherKeepsTheFile) {
  ImageCollector c;
  c.Layer("blobs/sha256/aa")->Add("app/.env", false);
  c.Layer("blobs/sha256/bb")->Add("app/.wh..env", false);
  c.AddMetadata("manifest.json", R"([
    {"Config": "blobs/sha256/c1", "RepoTags": ["app:slim"], "Layers": ["blobs/sha256/aa", "blobs/sha256/bb"]},
    {"Config": "blobs/sha256/c2", "RepoTags": null, "Layers": ["blobs/sha256/aa"]}])");
  auto layout = c.Finish({"-"});
  ASSERT_TRUE(layout.has_value());
  auto loc = layout->Locate({"-", "blobs/sha256/aa", "app/.env"});
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->layer, "sha256:aa");
  EXPECT_EQ(loc->image, "app:slim, sha256:c2");
  EXPECT_EQ(loc->in_final_image, std::optional<bool>(true));
}

TEST(ImageLayout, OciIndexWithANestedIndex) {
  ImageCollector c;
  c.Layer("blobs/sha256/l1")->Add("root/.aws/credentials", false);
  c.Layer("blobs/sha256/l2")->Add("root/.wh..aws", false);
  c.AddMetadata("index.json", R"({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:idx",
     "annotations": {"org.opencontainers.image.ref.name": "v2"}}]})");
  c.AddMetadata("blobs/sha256/idx", R"({"manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:man",
     "platform": {"os": "linux"}},
    {"digest": "sha256:../../../etc/passwd"}]})");
  c.AddMetadata("blobs/sha256/man", R"({"config": {"digest": "sha256:cfg"}, "layers": [
    {"digest": "sha256:l1"}, {"digest": "sha256:l2"}, {"digest": "bogus"}]})");
  auto layout = c.Finish({"oci.tar"});
  ASSERT_TRUE(layout.has_value());
  ASSERT_EQ(layout->images.size(), 1u);
  EXPECT_EQ(layout->images[0].name, "v2");
  EXPECT_EQ(layout->images[0].layers.size(), 2u);
  auto loc = layout->Locate({"oci.tar", "blobs/sha256/l1", "root/.aws/credentials"});
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->layer, "sha256:l1");
  EXPECT_EQ(loc->in_final_image, std::optional<bool>(false));
}

TEST(ImageLayout, NoManifestNoImage) {
  ImageCollector c;
  c.Layer("x/layer.tar")->Add("a", false);
  EXPECT_FALSE(c.Finish({"t.tar"}).has_value());
  ImageCollector bad;
  bad.AddMetadata("manifest.json", R"({"not": "a list"})");
  EXPECT_FALSE(bad.Finish({"t.tar"}).has_value());
  ImageCollector odd;
  odd.AddMetadata("manifest.json", R"([{"Layers": [1, null, {"x": 2}]}, 7, "s"])");
  EXPECT_FALSE(odd.Finish({"t.tar"}).has_value());
}

TEST(ImageLayout, NamesOfMetadataAndLayers) {
  EXPECT_TRUE(ImageCollector::IsMetadataName("manifest.json"));
  EXPECT_TRUE(ImageCollector::IsMetadataName("./index.json"));
  EXPECT_TRUE(ImageCollector::IsMetadataName("0123abcd.json"));
  EXPECT_TRUE(ImageCollector::IsMetadataName("blobs/sha256/0123"));
  EXPECT_FALSE(ImageCollector::IsMetadataName("etc/app.json"));
  EXPECT_TRUE(ImageCollector::IsLayerName("abc/layer.tar"));
  EXPECT_TRUE(ImageCollector::IsLayerName("blobs/sha256/0123"));
  EXPECT_FALSE(ImageCollector::IsLayerName("blobs/sha256/a/b"));
  EXPECT_FALSE(ImageCollector::IsLayerName("backup.tar"));
  EXPECT_EQ(NormalizeLayerPath("./a/b/"), "a/b");
  EXPECT_EQ(NormalizeLayerPath("//./a"), "a");
  EXPECT_EQ(NormalizeLayerPath("."), "");
}

}  // namespace
}  // namespace leakguard::input
