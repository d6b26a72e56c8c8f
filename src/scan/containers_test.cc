// The scan pipeline over archives, images and notebooks: exact findings (file chain, line,
// column) for every format, nesting, notebooks, image layers, path allowlists on members, the
// member hand-off between workers, blob dedup, and standard input.
#include "scan/containers.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/log.h"
#include "input/file_source.h"
#include "input/stream_source.h"
#include "rules/loader.h"
#include "scan/scanner.h"
#include "support/archive_builder.h"

namespace leakguard::scan {
namespace {

namespace fs = std::filesystem;
using testing::Entry;
using testing::Filter;
using testing::Format;

constexpr std::string_view kRules = R"toml(
[[rules]]
id = "tok"
description = "Test token"
regex = '''\b(tok_[a-z0-9]{12})\b'''
keywords = ["tok_"]
[[rules]]
id = "env-only"
description = "Only in .env files"
regex = '''\b(envtok_[a-z0-9]{8})\b'''
path = '''(^|/)\.env$'''
[[rules]]
id = "p12"
description = "PKCS#12 file"
path = '''\.p12$'''
[[allowlists]]
description = "vendored code"
paths = ['''^vendored/''', '''(^|/)tests/''']
)toml";

const std::string kSecret = "tok_a1b2c3d4e5f6";
// The secret at line 3, columns 10-25.
const std::string kSettings = "import os\n\nTOKEN = \"" + kSecret + "\"\n";

class ContainerScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("lg_containers_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
             std::to_string(getpid()));  // other checkouts on the machine may run the same test
    fs::remove_all(root_);
    fs::create_directories(root_);
    std::vector<std::string> w;
    auto set = rules::LoadConfigText(kRules, "t.toml", &w);
    ASSERT_TRUE(set.has_value()) << set.error().message();
    auto db = match::RulesDatabase::Build(std::move(*set), &w);
    ASSERT_TRUE(db.has_value());
    db_ = *db;
    SetLogSink([this](LogLevel level, std::string_view m) {
      if (level >= LogLevel::kWarning) warnings_.emplace_back(m);
    });
  }
  void TearDown() override {
    SetLogSink(nullptr);
    fs::remove_all(root_);
  }
  std::string Write(const std::string& rel, std::string_view content) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << content;
    return (root_ / rel).string();
  }
  ScanResult Scan(ScanOptions o = {}) {
    if (o.mask.enabled) o.mask.enabled = false;
    input::FileSource src({root_.string()}, {});
    return Scanner(db_, o).Run(src);
  }
  std::string Top(const std::string& rel) const { return (root_ / rel).string(); }
  std::string AllWarnings() const {
    std::string s;
    for (const auto& w : warnings_) s += w + "\n";
    return s;
  }

  fs::path root_;
  std::shared_ptr<const match::RulesDatabase> db_;
  std::vector<std::string> warnings_;
};

// ---- Every format, exact findings ------------------------------------------------------------

struct FormatCase {
  const char* name;
  std::string file;
  std::function<std::string()> build;
  std::vector<std::string> members;  // the chain after the top-level file
};

void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.name; }

std::vector<FormatCase> Cases() {
  const std::vector<Entry> py = {{"pkg/__init__.py", ""}, {"pkg/settings.py", kSettings}};
  auto tar = [py](Filter f) { return [py, f] { return testing::Tar(py, f); }; };
  auto fmt = [py](Format f) {
    return [py, f] { return testing::BuildArchive(f, Filter::kNone, py); };
  };
  const std::vector<std::string> settings = {"pkg/settings.py"};
  return {
      {"Wheel", "dist/pkg-1.0-py3-none-any.whl", [py] { return testing::Zip(py); }, settings},
      {"Jar", "lib/app.jar", [py] { return testing::Zip(py); }, settings},
      {"War", "app.war", [py] { return testing::Zip(py); }, settings},
      {"Apk", "app.apk", [py] { return testing::Zip(py); }, settings},
      {"Nupkg", "Pkg.1.0.0.nupkg", [py] { return testing::Zip(py); }, settings},
      {"Docx", "report.docx", [py] { return testing::Zip(py); }, settings},
      {"Tar", "a.tar", tar(Filter::kNone), settings},
      {"Sdist", "dist/pkg-1.0.tar.gz", tar(Filter::kGzip), settings},
      {"TarBz2", "a.tar.bz2", tar(Filter::kBzip2), settings},
      {"TarXz", "a.tar.xz", tar(Filter::kXz), settings},
      {"TarZst", "a.tar.zst", tar(Filter::kZstd), settings},
      {"TarLz4", "a.tar.lz4", tar(Filter::kLz4), settings},
      {"NpmTgz",
       "app-1.0.0.tgz",
       [] {
         return testing::Tar({{"package/.env.production", kSettings}}, Filter::kGzip);
       },
       {"package/.env.production"}},
      {"Crate",
       "demo-0.1.0.crate",
       [] {
         return testing::Tar({{"demo-0.1.0/src/lib.rs", kSettings}}, Filter::kGzip);
       },
       {"demo-0.1.0/src/lib.rs"}},
      {"Gem",
       "demo-1.0.gem",
       [] {
         return testing::Gem({{"lib/demo.rb", kSettings}});
       },
       {"data.tar.gz", "lib/demo.rb"}},
      {"SevenZip", "a.7z", fmt(Format::k7z), settings},
      {"Rpm",
       "demo-1.0-1.noarch.rpm",
       [] {
         return testing::Rpm({{"./etc/demo.conf", kSettings}});
       },
       {"./etc/demo.conf"}},
      {"Deb",
       "demo_1.0_all.deb",
       [] {
         return testing::Deb({{"./etc/demo.conf", kSettings}});
       },
       {"data.tar.xz", "./etc/demo.conf"}},
      {"Cpio", "initrd.cpio", fmt(Format::kCpio), settings},
      {"Ar", "lib.a", fmt(Format::kAr), {"settings.py"}},  // ar keeps base names only
      {"PlainGz",
       "settings.py.gz",
       [] { return testing::Compress(Filter::kGzip, kSettings); },
       {"settings.py"}},
      {"PlainBz2",
       "settings.py.bz2",
       [] { return testing::Compress(Filter::kBzip2, kSettings); },
       {"settings.py"}},
      {"PlainXz",
       "settings.py.xz",
       [] { return testing::Compress(Filter::kXz, kSettings); },
       {"settings.py"}},
      {"PlainZst",
       "settings.py.zst",
       [] { return testing::Compress(Filter::kZstd, kSettings); },
       {"settings.py"}},
  };
}

class ContainerFormatTest : public ContainerScanTest,
                            public ::testing::WithParamInterface<FormatCase> {};

TEST_P(ContainerFormatTest, FindsThePlantedSecretAtItsMemberAndLine) {
  const FormatCase& c = GetParam();
  Write(c.file, c.build());
  ScanResult r = Scan();
  ASSERT_EQ(r.findings.size(), 1u) << AllWarnings();
  const findings::Finding& f = r.findings[0];
  std::string chain_text = Top(c.file), rel = c.file;
  std::vector<std::string> chain = {Top(c.file)};
  for (const auto& m : c.members) {
    chain_text += "!" + m;
    rel += "!" + m;
    chain.push_back(m);
  }
  EXPECT_EQ(f.rule_id, "tok");
  EXPECT_EQ(f.file, chain_text);
  EXPECT_EQ(f.rel_path, rel);
  EXPECT_EQ(f.archive_chain, chain);
  EXPECT_EQ(f.line, 3u);
  EXPECT_EQ(f.column, 10u);
  EXPECT_EQ(f.end_line, 3u);
  EXPECT_EQ(f.end_column, 25u);
  EXPECT_EQ(f.secret, kSecret);
  EXPECT_EQ(r.summary.files_scanned, 1u);
  EXPECT_GE(r.summary.archives, 1u);
  EXPECT_EQ(r.summary.archives_incomplete, 0u);
  EXPECT_TRUE(warnings_.empty()) << AllWarnings();
}

INSTANTIATE_TEST_SUITE_P(Formats, ContainerFormatTest, ::testing::ValuesIn(Cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// ---- Nesting, notebooks, images ----------------------------------------------------------------

TEST_F(ContainerScanTest, NestedThreeDeepReportsTheWholeChain) {
  const std::string jar =
      testing::Zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                    {"app.properties", "db.user=app\ndb.token=" + kSecret + "\n"}});
  const std::string tgz = testing::Tar({{"lib/app.jar", jar}}, Filter::kXz);
  Write("release.zip", testing::Zip({{"bundle/app.tar.xz", tgz}}));
  ScanResult r = Scan();
  ASSERT_EQ(r.findings.size(), 1u) << AllWarnings();
  const auto& f = r.findings[0];
  EXPECT_EQ(f.file, Top("release.zip") + "!bundle/app.tar.xz!lib/app.jar!app.properties");
  EXPECT_EQ(f.archive_chain, (std::vector<std::string>{Top("release.zip"), "bundle/app.tar.xz",
                                                       "lib/app.jar", "app.properties"}));
  EXPECT_EQ(f.line, 2u);
  EXPECT_EQ(f.column, 10u);
  EXPECT_EQ(r.summary.archives, 3u);
  EXPECT_EQ(r.summary.archive_members, 2u);
}

TEST_F(ContainerScanTest, NotebookFindingsNameCellOutputAndLine) {
  const std::string nb = R"NB({
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Setup\n"]},
  {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [
    {"output_type": "stream", "name": "stdout", "text": ["connected with )NB" +
                         kSecret + R"NB(\n"]}],
   "source": ["import requests\n", "api = \")NB" +
                         kSecret + R"NB(\"\n", "requests.get(api)"]}
 ],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5
})NB";
  Write("notebooks/explore.ipynb", nb);
  ScanResult r = Scan();
  ASSERT_EQ(r.findings.size(), 2u) << AllWarnings();
  const auto& src = r.findings[0];
  EXPECT_EQ(src.file, Top("notebooks/explore.ipynb"));
  EXPECT_EQ(src.cell, 2u);
  EXPECT_EQ(src.cell_output, 0u);
  EXPECT_EQ(src.line, 2u);
  EXPECT_EQ(src.column, 8u);
  EXPECT_TRUE(src.archive_chain.empty());
  const auto& out = r.findings[1];
  EXPECT_EQ(out.cell, 2u);
  EXPECT_EQ(out.cell_output, 1u);
  EXPECT_EQ(out.line, 1u);
  EXPECT_EQ(out.column, 16u);
  EXPECT_EQ(r.summary.files_scanned, 1u);
  EXPECT_EQ(r.summary.archives, 0u);
  EXPECT_EQ(r.summary.archive_members, 3u);
}

TEST_F(ContainerScanTest, BrokenNotebookIsScannedAsText) {
  Write("broken.ipynb", "{\"cells\": [ oops\n" + kSecret + "\n");
  ScanResult r = Scan();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].line, 2u);
  EXPECT_EQ(r.findings[0].cell, 0u);
}

class ImageScanTest : public ContainerScanTest, public ::testing::WithParamInterface<bool> {};

TEST_P(ImageScanTest, SecretAddedInOneLayerAndDeletedInTheNext) {
  const bool oci = GetParam();
  const std::string other = "tok_zz9yy8xx7ww6";
  testing::Image image;
  testing::Layer l1, l2;
  l1.files = {{"etc/", "", Entry::Type::kDir},
              {"etc/app.env", kSettings},
              {"opt/keep.conf", "token: " + other + "\n"}};
  l2.deleted = {"etc/app.env"};
  l2.files = {{"etc/motd", "hello\n"}};
  if (oci) l1.compression = l2.compression = Filter::kGzip;
  image.layers = {l1, l2};
  image.config_env = "API_TOKEN=tok_cf9cf8cf7cf6";
  std::vector<std::string> digests;
  Write("app.tar", testing::ImageTarball(image, oci, &digests));
  ScanResult r = Scan();
  ASSERT_EQ(r.findings.size(), 3u) << AllWarnings();
  const findings::Finding *deleted = nullptr, *kept = nullptr, *config = nullptr;
  for (const auto& f : r.findings) {
    if (f.secret == kSecret) deleted = &f;
    if (f.secret == other) kept = &f;
    if (f.secret == "tok_cf9cf8cf7cf6") config = &f;
  }
  ASSERT_TRUE(deleted && kept && config);
  const std::string name = oci ? "docker.io/example/app:1.0" : "example/app:1.0";
  EXPECT_EQ(deleted->image, name);
  EXPECT_EQ(deleted->layer, digests[0]);
  EXPECT_EQ(deleted->layer_path, "etc/app.env");
  EXPECT_EQ(deleted->in_final_image, std::optional<bool>(false));
  EXPECT_EQ(deleted->line, 3u);
  EXPECT_EQ(deleted->archive_chain.size(), 3u);
  EXPECT_EQ(deleted->archive_chain[2], "etc/app.env");
  EXPECT_EQ(kept->layer, digests[0]);
  EXPECT_EQ(kept->in_final_image, std::optional<bool>(true));
  EXPECT_EQ(config->image, name);
  EXPECT_TRUE(config->layer.empty());
  EXPECT_FALSE(config->in_final_image.has_value());
}

INSTANTIATE_TEST_SUITE_P(Layouts, ImageScanTest, ::testing::Values(false, true),
                         [](const auto& param_info) {
                           return std::string(param_info.param ? "Oci" : "DockerSave");
                         });

TEST_F(ContainerScanTest, DockerSaveOnStandardInput) {
  testing::Image image;
  testing::Layer l1, l2;
  l1.files = {{"root/.netrc", "password " + kSecret + "\n"}};
  l2.opaque = {"root"};
  image.layers = {l1, l2};
  std::vector<std::string> digests;
  const std::string tarball = testing::ImageTarball(image, false, &digests);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < tarball.size()) {
      ssize_t n = ::write(fds[1], tarball.data() + done, tarball.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  input::StreamOptions so;
  so.archives = true;
  so.chunk_size = 4096;  // the head is smaller than the tarball: the rest is streamed
  so.overlap = 256;
  input::StreamSource src(fds[0], "-", so);
  ScanOptions o;
  o.mask.enabled = false;
  ScanResult r = Scanner(db_, o).Run(src);
  writer.join();
  ::close(fds[0]);
  ASSERT_EQ(r.findings.size(), 1u) << AllWarnings();
  const auto& f = r.findings[0];
  EXPECT_EQ(f.file.substr(0, 2), "-!");
  EXPECT_TRUE(f.file.ends_with("/layer.tar!root/.netrc")) << f.file;
  EXPECT_EQ(f.image, "example/app:1.0");
  EXPECT_EQ(f.layer, digests[0]);
  EXPECT_EQ(f.in_final_image, std::optional<bool>(false));
  EXPECT_EQ(r.summary.files_scanned, 1u);
}

// ---- Path rules and allowlists on members ------------------------------------------------------

TEST_F(ContainerScanTest, PathAllowlistsApplyToTheArchiveAndToItsMembers) {
  const std::string zip = testing::Zip({{"src/a.py", kSettings}, {"tests/test_a.py", kSettings}});
  Write("vendored/dep.zip", zip);  // allowlisted by the archive's own path
  Write("dist/app.zip", zip);      // tests/ allowlisted inside it
  ScanOptions o;
  o.explain = true;
  ScanResult r = Scan(o);
  std::map<std::string, std::string> dropped;  // member chain -> dropped_by
  for (const auto& f : r.findings) dropped[f.rel_path] = f.dropped_by;
  EXPECT_EQ(dropped["vendored/dep.zip!src/a.py"], "global-allowlist");
  EXPECT_EQ(dropped["vendored/dep.zip!tests/test_a.py"], "global-allowlist");
  EXPECT_EQ(dropped["dist/app.zip!tests/test_a.py"], "global-allowlist");
  ASSERT_TRUE(dropped.contains("dist/app.zip!src/a.py"));
  EXPECT_EQ(dropped["dist/app.zip!src/a.py"], "");
  EXPECT_EQ(r.summary.findings, 1u);
}

TEST_F(ContainerScanTest, RulePathsAndPathOnlyRulesSeeMemberNames) {
  const std::string env = "KEY=envtok_a1b2c3d4\n";
  Write("bundle.tar.gz", testing::Tar({{"app/.env", env},
                                       {"app/notes.txt", env},
                                       {"certs/client.p12", std::string("\x30\x82\x01\x00", 4)}},
                                      Filter::kGzip));
  ScanResult r = Scan();
  std::vector<std::string> got;
  for (const auto& f : r.findings) got.push_back(f.rule_id + " " + f.rel_path);
  EXPECT_EQ(got, (std::vector<std::string>{"env-only bundle.tar.gz!app/.env",
                                           "p12 bundle.tar.gz!certs/client.p12"}))
      << ::testing::PrintToString(got);
}

// ---- Pipeline properties -----------------------------------------------------------------------

TEST_F(ContainerScanTest, IdenticalMembersAreMatchedOnceAndReportedEverywhere) {
  const std::string zip =
      testing::Zip({{"a/settings.py", kSettings}, {"b/settings.py", kSettings}});
  Write("x.zip", zip);
  ScanOptions once;
  once.threads = 1;
  ScanResult r = Scan(once);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_NE(r.findings[0].fingerprint, r.findings[1].fingerprint);
  EXPECT_EQ(r.summary.duplicate_members, 1u);
  EXPECT_EQ(r.summary.archive_members, 2u);
  ScanOptions no_dedup = once;
  no_dedup.dedup_members = false;
  ScanResult r2 = Scan(no_dedup);
  EXPECT_EQ(r2.summary.duplicate_members, 0u);
  ASSERT_EQ(r2.findings.size(), 2u);
  EXPECT_EQ(r2.findings[1].fingerprint, r.findings[1].fingerprint);
}

TEST_F(ContainerScanTest, ThreadCountsAndEnginesAgreeOnArchives) {
  // Enough members, and large enough, that they are handed to other workers.
  std::vector<Entry> files;
  uint32_t x = 11;
  for (int i = 0; i < 300; ++i) {
    std::string body(static_cast<size_t>(i) * 331 % 20000, '\n');
    for (size_t k = 0; k < body.size(); ++k) {
      x = x * 1664525u + 1013904223u;
      if (k % 81 != 80) body[k] = "QRSTUVWXYZ"[x >> 29];  // upper case: never a token
    }
    body += "\nkey = tok_a1b2c3d4e" + std::to_string(100 + i) + "\n";
    files.push_back({"src/f" + std::to_string(i) + ".txt", body});
  }
  Write("big.zip", testing::Zip(files));
  Write("big.tar.gz", testing::Tar(files, Filter::kGzip));
  ScanOptions one, many, simple;
  one.threads = 1;
  many.threads = 4;
  simple.threads = 2;
  simple.use_simple_matcher = true;
  ScanResult a = Scan(one), b = Scan(many), c = Scan(simple);
  ASSERT_EQ(a.findings.size(), 600u);
  ASSERT_EQ(b.findings.size(), 600u);
  ASSERT_EQ(c.findings.size(), 600u);
  for (size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i].fingerprint, b.findings[i].fingerprint);
    EXPECT_EQ(a.findings[i].fingerprint, c.findings[i].fingerprint);
    EXPECT_EQ(a.findings[i].line, b.findings[i].line);
  }
  EXPECT_EQ(a.summary.archive_members, 600u);
  EXPECT_EQ(b.summary.archive_members, 600u);
  EXPECT_TRUE(warnings_.empty()) << AllWarnings();
  EXPECT_EQ(a.summary.bytes_scanned, b.summary.bytes_scanned);
}

TEST_F(ContainerScanTest, ArchivesOffSkipsThemAsBinary) {
  Write("x.zip", testing::Zip({{"a.py", kSettings}}));
  Write("x.ipynb", R"({"cells": [{"cell_type": "code", "source": ["t = ')" + kSecret + R"('"]}]})");
  ScanOptions o;
  o.archives = false;
  ScanResult r = Scan(o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].file, Top("x.ipynb"));
  EXPECT_EQ(r.findings[0].cell, 0u) << "the notebook is read as plain JSON";
  EXPECT_EQ(r.summary.skipped_binary, 1u);
  EXPECT_EQ(r.summary.archives, 0u);
}

TEST_F(ContainerScanTest, ArchivesOverTheFileSizeLimitAreStreamedFromDisk) {
  std::string noise;
  uint32_t x = 7;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1664525u + 1013904223u;
    noise += "0123456789abcdef"[x >> 28];
    if (i % 64 == 63) noise += '\n';
  }
  Write("big.tar.gz",
        testing::Tar({{"noise.txt", noise}, {"conf/app.py", kSettings}}, Filter::kGzip));
  ScanOptions o;
  o.read.max_file_size = 50000;  // the archive and noise.txt are larger; app.py is not
  ScanResult r = Scan(o);
  ASSERT_EQ(r.findings.size(), 1u) << AllWarnings();
  EXPECT_EQ(r.findings[0].rel_path, "big.tar.gz!conf/app.py");
  EXPECT_EQ(r.summary.skipped_too_large, 1u);
  ASSERT_EQ(warnings_.size(), 1u) << AllWarnings();
  EXPECT_NE(warnings_[0].find("big.tar.gz!noise.txt"), std::string::npos);
}

TEST_F(ContainerScanTest, SummaryCountsIncompleteAndEncrypted) {
  testing::BuildOptions enc;
  enc.zip_passphrase = "pw";
  Write("vault.zip",
        testing::BuildArchive(Format::kZip, Filter::kNone, {{"s.txt", kSettings}}, enc));
  const std::string whole = testing::Zip({{"a.txt", "fine\n"}});
  Write("junk.zip", whole.substr(0, 20));
  Write("inline.zip", testing::Zip({{"a.py", "t = '" + kSecret + "'  # leakguard:allow\n"}}));
  ScanResult r = Scan();
  EXPECT_EQ(r.findings.size(), 0u);
  EXPECT_EQ(r.summary.skipped_encrypted, 1u);
  EXPECT_EQ(r.summary.archives_incomplete, 1u);
  EXPECT_EQ(r.summary.suppressed, 1u);
  EXPECT_EQ(r.summary.files_scanned, 3u);
}

TEST_F(ContainerScanTest, TextThatLooksLikeATarHeaderIsScannedAsText) {
  // 512 printable bytes whose v7 tar checksum adds up: recognised as a tar, refused by
  // libarchive, then scanned as the text file it is.
  std::string text(600, 'x');
  for (size_t i = 60; i < text.size(); i += 61) text[i] = '\n';
  text.replace(199, kSecret.size() + 2, " " + kSecret + " ");
  text.replace(148, 8, "        ");
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(text[i]);
  char field[9];
  std::snprintf(field, sizeof field, "%06o  ", sum);
  text.replace(148, 8, field);
  Write("notes.txt", text);
  ScanResult r = Scan();
  ASSERT_EQ(r.findings.size(), 1u) << AllWarnings();
  EXPECT_EQ(r.findings[0].file, Top("notes.txt"));
  EXPECT_EQ(r.findings[0].line, 4u);
  EXPECT_TRUE(r.findings[0].archive_chain.empty());
  EXPECT_EQ(r.summary.files_scanned, 1u);
}

TEST(LocationPaths, AnArchiveMemberIsKnownByEveryPathOnItsChain) {
  input::Provenance p;
  p.rel_path = "dist/app.zip!./lib/x.jar!conf/a.properties";
  p.archive_chain = {"/abs/dist/app.zip", "./lib/x.jar", "conf/a.properties"};
  std::vector<std::string> storage;
  auto paths = LocationPaths(p, &storage);
  std::vector<std::string> got(paths.begin(), paths.end());
  EXPECT_EQ(got,
            (std::vector<std::string>{"dist/app.zip!./lib/x.jar!conf/a.properties", "dist/app.zip",
                                      "./lib/x.jar", "conf/a.properties", "lib/x.jar"}));
  EXPECT_EQ(RulePath(p), "conf/a.properties");
  input::Provenance file;
  file.rel_path = "src/a.py";
  EXPECT_EQ(LocationPaths(file, &storage).size(), 1u);
  EXPECT_EQ(RulePath(file), "src/a.py");
}

}  // namespace
}  // namespace leakguard::scan
