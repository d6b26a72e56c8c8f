#include "support/archive_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/hash.h"

namespace leakguard::testing {
namespace {

using nlohmann::json;

struct WriterFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

int WriteCallback(archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<int>(n);
}

la_ssize_t WriteCallbackSized(archive* a, void* client, const void* buf, size_t n) {
  return WriteCallback(a, client, buf, n);
}

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void PutLe(std::string* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutBe(std::string* out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetLe(std::string_view b, size_t off, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(b[off + i])) << (8 * i);
  return v;
}

}  // namespace

std::string BuildArchive(Format format, Filter filter, const std::vector<Entry>& entries,
                         const BuildOptions& options) {
  std::unique_ptr<archive, WriterFree> w(archive_write_new());
  archive* a = w.get();
  int r = ARCHIVE_OK;
  switch (format) {
    case Format::kZip:
      r = archive_write_set_format_zip(a);
      if (options.zip_store) archive_write_set_options(a, "zip:compression=store");
      if (options.zip64) {
        EXPECT_EQ(archive_write_set_options(a, "zip:zip64"), ARCHIVE_OK) << archive_error_string(a);
      }
      if (!options.zip_passphrase.empty()) {
        EXPECT_EQ(archive_write_set_options(a, "zip:encryption=traditional"), ARCHIVE_OK)
            << archive_error_string(a);
        archive_write_set_passphrase(a, options.zip_passphrase.c_str());
      }
      break;
    case Format::kPaxTar:
      r = archive_write_set_format_pax_restricted(a);
      break;
    case Format::kUstarTar:
      r = archive_write_set_format_ustar(a);
      break;
    case Format::kGnuTar:
      r = archive_write_set_format_gnutar(a);
      break;
    case Format::k7z:
      r = archive_write_set_format_7zip(a);
      break;
    case Format::kAr:
      r = archive_write_set_format_ar_svr4(a);
      break;
    case Format::kCpio:
      r = archive_write_set_format_cpio_newc(a);
      break;
    case Format::kRaw:
      r = archive_write_set_format_raw(a);
      break;
  }
  EXPECT_EQ(r, ARCHIVE_OK) << archive_error_string(a);
  switch (filter) {
    case Filter::kNone:
      break;
    case Filter::kGzip:
      r = archive_write_add_filter_gzip(a);
      break;
    case Filter::kBzip2:
      r = archive_write_add_filter_bzip2(a);
      break;
    case Filter::kXz:
      r = archive_write_add_filter_xz(a);
      break;
    case Filter::kZstd:
      r = archive_write_add_filter_zstd(a);
      break;
    case Filter::kLz4:
      r = archive_write_add_filter_lz4(a);
      break;
  }
  EXPECT_EQ(r, ARCHIVE_OK) << archive_error_string(a);
  std::string out;
  // As when writing to a regular file: no padding after the last block (a padded .zst or .lz4
  // has trailing zeros that are not a frame).
  archive_write_set_bytes_in_last_block(a, 1);
  EXPECT_EQ(archive_write_open2(a, &out, nullptr, WriteCallbackSized, nullptr, nullptr), ARCHIVE_OK)
      << archive_error_string(a);
  for (const Entry& e : entries) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> ae(archive_entry_new(),
                                                                archive_entry_free);
    archive_entry_set_pathname(ae.get(), e.name.c_str());
    archive_entry_set_mtime(ae.get(), 1700000000, 0);
    switch (e.type) {
      case Entry::Type::kFile:
        archive_entry_set_filetype(ae.get(), AE_IFREG);
        archive_entry_set_perm(ae.get(), 0644);
        archive_entry_set_size(ae.get(), static_cast<la_int64_t>(e.data.size()));
        break;
      case Entry::Type::kDir:
        archive_entry_set_filetype(ae.get(), AE_IFDIR);
        archive_entry_set_perm(ae.get(), 0755);
        archive_entry_set_size(ae.get(), 0);
        break;
      case Entry::Type::kSymlink:
        archive_entry_set_filetype(ae.get(), AE_IFLNK);
        archive_entry_set_perm(ae.get(), 0777);
        archive_entry_set_symlink(ae.get(), e.link.c_str());
        archive_entry_set_size(ae.get(), 0);
        break;
      case Entry::Type::kHardlink:
        archive_entry_set_filetype(ae.get(), AE_IFREG);
        archive_entry_set_perm(ae.get(), 0644);
        archive_entry_set_hardlink(ae.get(), e.link.c_str());
        archive_entry_set_size(ae.get(), 0);
        break;
    }
    EXPECT_GE(archive_write_header(a, ae.get()), ARCHIVE_WARN) << archive_error_string(a);
    if (e.type == Entry::Type::kFile && !e.data.empty()) {
      EXPECT_EQ(archive_write_data(a, e.data.data(), e.data.size()),
                static_cast<la_ssize_t>(e.data.size()))
          << archive_error_string(a);
    }
  }
  EXPECT_EQ(archive_write_close(a), ARCHIVE_OK) << archive_error_string(a);
  return out;
}

std::string Zip(const std::vector<Entry>& entries) {
  return BuildArchive(Format::kZip, Filter::kNone, entries);
}

std::string Tar(const std::vector<Entry>& entries, Filter filter) {
  return BuildArchive(Format::kPaxTar, filter, entries);
}

std::string Compress(Filter filter, std::string_view data) {
  return BuildArchive(Format::kRaw, filter, {Entry{"data", std::string(data)}});
}

std::string Rpm(const std::vector<Entry>& files) {
  std::string out;
  // Lead: magic, version 3.0, binary, arch 1, name, os 1, signature type 5 (header-style).
  out += "\xed\xab\xee\xdb";
  out += '\x03';
  out += '\x00';
  PutBe(&out, 0, 2);
  PutBe(&out, 1, 2);
  std::string name = "leakguard-test-1.0-1";
  name.resize(66, '\0');
  out += name;
  PutBe(&out, 1, 2);
  PutBe(&out, 5, 2);
  out.append(16, '\0');
  // Signature and header: empty index (magic, reserved, 0 entries, 0 data bytes).
  for (int i = 0; i < 2; ++i) {
    out += "\x8e\xad\xe8\x01";
    out.append(4, '\0');
    PutBe(&out, 0, 4);
    PutBe(&out, 0, 4);
  }
  out += BuildArchive(Format::kCpio, Filter::kGzip, files);
  return out;
}

std::string Deb(const std::vector<Entry>& data_files) {
  std::string control =
      Tar({{"./control", "Package: leakguard-test\nVersion: 1.0\n"}}, Filter::kGzip);
  std::string data = Tar(data_files, Filter::kXz);
  return BuildArchive(
      Format::kAr, Filter::kNone,
      {{"debian-binary", "2.0\n"}, {"control.tar.gz", control}, {"data.tar.xz", data}});
}

std::string Gem(const std::vector<Entry>& data_files) {
  std::string metadata = Compress(Filter::kGzip, "--- !ruby/object:Gem::Specification\nname: t\n");
  std::string data = Tar(data_files, Filter::kGzip);
  return BuildArchive(Format::kUstarTar, Filter::kNone,
                      {{"metadata.gz", metadata}, {"data.tar.gz", data}});
}

std::string OverlappingZipBomb(int n, size_t kernel_size) {
  // The kernel: a real deflate stream, taken from a one-entry zip libarchive writes.
  const std::string plain(kernel_size, '\0');
  std::string z = BuildArchive(Format::kZip, Filter::kNone, {{"k", plain}});
  const size_t cd = z.rfind("PK\x01\x02");
  EXPECT_NE(cd, std::string::npos);
  const uint64_t csize = GetLe(z, cd + 20, 4), lho = GetLe(z, cd + 42, 4);
  const uint64_t data_at = lho + 30 + GetLe(z, lho + 26, 2) + GetLe(z, lho + 28, 2);
  const std::string kernel = z.substr(data_at, csize);

  auto local_header = [](const std::string& name, uint32_t crc, uint64_t cs, uint64_t us) {
    std::string h = "PK\x03\x04";
    PutLe(&h, 20, 2);
    PutLe(&h, 0, 2);
    PutLe(&h, 8, 2);  // deflate
    PutLe(&h, 0, 2);
    PutLe(&h, 0, 2);
    PutLe(&h, crc, 4);
    PutLe(&h, cs, 4);
    PutLe(&h, us, 4);
    PutLe(&h, name.size(), 2);
    PutLe(&h, 0, 2);
    return h + name;
  };
  const size_t count = static_cast<size_t>(n);
  std::vector<std::string> names(count), headers(count), datas(count), outputs(count);
  for (size_t i = 0; i < count; ++i) names[i] = "f" + std::to_string(1000 + i);
  outputs[count - 1] = plain;
  datas[count - 1] = kernel;
  headers[count - 1] = local_header(names[count - 1], Crc32(plain), kernel.size(), plain.size());
  for (size_t i = count - 1; i-- > 0;) {
    // A stored (non-final) deflate block quoting the next local header, then the next data.
    const std::string& next = headers[i + 1];
    std::string stored(1, '\0');  // BFINAL=0, BTYPE=00 (stored), byte-aligned
    PutLe(&stored, next.size(), 2);
    PutLe(&stored, next.size() ^ 0xFFFF, 2);
    datas[i] = stored + next + datas[i + 1];
    outputs[i] = next + outputs[i + 1];
    headers[i] = local_header(names[i], Crc32(outputs[i]), datas[i].size(), outputs[i].size());
  }
  std::string body = headers[0] + datas[0];
  std::string cdir;
  uint64_t offset = 0;
  for (size_t i = 0; i < count; ++i) {
    cdir += "PK\x01\x02";
    PutLe(&cdir, 20, 2);
    PutLe(&cdir, 20, 2);
    PutLe(&cdir, 0, 2);
    PutLe(&cdir, 8, 2);
    PutLe(&cdir, 0, 2);
    PutLe(&cdir, 0, 2);
    PutLe(&cdir, Crc32(outputs[i]), 4);
    PutLe(&cdir, datas[i].size(), 4);
    PutLe(&cdir, outputs[i].size(), 4);
    PutLe(&cdir, names[i].size(), 2);
    PutLe(&cdir, 0, 2);
    PutLe(&cdir, 0, 2);
    PutLe(&cdir, 0, 2);
    PutLe(&cdir, 0, 2);
    PutLe(&cdir, 0, 4);
    PutLe(&cdir, offset, 4);
    cdir += names[i];
    offset += headers[i].size() + 5;  // the next header follows this one's stored-block header
  }
  std::string eocd = "PK\x05\x06";
  PutLe(&eocd, 0, 2);
  PutLe(&eocd, 0, 2);
  PutLe(&eocd, count, 2);
  PutLe(&eocd, count, 2);
  PutLe(&eocd, cdir.size(), 4);
  PutLe(&eocd, body.size(), 4);
  PutLe(&eocd, 0, 2);
  return body + cdir + eocd;
}

std::string ImageTarball(const Image& image, bool oci, std::vector<std::string>* digests) {
  std::vector<Entry> out;
  std::vector<std::string> layer_members, diff_ids, blob_digests;
  std::vector<size_t> blob_sizes;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    const Layer& layer = image.layers[i];
    std::vector<Entry> entries = layer.files;
    for (const std::string& d : layer.deleted) {
      const size_t slash = d.rfind('/');
      const std::string dir = slash == std::string::npos ? "" : d.substr(0, slash + 1);
      const std::string base = slash == std::string::npos ? d : d.substr(slash + 1);
      entries.push_back({dir + ".wh." + base, ""});
    }
    for (const std::string& d : layer.opaque) entries.push_back({d + "/.wh..wh..opq", ""});
    const std::string tar = BuildArchive(Format::kPaxTar, Filter::kNone, entries);
    diff_ids.push_back("sha256:" + Sha256Hex(tar));
    const std::string blob = layer.compression == Filter::kNone
                                 ? tar
                                 : BuildArchive(Format::kPaxTar, layer.compression, entries);
    const std::string blob_hex = Sha256Hex(blob);
    blob_digests.push_back("sha256:" + blob_hex);
    blob_sizes.push_back(blob.size());
    if (oci) {
      layer_members.push_back("blobs/sha256/" + blob_hex);
      out.push_back({layer_members.back(), blob});
    } else {
      const std::string id = Sha256Hex("layer-id-" + std::to_string(i));
      layer_members.push_back(id + "/layer.tar");
      out.push_back({id, "", Entry::Type::kDir});
      out.push_back({id + "/VERSION", "1.0"});
      out.push_back({id + "/json", json{{"id", id}}.dump()});
      out.push_back({layer_members.back(), tar});
    }
  }
  if (digests) *digests = oci ? blob_digests : diff_ids;
  json config = {{"architecture", "amd64"},
                 {"os", "linux"},
                 {"config", {{"Env", json::array({"PATH=/usr/bin", image.config_env})}}},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  const std::string config_text = config.dump();
  const std::string config_hex = Sha256Hex(config_text);
  if (!oci) {
    out.push_back({config_hex + ".json", config_text});
    json manifest = json::array(
        {{{"Config", config_hex + ".json"}, {"RepoTags", {image.tag}}, {"Layers", layer_members}}});
    out.push_back({"manifest.json", manifest.dump()});
    out.push_back({"repositories", json{{"example/app", {{"1.0", config_hex}}}}.dump()});
    return Tar(out);
  }
  out.push_back({"blobs/sha256/" + config_hex, config_text});
  json layers = json::array();
  for (size_t i = 0; i < blob_digests.size(); ++i)
    layers.push_back({{"mediaType", image.layers[i].compression == Filter::kNone
                                        ? "application/vnd.oci.image.layer.v1.tar"
                                        : "application/vnd.oci.image.layer.v1.tar+gzip"},
                      {"digest", blob_digests[i]},
                      {"size", blob_sizes[i]}});
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"config",
                    {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                     {"digest", "sha256:" + config_hex},
                     {"size", config_text.size()}}},
                   {"layers", layers}};
  const std::string manifest_text = manifest.dump();
  const std::string manifest_hex = Sha256Hex(manifest_text);
  out.push_back({"blobs/sha256/" + manifest_hex, manifest_text});
  json index = {{"schemaVersion", 2},
                {"manifests",
                 {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"digest", "sha256:" + manifest_hex},
                   {"size", manifest_text.size()},
                   {"annotations", {{"io.containerd.image.name", "docker.io/" + image.tag}}}}}}};
  out.push_back({"index.json", index.dump()});
  out.push_back({"oci-layout", R"({"imageLayoutVersion":"1.0.0"})"});
  return Tar(out);
}

}  // namespace leakguard::testing
