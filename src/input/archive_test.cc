// Tests for input/archive.h: what comes out of each archive format, nesting, streaming, and the
// behaviour on hostile input (bombs, overlapping entries, corruption, encryption, odd names).
// Archives are built in memory by tests/support/archive_builder.h.
#include "input/archive.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/log.h"
#include "support/archive_builder.h"

namespace leakguard::input {
namespace {

namespace fs = std::filesystem;
using testing::Entry;
using testing::Filter;
using testing::Format;

// Captures warnings and notes for the lifetime of the object.
class LogCapture {
 public:
  LogCapture() {
    SetLogSink([this](LogLevel level, std::string_view m) {
      (level >= LogLevel::kWarning ? warnings : notes).emplace_back(m);
    });
  }
  ~LogCapture() { SetLogSink(nullptr); }
  bool Warned(std::string_view needle) const {
    for (const auto& w : warnings)
      if (w.find(needle) != std::string::npos) return true;
    return false;
  }
  bool Noted(std::string_view needle) const {
    for (const auto& n : notes)
      if (n.find(needle) != std::string::npos) return true;
    return false;
  }
  std::string All() const {
    std::string s;
    for (const auto& w : warnings) s += "warning: " + w + "\n";
    for (const auto& n : notes) s += "note: " + n + "\n";
    return s;
  }
  std::vector<std::string> warnings, notes;
};

struct Expanded {
  std::vector<std::pair<Provenance, std::string>> blobs;
  std::vector<std::pair<SkipReason, Provenance>> skipped;
  ContainerStats stats;

  const std::string* Blob(std::string_view path) const {
    for (const auto& [p, data] : blobs)
      if (p.path == path) return &data;
    return nullptr;
  }
  std::vector<std::string> Paths() const {
    std::vector<std::string> out;
    for (const auto& [p, data] : blobs) out.push_back(p.path);
    return out;
  }
};

Provenance TopProv(std::string name) {
  Provenance p;
  p.path = name;
  p.rel_path = name;
  return p;
}

ContainerCallbacks Collect(Expanded* e) {
  ContainerCallbacks cb;
  cb.blob = [e](Provenance&& p, std::string&& data) {
    e->blobs.emplace_back(std::move(p), std::move(data));
  };
  cb.skipped = [e](SkipReason why, const Provenance& p, const std::string&) {
    e->skipped.emplace_back(why, p);
  };
  return cb;
}

Expanded Expand(std::string_view data, const std::string& name, const ArchiveLimits& limits = {}) {
  Expanded e;
  e.stats = ExpandContainer(data, TopProv(name), limits, Collect(&e));
  return e;
}

const std::string kSecret = "tok_a1b2c3d4e5f6";

// Text that compresses about as well as source code does not: hex digits and newlines from a
// fixed generator (so the ratio limit stays out of tests that are not about it).
std::string NoiseText(size_t n, uint32_t seed = 1) {
  std::string s(n, '\n');
  uint32_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    if (i % 61 != 60) s[i] = "0123456789abcdef"[x >> 28];
  }
  return s;
}
const std::string kSettings = "import os\n\nTOKEN = \"" + kSecret + "\"\n";

// ---- Recognition --------------------------------------------------------------------------

TEST(DetectContainer, RecognisesArchivesByTheirBytesNotTheirNames) {
  const std::vector<Entry> one = {{"a.txt", "hello\n"}};
  EXPECT_EQ(DetectContainer(testing::Zip(one), "renamed.txt"), ContainerKind::kArchive);
  EXPECT_EQ(DetectContainer(testing::Tar(one), "x"), ContainerKind::kArchive);
  EXPECT_EQ(DetectContainer(testing::BuildArchive(Format::kUstarTar, Filter::kNone, one), "x"),
            ContainerKind::kArchive);
  EXPECT_EQ(DetectContainer(testing::BuildArchive(Format::kGnuTar, Filter::kNone, one), "x"),
            ContainerKind::kArchive);
  for (Filter f : {Filter::kGzip, Filter::kBzip2, Filter::kXz, Filter::kZstd, Filter::kLz4})
    EXPECT_EQ(DetectContainer(testing::Compress(f, "hello\n"), "x"), ContainerKind::kArchive);
  EXPECT_EQ(DetectContainer(testing::BuildArchive(Format::k7z, Filter::kNone, one), "x"),
            ContainerKind::kArchive);
  EXPECT_EQ(DetectContainer(testing::BuildArchive(Format::kAr, Filter::kNone, one), "x"),
            ContainerKind::kArchive);
  EXPECT_EQ(DetectContainer(testing::BuildArchive(Format::kCpio, Filter::kNone, one), "x"),
            ContainerKind::kArchive);
  EXPECT_EQ(DetectContainer(testing::Rpm(one), "x"), ContainerKind::kArchive);
  // Names alone prove nothing.
  EXPECT_EQ(DetectContainer("just text\n", "fake.zip"), ContainerKind::kNone);
  EXPECT_EQ(DetectContainer("PK but not a zip", "a.jar"), ContainerKind::kNone);
  EXPECT_EQ(DetectContainer(std::string(600, 'a'), "a.tar"), ContainerKind::kNone);
  // Notebooks: the name and a JSON object.
  EXPECT_EQ(DetectContainer("\xef\xbb\xbf \n{\"cells\": []}", "nb/Analysis.IPYNB"),
            ContainerKind::kNotebook);
  EXPECT_EQ(DetectContainer("[1, 2]", "x.ipynb"), ContainerKind::kNone);
  EXPECT_EQ(DetectContainer("{\"cells\": []}", "x.json"), ContainerKind::kNone);
}

// ---- Formats -------------------------------------------------------------------------------

struct FormatCase {
  const char* name;
  std::string top;  // top-level file name
  std::function<std::string()> build;
  std::string member_path;         // Provenance::path of the blob holding the secret
  std::vector<std::string> chain;  // its archive_chain
};

void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.name; }

std::vector<FormatCase> FormatCases() {
  const std::vector<Entry> py = {
      {"pkg/", "", Entry::Type::kDir}, {"pkg/__init__.py", ""}, {"pkg/settings.py", kSettings}};
  auto tar_with = [py](Filter f) { return [py, f] { return testing::Tar(py, f); }; };
  return {
      {"Wheel",
       "dist/pkg-1.0-py3-none-any.whl",
       [py] { return testing::Zip(py); },
       "dist/pkg-1.0-py3-none-any.whl!pkg/settings.py",
       {"dist/pkg-1.0-py3-none-any.whl", "pkg/settings.py"}},
      {"StoredZip",
       "a.jar",
       [py] {
         testing::BuildOptions o;
         o.zip_store = true;
         return testing::BuildArchive(Format::kZip, Filter::kNone, py, o);
       },
       "a.jar!pkg/settings.py",
       {"a.jar", "pkg/settings.py"}},
      {"Tar",
       "a.tar",
       tar_with(Filter::kNone),
       "a.tar!pkg/settings.py",
       {"a.tar", "pkg/settings.py"}},
      {"UstarTar",
       "a.tar",
       [py] { return testing::BuildArchive(Format::kUstarTar, Filter::kNone, py); },
       "a.tar!pkg/settings.py",
       {"a.tar", "pkg/settings.py"}},
      {"GnuTar",
       "a.tar",
       [py] { return testing::BuildArchive(Format::kGnuTar, Filter::kNone, py); },
       "a.tar!pkg/settings.py",
       {"a.tar", "pkg/settings.py"}},
      {"TarGz",
       "pkg-1.0.tar.gz",
       tar_with(Filter::kGzip),
       "pkg-1.0.tar.gz!pkg/settings.py",
       {"pkg-1.0.tar.gz", "pkg/settings.py"}},
      {"TarBz2",
       "a.tar.bz2",
       tar_with(Filter::kBzip2),
       "a.tar.bz2!pkg/settings.py",
       {"a.tar.bz2", "pkg/settings.py"}},
      {"TarXz",
       "a.tar.xz",
       tar_with(Filter::kXz),
       "a.tar.xz!pkg/settings.py",
       {"a.tar.xz", "pkg/settings.py"}},
      {"TarZst",
       "a.tar.zst",
       tar_with(Filter::kZstd),
       "a.tar.zst!pkg/settings.py",
       {"a.tar.zst", "pkg/settings.py"}},
      {"TarLz4",
       "a.tar.lz4",
       tar_with(Filter::kLz4),
       "a.tar.lz4!pkg/settings.py",
       {"a.tar.lz4", "pkg/settings.py"}},
      {"NpmTgz",
       "app-1.0.0.tgz",
       [] {
         return testing::Tar({{"package/package.json", "{}"}, {"package/.env", kSettings}},
                             Filter::kGzip);
       },
       "app-1.0.0.tgz!package/.env",
       {"app-1.0.0.tgz", "package/.env"}},
      {"Crate",
       "demo-0.1.0.crate",
       [] {
         return testing::Tar({{"demo-0.1.0/src/lib.rs", kSettings}}, Filter::kGzip);
       },
       "demo-0.1.0.crate!demo-0.1.0/src/lib.rs",
       {"demo-0.1.0.crate", "demo-0.1.0/src/lib.rs"}},
      {"Gem",
       "demo-1.0.gem",
       [] {
         return testing::Gem({{"lib/demo.rb", kSettings}});
       },
       "demo-1.0.gem!data.tar.gz!lib/demo.rb",
       {"demo-1.0.gem", "data.tar.gz", "lib/demo.rb"}},
      {"SevenZip",
       "a.7z",
       [py] { return testing::BuildArchive(Format::k7z, Filter::kNone, py); },
       "a.7z!pkg/settings.py",
       {"a.7z", "pkg/settings.py"}},
      {"Rpm",
       "demo-1.0-1.x86_64.rpm",
       [] {
         return testing::Rpm({{"./etc/demo.conf", kSettings}});
       },
       "demo-1.0-1.x86_64.rpm!./etc/demo.conf",
       {"demo-1.0-1.x86_64.rpm", "./etc/demo.conf"}},
      {"Deb",
       "demo_1.0_amd64.deb",
       [] {
         return testing::Deb({{"./etc/demo.conf", kSettings}});
       },
       "demo_1.0_amd64.deb!data.tar.xz!./etc/demo.conf",
       {"demo_1.0_amd64.deb", "data.tar.xz", "./etc/demo.conf"}},
      {"Cpio",
       "a.cpio",
       [py] { return testing::BuildArchive(Format::kCpio, Filter::kNone, py); },
       "a.cpio!pkg/settings.py",
       {"a.cpio", "pkg/settings.py"}},
      {"PlainGz",
       "logs/settings.py.gz",
       [] { return testing::Compress(Filter::kGzip, kSettings); },
       "logs/settings.py.gz!settings.py",
       {"logs/settings.py.gz", "settings.py"}},
      {"PlainBz2",
       "settings.py.bz2",
       [] { return testing::Compress(Filter::kBzip2, kSettings); },
       "settings.py.bz2!settings.py",
       {"settings.py.bz2", "settings.py"}},
      {"PlainXz",
       "settings.py.xz",
       [] { return testing::Compress(Filter::kXz, kSettings); },
       "settings.py.xz!settings.py",
       {"settings.py.xz", "settings.py"}},
      {"PlainZst",
       "settings.py.zst",
       [] { return testing::Compress(Filter::kZstd, kSettings); },
       "settings.py.zst!settings.py",
       {"settings.py.zst", "settings.py"}},
      {"PlainGzWithoutSuffix",
       "blob",
       [] { return testing::Compress(Filter::kGzip, kSettings); },
       "blob!data",
       {"blob", "data"}},
  };
}

class ArchiveFormatTest : public ::testing::TestWithParam<FormatCase> {};

// An ar archive as GNU ar writes it in deterministic mode (binutils' default on Debian, so every
// static library built there): a symbol table "/" and a long-name table "//" first, then members
// whose mode field has no file-type bits ("644", where libarchive's writer puts "100644").
std::string BinutilsAr(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out = "!<arch>\n";
  auto entry = [&out](std::string_view name, std::string_view data) {
    out += fmt::format("{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", name, 0, 0, 0, 644, data.size());
    out += data;
    if (data.size() % 2) out += '\n';  // members start at even offsets
  };
  entry("/", std::string("\0\0\0\1\0\0\0\x44symbol\0", 16));
  entry("//", "a_long_object_file_name.o/\n");
  for (const auto& [name, data] : members) entry(name + "/", data);
  return out;
}

TEST(ArchiveAr, ReadsMembersOfAnArchiveByBinutilsInDeterministicMode) {
  LogCapture log;
  Expanded e = Expand(BinutilsAr({{"a.txt", "hello\n"}, {"settings.py", kSettings}}), "lib.a");
  EXPECT_EQ(e.Paths(), (std::vector<std::string>{"lib.a!a.txt", "lib.a!settings.py"})) << log.All();
  const std::string* blob = e.Blob("lib.a!settings.py");
  ASSERT_NE(blob, nullptr);
  EXPECT_EQ(*blob, kSettings);
  EXPECT_TRUE(e.skipped.empty());  // the two tables are indexes, not skipped members
  EXPECT_EQ(e.stats.incomplete, 0u);
  EXPECT_TRUE(log.warnings.empty()) << log.All();
}

TEST_P(ArchiveFormatTest, YieldsTheMemberWithItsChain) {
  const FormatCase& c = GetParam();
  LogCapture log;
  const std::string bytes = c.build();
  ASSERT_EQ(DetectContainer(bytes, c.top), ContainerKind::kArchive);
  Expanded e = Expand(bytes, c.top);
  const std::string* blob = e.Blob(c.member_path);
  ASSERT_NE(blob, nullptr) << "members: " << ::testing::PrintToString(e.Paths()) << "\n"
                           << log.All();
  EXPECT_EQ(*blob, kSettings);
  for (const auto& [p, data] : e.blobs) {
    if (p.path != c.member_path) continue;
    EXPECT_EQ(p.archive_chain, c.chain);
    EXPECT_EQ(p.rel_path, c.member_path);
    EXPECT_EQ(p.kind, Provenance::Kind::kArchiveMember);
  }
  EXPECT_EQ(e.stats.incomplete, 0u) << log.All();
  EXPECT_TRUE(log.warnings.empty()) << log.All();
}

INSTANTIATE_TEST_SUITE_P(Formats, ArchiveFormatTest, ::testing::ValuesIn(FormatCases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// ---- Nesting --------------------------------------------------------------------------------

std::string ThreeDeep() {
  const std::string jar =
      testing::Zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                    {"app.properties", "db.user=app\ndb.token=" + kSecret + "\n"}});
  const std::string tgz = testing::Tar({{"lib/app.jar", jar}}, Filter::kGzip);
  return testing::Zip({{"README", "release bundle\n"}, {"bundle/app.tar.gz", tgz}});
}

TEST(ArchiveNesting, OpensArchivesThreeDeep) {
  LogCapture log;
  Expanded e = Expand(ThreeDeep(), "release.zip");
  const std::string* blob = e.Blob("release.zip!bundle/app.tar.gz!lib/app.jar!app.properties");
  ASSERT_NE(blob, nullptr) << ::testing::PrintToString(e.Paths());
  EXPECT_NE(blob->find(kSecret), std::string::npos);
  EXPECT_EQ(e.stats.archives, 3u);
  for (const auto& [p, data] : e.blobs) {
    if (p.path.ends_with("app.properties")) {
      EXPECT_EQ(p.archive_chain, (std::vector<std::string>{"release.zip", "bundle/app.tar.gz",
                                                           "lib/app.jar", "app.properties"}));
    }
  }
  EXPECT_TRUE(log.warnings.empty()) << log.All();
}

TEST(ArchiveNesting, DepthLimitLeavesTheDeepestArchiveClosedWithAWarning) {
  LogCapture log;
  ArchiveLimits limits;
  limits.max_depth = 2;
  Expanded e = Expand(ThreeDeep(), "release.zip", limits);
  EXPECT_EQ(e.Blob("release.zip!bundle/app.tar.gz!lib/app.jar!app.properties"), nullptr);
  EXPECT_NE(e.Blob("release.zip!README"), nullptr);
  EXPECT_EQ(e.stats.archives, 2u);
  EXPECT_EQ(e.stats.incomplete, 1u);
  EXPECT_TRUE(
      log.Warned("release.zip!bundle/app.tar.gz!lib/app.jar: archive nested more than 2 "
                 "levels deep (--max-archive-depth)"))
      << log.All();
}

TEST(ArchiveNesting, MembersTooLargeToHoldAreStreamedOutOfTheirParent) {
  // An inner tar of ~3 MiB inside a tar.gz, with members limited to 1 MiB: the inner tar is read
  // straight out of the outer stream; its small members are scanned, its large one is not.
  LogCapture log;
  const std::string big = NoiseText(3u << 20);
  const std::string inner = testing::Tar({{"big.log", big}, {"conf/app.env", kSettings}});
  ASSERT_GT(inner.size(), 1u << 20);
  const std::string outer =
      testing::Tar({{"layer.tar", inner}, {"after.txt", "after\n"}}, Filter::kGzip);
  ArchiveLimits limits;
  limits.max_member_size = 1u << 20;
  Expanded e = Expand(outer, "image.tar.gz", limits);
  ASSERT_NE(e.Blob("image.tar.gz!layer.tar!conf/app.env"), nullptr)
      << ::testing::PrintToString(e.Paths());
  EXPECT_NE(e.Blob("image.tar.gz!after.txt"), nullptr)
      << "the outer archive goes on after the stream";
  EXPECT_EQ(e.Blob("image.tar.gz!layer.tar!big.log"), nullptr);
  ASSERT_EQ(e.skipped.size(), 1u);
  EXPECT_EQ(e.skipped[0].first, SkipReason::kTooLarge);
  EXPECT_EQ(e.skipped[0].second.path, "image.tar.gz!layer.tar!big.log");
  EXPECT_TRUE(log.Warned("image.tar.gz!layer.tar!big.log: 3145728 bytes is over --max-file-size"))
      << log.All();
  EXPECT_EQ(e.stats.incomplete, 0u);
}

TEST(ArchiveNesting, ANotebookInsideAnArchiveYieldsItsCells) {
  const std::string nb = R"({"cells": [
    {"cell_type": "markdown", "source": ["# Title\n"]},
    {"cell_type": "code", "source": ["import os\n", "key = \")" +
                         kSecret + R"(\"\n"], "outputs": []}
  ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})";
  Expanded e = Expand(testing::Zip({{"notebooks/explore.ipynb", nb}}), "nb.zip");
  ASSERT_EQ(e.blobs.size(), 2u);
  const auto& [p, data] = e.blobs[1];
  EXPECT_EQ(p.path, "nb.zip!notebooks/explore.ipynb");
  EXPECT_EQ(p.cell, 2u);
  EXPECT_EQ(p.cell_output, 0u);
  EXPECT_EQ(data, "import os\nkey = \"" + kSecret + "\"\n");
}

// ---- What is and is not scanned --------------------------------------------------------------

TEST(ArchiveMembers, BinaryMembersAreSkippedUnlessScanBinary) {
  const std::string zip = testing::Zip({{"lib/native.so", std::string("\x7f"
                                                                      "ELF\0\0\x01",
                                                                      7) +
                                                              kSecret},
                                        {"a.txt", "text\n"}});
  Expanded plain = Expand(zip, "x.zip");
  EXPECT_EQ(plain.Paths(), std::vector<std::string>{"x.zip!a.txt"});
  ASSERT_EQ(plain.skipped.size(), 1u);
  EXPECT_EQ(plain.skipped[0].first, SkipReason::kBinary);
  EXPECT_EQ(plain.skipped[0].second.path, "x.zip!lib/native.so");
  ArchiveLimits limits;
  limits.scan_binary = true;
  Expanded all = Expand(zip, "x.zip", limits);
  EXPECT_EQ(all.blobs.size(), 2u);
}

TEST(ArchiveMembers, UnannouncedOversizedMemberIsSkippedAsTooLarge) {
  // A raw .gz has no size in its header: the limit is found while reading.
  LogCapture log;
  ArchiveLimits limits;
  limits.max_member_size = 1000;
  Expanded e =
      Expand(testing::Compress(Filter::kGzip, std::string(5000, 'a')), "big.txt.gz", limits);
  EXPECT_TRUE(e.blobs.empty());
  ASSERT_EQ(e.skipped.size(), 1u);
  EXPECT_EQ(e.skipped[0].first, SkipReason::kTooLarge);
  EXPECT_TRUE(log.Warned("big.txt.gz!big.txt")) << log.All();
}

TEST(ArchiveMembers, NamesAreKeptAsStoredAndNothingIsWrittenToDisk) {
  // Traversal, absolute and symlink entries are strings: nothing is created anywhere, and a
  // symlink is never followed (its target, a real file here, is not read).
  const fs::path target =
      fs::temp_directory_path() / ("lg-traversal-" + std::to_string(::getpid()));
  fs::remove_all(target);
  const fs::path secret_file =
      fs::temp_directory_path() / ("lg-symlink-target-" + std::to_string(::getpid()));
  std::ofstream(secret_file) << "link target must not be read\n";
  const std::string rel_target = "../../../../../../.." + target.string() + "/pwned";
  const std::string tar = testing::Tar({
      {rel_target, "traversal " + kSecret + "\n"},
      {target.string() + "/abs", "absolute\n"},
      {"link", "", Entry::Type::kSymlink, secret_file.string()},
      {"hard", "", Entry::Type::kHardlink, "link"},
      {"dev/\x1b]0;title\x07.txt", "escape in name\n"},
  });
  const fs::path cwd = fs::current_path();
  Expanded e = Expand(tar, "evil.tar");
  EXPECT_EQ(fs::current_path(), cwd);
  EXPECT_FALSE(fs::exists(target)) << "an archive member was written to disk";
  fs::remove(secret_file);
  ASSERT_NE(e.Blob("evil.tar!" + rel_target), nullptr) << ::testing::PrintToString(e.Paths());
  EXPECT_NE(e.Blob("evil.tar!" + target.string() + "/abs"), nullptr);
  EXPECT_EQ(e.Blob("evil.tar!link"), nullptr);
  EXPECT_EQ(e.Blob("evil.tar!hard"), nullptr);
  EXPECT_NE(e.Blob("evil.tar!dev/\x1b]0;title\x07.txt"), nullptr);
  for (const auto& [p, data] : e.blobs)
    EXPECT_EQ(data.find("link target"), std::string::npos) << "a symlink was followed";
}

TEST(ArchiveMembers, NonAsciiNamesSurvive) {
  Expanded e = Expand(testing::Zip({{"docs/h\xc3\xa9llo w\xc3\xb6rld.txt", "x\n"}}), "u.zip");
  EXPECT_EQ(e.Paths(), std::vector<std::string>{"u.zip!docs/h\xc3\xa9llo w\xc3\xb6rld.txt"});
}

TEST(ArchiveMembers, EscapesHostileNamesInWarnings) {
  LogCapture log;
  ArchiveLimits limits;
  limits.max_member_size = 10;
  Expand(testing::Tar({{"a\x1b[31mred", std::string(100, 'a')}}), "t.tar", limits);
  ASSERT_EQ(log.warnings.size(), 1u) << log.All();
  EXPECT_EQ(log.warnings[0].find('\x1b'), std::string::npos);
  EXPECT_NE(log.warnings[0].find("a\\x1b[31mred"), std::string::npos) << log.All();
}

// ---- Hostile archives ------------------------------------------------------------------------

std::string TextOf(size_t n) {
  std::string s;
  s.reserve(n);
  while (s.size() < n) s += "all work and no play makes jack a dull boy\n";
  s.resize(n);
  return s;
}

TEST(ArchiveLimits, ZipBombStopsAtTheRatioLimit) {
  LogCapture log;
  const std::string bomb = testing::Zip(
      {{"a.txt", "first\n"}, {"bomb.txt", TextOf(40u << 20)}, {"z.txt", "never reached\n"}});
  ASSERT_LT(bomb.size(), 1u << 20);
  const auto t0 = std::chrono::steady_clock::now();
  Expanded e = Expand(bomb, "bomb.zip");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  EXPECT_NE(e.Blob("bomb.zip!a.txt"), nullptr);
  EXPECT_EQ(e.Blob("bomb.zip!z.txt"), nullptr);
  EXPECT_TRUE(
      log.Warned("bomb.zip: archive limit reached: it expands to more than 100 times its "
                 "size (--max-archive-ratio"))
      << log.All();
  EXPECT_EQ(e.stats.incomplete, 1u);
  // The bytes handed over are bounded by the ratio (past its 16 MiB grace), not by the bomb.
  EXPECT_LT(e.stats.bytes_out, std::max<uint64_t>(100 * bomb.size(), 16u << 20) + (64u << 10));
}

std::string NestedBomb(int levels, size_t leaf_size) {
  // 42.zip in miniature: each level holds 16 copies of the level below.
  std::string z = testing::Zip({{"0.txt", TextOf(leaf_size)}});
  for (int l = 1; l < levels; ++l) {
    std::vector<Entry> copies;
    for (int i = 0; i < 16; ++i) copies.push_back({std::to_string(i) + ".zip", z});
    z = testing::Zip(copies);
  }
  return z;
}

TEST(ArchiveLimits, NestedBombStopsAtTheTotalBytesLimit) {
  LogCapture log;
  const std::string bomb = NestedBomb(3, 1u << 20);  // 256 MiB of text in ~100 kB
  ArchiveLimits limits;
  limits.max_ratio = 1u << 30;  // only the total stops it
  limits.max_bytes = 20u << 20;
  Expanded e = Expand(bomb, "42.zip", limits);
  EXPECT_TRUE(log.Warned("archive limit reached in 42.zip!")) << log.All();
  EXPECT_TRUE(
      log.Warned("more than 20971520 bytes of uncompressed data (--max-archive-bytes); the "
                 "rest of 42.zip is not scanned"))
      << log.All();
  EXPECT_LE(e.stats.bytes_out, (20u << 20) + (1u << 20));
  EXPECT_GE(e.blobs.size(), 19u);
  EXPECT_LT(e.blobs.size(), 22u);
}

TEST(ArchiveLimits, EntryLimit) {
  LogCapture log;
  std::vector<Entry> many;
  for (int i = 0; i < 50; ++i) many.push_back({"f" + std::to_string(i), "x\n"});
  ArchiveLimits limits;
  limits.max_entries = 10;
  Expanded e = Expand(testing::Tar(many), "many.tar", limits);
  EXPECT_EQ(e.blobs.size(), 10u);
  EXPECT_TRUE(
      log.Warned("many.tar: archive limit reached: more than 10 entries "
                 "(--max-archive-entries)"))
      << log.All();
}

TEST(ArchiveLimits, TimeLimit) {
  LogCapture log;
  ArchiveLimits limits;
  limits.max_seconds = 1e-9;
  Expanded e = Expand(testing::Tar({{"a", "x\n"}}), "slow.tar", limits);
  EXPECT_TRUE(e.blobs.empty());
  EXPECT_TRUE(
      log.Warned("slow.tar: archive limit reached: still reading after 1e-09s "
                 "(--archive-timeout)"))
      << log.All();
}

TEST(ArchiveLimits, OverlappingZipEntriesAreNotExpanded) {
  // libarchive would inflate the shared kernel once per entry: 40 x 1 MiB from ~10 kB.
  LogCapture log;
  const std::string bomb = testing::OverlappingZipBomb(40, 1u << 20);
  ASSERT_LT(bomb.size(), 64u << 10);
  Expanded e = Expand(bomb, "overlap.zip");
  EXPECT_TRUE(e.blobs.empty());
  EXPECT_EQ(e.stats.bytes_out, 0u);
  EXPECT_EQ(e.stats.incomplete, 1u);
  EXPECT_TRUE(log.Warned("overlap.zip: archive limit reached: zip entries overlap")) << log.All();
  // Nested: the same check inside another archive.
  LogCapture log2;
  Expanded nested = Expand(testing::Tar({{"inner/overlap.zip", bomb}}), "outer.tar");
  EXPECT_TRUE(
      log2.Warned("outer.tar!inner/overlap.zip: archive limit reached: zip entries overlap"))
      << log2.All();
}

// Rewrites a zip's end of central directory in the zip64 form (saturated 32-bit fields, a zip64
// end record and its locator), as writers do past 65535 entries or 4 GiB.
std::string WithZip64End(const std::string& zip) {
  const size_t eocd = zip.rfind("PK\x05\x06");
  auto le = [&](size_t off, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<unsigned char>(zip[off + i])} << (8 * i);
    return v;
  };
  auto put = [](std::string* out, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  const uint64_t entries = le(eocd + 10, 2), cd_size = le(eocd + 12, 4), cd_off = le(eocd + 16, 4);
  std::string out = zip.substr(0, eocd);
  const uint64_t z64_at = out.size();
  out += "PK\x06\x06";
  put(&out, 44, 8);
  put(&out, 45, 2);
  put(&out, 45, 2);
  put(&out, 0, 4);
  put(&out, 0, 4);
  put(&out, entries, 8);
  put(&out, entries, 8);
  put(&out, cd_size, 8);
  put(&out, cd_off, 8);
  out += "PK\x06\x07";
  put(&out, 0, 4);
  put(&out, z64_at, 8);
  put(&out, 1, 4);
  out += "PK\x05\x06";
  put(&out, 0, 4);
  put(&out, 0xFFFF, 2);
  put(&out, 0xFFFF, 2);
  put(&out, 0xFFFFFFFF, 4);
  put(&out, 0xFFFFFFFF, 4);
  put(&out, 0, 2);
  return out;
}

TEST(ArchiveLimits, OverlapIsFoundThroughAZip64EndRecord) {
  LogCapture log;
  Expanded e = Expand(WithZip64End(testing::OverlappingZipBomb(30, 1u << 20)), "o64.zip");
  EXPECT_TRUE(e.blobs.empty());
  EXPECT_TRUE(log.Warned("o64.zip: archive limit reached: zip entries overlap")) << log.All();
  // The same rewrite of a sound zip is read normally.
  LogCapture log2;
  Expanded ok =
      Expand(WithZip64End(testing::Zip({{"a.txt", "x\n"}, {"b.txt", "y\n"}})), "ok64.zip");
  EXPECT_EQ(ok.blobs.size(), 2u) << log2.All();
  EXPECT_TRUE(log2.warnings.empty()) << log2.All();
}

TEST(ArchiveLimits, RegularZipsAreNotMistakenForOverlapping) {
  std::vector<Entry> files;
  for (int i = 0; i < 200; ++i)
    files.push_back({"d/f" + std::to_string(i) + ".txt", TextOf(static_cast<size_t>(i) * 37)});
  LogCapture log;
  Expanded e = Expand(testing::Zip(files), "ok.zip");
  EXPECT_EQ(e.blobs.size(), 200u);
  EXPECT_TRUE(log.warnings.empty()) << log.All();
}

TEST(ArchiveDamage, TruncatedTarGzYieldsWhatCameBeforeTheDamage) {
  LogCapture log;
  // Large enough that libarchive's read-ahead does not reach the cut before the first member.
  std::vector<Entry> files = {{"a.txt", kSettings}};
  const std::string noise = NoiseText(2u << 20);
  files.push_back({"b.txt", noise});
  files.push_back({"c.txt", "tail\n"});
  const std::string whole = testing::Tar(files, Filter::kGzip);
  const std::string cut = whole.substr(0, whole.size() / 2);
  Expanded e = Expand(cut, "cut.tar.gz");
  ASSERT_NE(e.Blob("cut.tar.gz!a.txt"), nullptr);
  EXPECT_EQ(*e.Blob("cut.tar.gz!a.txt"), kSettings);
  const std::string* b = e.Blob("cut.tar.gz!b.txt");
  ASSERT_NE(b, nullptr) << "the member cut short is scanned up to the damage";
  EXPECT_GT(b->size(), 0u);
  EXPECT_LT(b->size(), noise.size());
  EXPECT_TRUE(noise.starts_with(*b));
  EXPECT_EQ(e.Blob("cut.tar.gz!c.txt"), nullptr);
  EXPECT_TRUE(log.Warned("cut.tar.gz!b.txt: corrupt or truncated member")) << log.All();
  EXPECT_EQ(e.stats.incomplete, 1u);
}

TEST(ArchiveDamage, GarbageWithAnArchiveMagicIsAWarningNotACrash) {
  for (std::string_view magic :
       {std::string_view("PK\x03\x04", 4), std::string_view("\x1f\x8b", 2),
        std::string_view("7z\xbc\xaf\x27\x1c", 6), std::string_view("\xed\xab\xee\xdb", 4),
        std::string_view("!<arch>\n", 8), std::string_view("BZh9", 4),
        std::string_view("\x28\xb5\x2f\xfd", 4)}) {
    LogCapture log;
    std::string junk(magic);
    for (int i = 0; i < 3000; ++i) junk += static_cast<char>((i * 131 + 7) & 0xFF);
    Expanded e = Expand(junk, "junk.bin");
    EXPECT_FALSE(log.warnings.empty()) << "magic " << ::testing::PrintToString(std::string(magic));
    EXPECT_EQ(e.stats.incomplete, 1u);
  }
}

TEST(ArchiveDamage, EveryTruncationOfANestedArchiveIsSurvived) {
  // Cut the archive at many points: never a crash, never a hang, never a warning-free loss.
  const std::string whole = ThreeDeep();
  for (size_t cut = 0; cut < whole.size(); cut += std::max<size_t>(1, whole.size() / 97)) {
    LogCapture log;
    Expanded e = Expand(whole.substr(0, cut), "t.zip");
    if (cut < 4) continue;  // not even a magic number: not an archive
    EXPECT_FALSE(log.warnings.empty() && e.stats.incomplete == 0 && e.blobs.size() < 2)
        << "cut at " << cut << "\n"
        << log.All();
  }
}

TEST(ArchiveDamage, MutatedArchivesOfEveryFormatNeverCrashOrHang) {
  // A poor man's fuzzer (run it under ASan/UBSan): every format, bytes flipped, runs of bytes
  // overwritten, truncated, with tight limits so a mutation that inflates stops early.
  ArchiveLimits limits;
  limits.max_bytes = 8u << 20;
  limits.max_seconds = 5;
  limits.max_member_size = 1u << 20;
  uint32_t x = 12345;
  auto next = [&x] {
    x = x * 1103515245u + 12345u;
    return x >> 8;
  };
  LogCapture quiet;  // warnings are expected; keep them off the test output
  for (const FormatCase& c : FormatCases()) {
    const std::string original = c.build();
    for (int round = 0; round < 300; ++round) {
      std::string m = original;
      const int edits = 1 + static_cast<int>(next() % 8);
      for (int k = 0; k < edits && !m.empty(); ++k) {
        const size_t at = next() % m.size();
        switch (next() % 3) {
          case 0:
            m[at] = static_cast<char>(m[at] ^ (1u << (next() % 8)));
            break;
          case 1:
            for (size_t i = at; i < std::min(m.size(), at + 1 + next() % 16); ++i)
              m[i] = static_cast<char>(next());
            break;
          default:
            m.resize(at + 1);
        }
      }
      const auto t0 = std::chrono::steady_clock::now();
      Expanded e = Expand(m, c.top, limits);
      EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10))
          << c.name << " round " << round;
      EXPECT_LE(e.stats.bytes_out, limits.max_bytes + (1u << 20));
    }
  }
}

TEST(ArchiveEncryption, EncryptedMembersAreNotedNotScanned) {
  LogCapture log;
  testing::BuildOptions o;
  o.zip_passphrase = "hunter2";
  const std::string enc =
      testing::BuildArchive(Format::kZip, Filter::kNone, {{"secret.txt", kSettings}}, o);
  const std::string outer = testing::Zip({{"plain.txt", "plain\n"}, {"vault.zip", enc}});
  Expanded e = Expand(outer, "outer.zip");
  EXPECT_NE(e.Blob("outer.zip!plain.txt"), nullptr);
  EXPECT_EQ(e.Blob("outer.zip!vault.zip!secret.txt"), nullptr);
  ASSERT_EQ(e.skipped.size(), 1u);
  EXPECT_EQ(e.skipped[0].first, SkipReason::kEncrypted);
  EXPECT_EQ(e.stats.encrypted, 1u);
  EXPECT_TRUE(log.Noted("outer.zip!vault.zip!secret.txt: encrypted member, not scanned"))
      << log.All();
  EXPECT_TRUE(log.warnings.empty()) << log.All();
}

// ---- Streams and large files -------------------------------------------------------------------

TEST(ArchiveStreams, StdinArchiveIsStreamedAfterItsHead) {
  const std::string tgz =
      testing::Tar({{"a/settings.py", kSettings}, {"b/other.txt", TextOf(300000)}}, Filter::kGzip);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const size_t head_len = 100;
  std::thread writer([&] {
    size_t done = head_len;
    while (done < tgz.size()) {
      ssize_t n = ::write(fds[1], tgz.data() + done, std::min<size_t>(4096, tgz.size() - done));
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  Expanded e;
  Provenance prov = TopProv("-");
  prov.kind = Provenance::Kind::kStdin;
  e.stats =
      ExpandContainerFd(fds[0], std::string_view(tgz).substr(0, head_len), prov, {}, Collect(&e));
  writer.join();
  ::close(fds[0]);
  ASSERT_NE(e.Blob("-!a/settings.py"), nullptr) << ::testing::PrintToString(e.Paths());
  EXPECT_EQ(e.Blob("-!b/other.txt")->size(), 300000u);
}

TEST(ArchiveStreams, StdinRedirectedFromAFileIsReadFromWhereTheArchiveStarts) {
  // `leakguard scan - < image.tar`: stdin is a regular file, already read past the head.
  const fs::path path = fs::temp_directory_path() / ("lg-stdin-" + std::to_string(::getpid()));
  const std::string tar = testing::Tar({{"a/settings.py", kSettings}});
  std::ofstream(path, std::ios::binary) << "junk before the archive" << tar;
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  char skip[23];
  ASSERT_EQ(::read(fd, skip, sizeof skip), 23);  // a caller consumed this before us
  std::string head(600, '\0');
  ASSERT_EQ(::read(fd, head.data(), head.size()), 600);
  Expanded e;
  e.stats = ExpandContainerFd(fd, head, TopProv("-"), {}, Collect(&e));
  ::close(fd);
  fs::remove(path);
  ASSERT_NE(e.Blob("-!a/settings.py"), nullptr) << ::testing::PrintToString(e.Paths());
  EXPECT_EQ(*e.Blob("-!a/settings.py"), kSettings);
}

TEST(ArchiveStreams, Zip64IsReadAndNotMistakenForOverlapping) {
  LogCapture log;
  testing::BuildOptions o;
  o.zip64 = true;
  std::vector<Entry> files;
  for (int i = 0; i < 20; ++i) files.push_back({"f" + std::to_string(i), NoiseText(5000, i)});
  files.push_back({"conf/settings.py", kSettings});
  Expanded e = Expand(testing::BuildArchive(Format::kZip, Filter::kNone, files, o), "z64.zip");
  EXPECT_EQ(e.blobs.size(), 21u);
  EXPECT_NE(e.Blob("z64.zip!conf/settings.py"), nullptr);
  EXPECT_TRUE(log.warnings.empty()) << log.All();
}

TEST(ArchiveStreams, LargeFilesAreReadFromDiskNotLoaded) {
  const fs::path path =
      fs::temp_directory_path() / ("lg-large-" + std::to_string(::getpid()) + ".zip");
  const std::string zip = testing::Zip({{"conf/settings.py", kSettings}});
  std::ofstream(path, std::ios::binary) << zip;
  Expanded e;
  auto stats = ExpandLargeArchiveFile(path.string(), TopProv("big.zip"), {}, Collect(&e));
  ASSERT_TRUE(stats.has_value());
  EXPECT_NE(e.Blob("big.zip!conf/settings.py"), nullptr);
  std::ofstream(path, std::ios::binary) << "not an archive\n";
  EXPECT_FALSE(
      ExpandLargeArchiveFile(path.string(), TopProv("big.zip"), {}, Collect(&e)).has_value());
  fs::remove(path);
}

TEST(ArchiveStreams, LargeOverlappingZipOnDiskIsCaughtToo) {
  LogCapture log;
  const fs::path path =
      fs::temp_directory_path() / ("lg-overlap-" + std::to_string(::getpid()) + ".zip");
  std::ofstream(path, std::ios::binary) << testing::OverlappingZipBomb(20, 1u << 20);
  Expanded e;
  auto stats = ExpandLargeArchiveFile(path.string(), TopProv("o.zip"), {}, Collect(&e));
  fs::remove(path);
  ASSERT_TRUE(stats.has_value());
  EXPECT_TRUE(e.blobs.empty());
  EXPECT_TRUE(log.Warned("o.zip: archive limit reached: zip entries overlap")) << log.All();
}

// ---- Images ---------------------------------------------------------------------------------

TEST(ArchiveImages, DockerSaveTarballIsRecognisedWithItsLayers) {
  testing::Image image;
  testing::Layer base;
  base.files = {{"etc/", "", Entry::Type::kDir}, {"etc/app.env", kSettings}};
  testing::Layer cleanup;
  cleanup.deleted = {"etc/app.env"};
  image.layers = {base, cleanup};
  std::vector<std::string> digests;
  const std::string tarball = testing::ImageTarball(image, /*oci=*/false, &digests);
  Expanded e = Expand(tarball, "app.tar");
  ASSERT_EQ(e.stats.images.size(), 1u);
  const ImageLayout& layout = e.stats.images[0];
  EXPECT_EQ(layout.chain, std::vector<std::string>{"app.tar"});
  ASSERT_EQ(layout.images.size(), 1u);
  EXPECT_EQ(layout.images[0].name, "example/app:1.0");
  ASSERT_EQ(layout.layers.size(), 2u);
  EXPECT_EQ(layout.layers[0].digest, digests[0]);
  // The deleted file is still scanned: it is in the first layer.
  std::string member;
  for (const auto& [p, data] : e.blobs)
    if (data == kSettings) member = p.archive_chain[1];
  ASSERT_FALSE(member.empty()) << ::testing::PrintToString(e.Paths());
  auto loc = layout.Locate({"app.tar", member, "etc/app.env"});
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->layer, digests[0]);
  EXPECT_EQ(loc->in_final_image, std::optional<bool>(false));
}

}  // namespace
}  // namespace leakguard::input
