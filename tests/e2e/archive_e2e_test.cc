// End-to-end tests of `leakguard scan` on packages, archives, container images and notebooks:
// the real binary (LEAKGUARD_BIN) on archives built by tests/support/archive_builder.h, checking
// exit codes, reports in every format, warnings, and that hostile archives neither crash nor hang
// the run. The planted secrets are assembled at run time so this file holds no literal token.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/archive_builder.h"
#include "support/leakguard_process.h"

namespace {

namespace fs = std::filesystem;
using leakguard::testing::Entry;
using leakguard::testing::Filter;
using leakguard::testing::Format;
using nlohmann::json;

// A GitHub classic PAT ("ghp_" + 36 base62) and an AWS access key id, from pieces.
std::string GithubPat() {
  return std::string("gh") + "p_" + "aB3dE5fG7hJ9kL1mN2" + "pQ4rS6tU8vW00snvpY";
}
std::string AwsKeyId() { return std::string("AK") + "IA" + "QZ7XW3LK" + "P4RTY2NV"; }

// settings.py with the PAT at line 3, column 10.
std::string Settings() { return "import os\n\nTOKEN = \"" + GithubPat() + "\"\n"; }

using namespace leakguard::test_support;  // NOLINT: the e2e runner

class ArchiveE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lg-archive-e2e-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& rel, std::string_view data) {
    const fs::path p = fs::path(dir_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary)
        .write(data.data(), static_cast<std::streamsize>(data.size()));
    return p.string();
  }
  // Runs `scan ARGS --format=json` in the temp dir; checks the run ended and parsed.
  json ScanJson(std::vector<std::string> args, RunResult* out = nullptr,
                const std::optional<std::string>& stdin_data = {}) {
    args.insert(args.begin(), "scan");
    args.push_back("--format=json");
    RunOptions opt;
    opt.stdin_data = stdin_data;
    opt.timeout_seconds = 120;
    RunResult r = RunLeakguard(args, opt);
    if (out) *out = r;
    EXPECT_FALSE(r.timed_out) << Describe(args, r);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << Describe(args, r);
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << Describe(args, r);
    return j.is_discarded() ? json::object() : j;
  }
  std::string dir_;
};

// ---- Check a package before you publish it -----------------------------------------------------

TEST_F(ArchiveE2e, DistDirectoryOfAWheelAndAnSdist) {
  const std::vector<Entry> files = {{"pkg/__init__.py", ""}, {"pkg/settings.py", Settings()}};
  Write("dist/pkg-1.0-py3-none-any.whl", leakguard::testing::Zip(files));
  Write("dist/pkg-1.0.tar.gz", leakguard::testing::Tar(files, Filter::kGzip));
  RunResult r;
  json j = ScanJson({dir_ + "/dist", "-j1"}, &r);  // one thread: the dedup count is exact
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(j["findings"].size(), 2u) << r.out;
  const json& f = j["findings"][0];
  EXPECT_EQ(f["rule_id"], "github-pat");
  EXPECT_EQ(f["file"], dir_ + "/dist/pkg-1.0-py3-none-any.whl!pkg/settings.py");
  EXPECT_EQ(f["archive_chain"],
            json::array({dir_ + "/dist/pkg-1.0-py3-none-any.whl", "pkg/settings.py"}));
  EXPECT_EQ(f["line"], 3);
  EXPECT_EQ(f["column"], 10);
  EXPECT_EQ(f["secret"], "ghp_****");
  EXPECT_EQ(j["findings"][1]["file"], dir_ + "/dist/pkg-1.0.tar.gz!pkg/settings.py");
  EXPECT_EQ(j["summary"]["files_scanned"], 2);
  EXPECT_EQ(j["summary"]["archives"]["opened"], 2);
  EXPECT_EQ(j["summary"]["archives"]["members"], 4);
  EXPECT_EQ(j["summary"]["archives"]["duplicate_members"], 2);
  EXPECT_EQ(r.err.find(GithubPat().substr(4)), std::string::npos) << "a secret on stderr";
}

TEST_F(ArchiveE2e, NpmPackTarballTextReport) {
  Write("app-1.0.0.tgz",
        leakguard::testing::Tar(
            {{"package/package.json", "{\"name\": \"app\"}\n"},
             {"package/.npmrc", "//registry/:_authToken=x\n"},
             {"package/config/aws.js", "module.exports = {key: '" + AwsKeyId() + "'};\n"}},
            Filter::kGzip));
  const std::vector<std::string> args = {"scan", dir_ + "/app-1.0.0.tgz", "--color=never"};
  RunResult r = RunLeakguard(args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_NE(
      r.out.find("File:        " + dir_ + "/app-1.0.0.tgz!package/config/aws.js\nLine:        1\n"),
      std::string::npos)
      << Describe(args, r);
  EXPECT_NE(r.out.find("1 archive opened, 3 members scanned"), std::string::npos) << r.out;
}

TEST_F(ArchiveE2e, DockerSaveOnStandardInputNamesImageLayerAndDeletion) {
  leakguard::testing::Image image;
  leakguard::testing::Layer l1, l2;
  l1.files = {{"app/", "", Entry::Type::kDir}, {"app/.env", "GITHUB_TOKEN=" + GithubPat() + "\n"}};
  l2.deleted = {"app/.env"};
  image.layers = {l1, l2};
  image.tag = "example/web:2.1";
  std::vector<std::string> digests;
  const std::string tarball = leakguard::testing::ImageTarball(image, /*oci=*/true, &digests);
  RunResult r;
  json j = ScanJson({"-"}, &r, tarball);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out << r.err;
  const json& f = j["findings"][0];
  EXPECT_EQ(f["file"], "-!blobs/sha256/" + digests[0].substr(7) + "!app/.env");
  EXPECT_EQ(f["image"], "docker.io/example/web:2.1");
  EXPECT_EQ(f["layer"], digests[0]);
  EXPECT_EQ(f["layer_path"], "app/.env");
  EXPECT_EQ(f["in_final_image"], false);
  EXPECT_EQ(f["line"], 1);
  // The same in SARIF: the archive is the artifact, the member line is in the message/properties.
  const std::vector<std::string> sarif_args = {"scan", "-", "-f", "sarif"};
  RunResult s = RunLeakguard(sarif_args, WithStdin(tarball));
  json sj = json::parse(s.out, nullptr, false);
  ASSERT_FALSE(sj.is_discarded()) << Describe(sarif_args, s);
  const json& result = sj["runs"][0]["results"][0];
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "-");
  EXPECT_FALSE(result["locations"][0]["physicalLocation"].contains("region"));
  EXPECT_NE(
      result["message"]["text"].get<std::string>().find("!app/.env, line 1, image layer sha256:"),
      std::string::npos)
      << result["message"]["text"];
  EXPECT_EQ(result["properties"]["in_final_image"], false);
}

TEST_F(ArchiveE2e, NotebookCellAndLineInEveryFormat) {
  const std::string nb = R"({"cells": [{"cell_type": "markdown", "source": ["# Notes\n"]},
    {"cell_type": "code", "source": ["import boto3\n", "key = ')" +
                         AwsKeyId() + R"('\n"], "outputs": []}], "metadata": {}, "nbformat": 4})";
  Write("analysis.ipynb", nb);
  RunResult r;
  json j = ScanJson({dir_ + "/analysis.ipynb"}, &r);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  EXPECT_EQ(j["findings"][0]["cell"], 2);
  EXPECT_EQ(j["findings"][0]["cell_output"], 0);
  EXPECT_EQ(j["findings"][0]["line"], 2);
  EXPECT_FALSE(j["findings"][0].contains("archive_chain"));
  const std::vector<std::string> csv_args = {"scan", dir_ + "/analysis.ipynb", "-f", "csv"};
  RunResult c = RunLeakguard(csv_args);
  EXPECT_NE(c.out.find(",cell,cell_output,image,layer,layer_path,in_final_image"),
            std::string::npos);
  EXPECT_NE(c.out.find(",2,0,,,,,high,"), std::string::npos) << Describe(csv_args, c);
  const std::vector<std::string> text_args = {"scan", dir_ + "/analysis.ipynb", "--color=never"};
  RunResult t = RunLeakguard(text_args);
  EXPECT_NE(t.out.find("Cell:        2\nLine:        2\n"), std::string::npos)
      << Describe(text_args, t);
}

// ---- Archives made by the real tools (testdata/archives/make-fixtures.sh) ----

TEST(ArchiveFixtures, FixturesMadeByRealToolsGiveExactFindings) {
  // Info-ZIP (streamed, data descriptors; encrypted), Python's zipfile, GNU tar + gzip, the zstd
  // and lz4 tools, dpkg-deb, binutils' ar (a static library): archives libarchive's writer did
  // not make.
  const std::string dir = std::string(LEAKGUARD_SOURCE_DIR) + "/testdata/archives";
  const std::vector<std::string> args = {"scan", dir, "-f", "json", "--no-ignore-files"};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 1) << Describe(args, r);
  json j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << Describe(args, r);
  std::vector<std::string> got;
  for (const auto& f : j["findings"])
    got.push_back(f["rule_id"].get<std::string>() + " " +
                  f["file"].get<std::string>().substr(dir.size() + 1) + ":" +
                  std::to_string(f["line"].get<int>()) + ":" +
                  std::to_string(f["column"].get<int>()));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "aws-access-key-id app-1.0.0.tgz!package/config/aws.js:3:17",
                     "github-pat demo_1.0_all.deb!data.tar.xz!./etc/demo/demo.conf:3:9",
                     "github-pat libdemo.a!demo.ini:2:9",
                     "github-pat pkg-1.0-py3-none-any.whl!pkg/settings.py:3:10",
                     "github-pat pkg.tar.lz4!pkg/settings.py:3:10",
                     "github-pat settings.py.zst!settings.py:3:10",
                     "github-pat streamed.zip!pkg/settings.py:3:10",
                 }))
      << Describe(args, r);
  EXPECT_EQ(j["summary"]["archives"]["encrypted"], 1);
  EXPECT_EQ(j["summary"]["archives"]["incomplete"], 0);
  EXPECT_NE(r.err.find("encrypted.zip!pkg/settings.py: encrypted member, not scanned"),
            std::string::npos)
      << r.err;
}

TEST(ArchiveFixtures, ThisRepositorysAllowlistCoversTheFixturesMembers) {
  // .leakguard.toml allowlists ^testdata/: the archives' path, hence every member inside them.
  // Run on the repository root, as CI's dogfood scan does.
  const std::string root = LEAKGUARD_SOURCE_DIR;
  const std::vector<std::string> args = {
      "scan", root,  "--respect-gitignore", "--include", "testdata/archives/**", "--explain",
      "-f",   "json"};
  RunResult r = RunLeakguard(args);
  ASSERT_EQ(r.exit_code, 0) << Describe(args, r);
  json j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << Describe(args, r);
  EXPECT_EQ(j["summary"]["findings"], 0);
  ASSERT_GE(j["findings"].size(), 6u) << "the fixtures' secrets are found, then allowlisted";
  for (const auto& f : j["findings"]) EXPECT_EQ(f["dropped_by"], "global-allowlist") << f.dump();
}

// ---- Flags
// ---------------------------------------------------------------------------------------

TEST_F(ArchiveE2e, ArchivesOffSkipsArchivesAsBinary) {
  Write("x.zip", leakguard::testing::Zip({{"a.py", Settings()}}));
  RunResult r;
  json j = ScanJson({dir_, "--archives=off"}, &r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(j["findings"].size(), 0u);
  EXPECT_EQ(j["summary"]["skipped"]["binary"], 1);
  EXPECT_FALSE(j["summary"].contains("archives"));
}

TEST_F(ArchiveE2e, DepthLimitFlag) {
  const std::string inner = leakguard::testing::Zip({{"a.py", Settings()}});
  Write("outer.zip", leakguard::testing::Zip({{"lib/inner.jar", inner}}));
  RunResult r;
  json j = ScanJson({dir_, "--max-archive-depth", "1"}, &r);
  EXPECT_EQ(j["findings"].size(), 0u);
  EXPECT_NE(r.err.find("outer.zip!lib/inner.jar: archive nested more than 1 levels deep "
                       "(--max-archive-depth)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(j["summary"]["archives"]["incomplete"], 1);
  json deeper = ScanJson({dir_, "--max-archive-depth=2"});
  EXPECT_EQ(deeper["findings"].size(), 1u);
}

TEST_F(ArchiveE2e, BadFlagValuesAreUsageErrors) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"scan", dir_, "--archives=maybe"},
                                             {"scan", dir_, "--max-archive-depth", "0"},
                                             {"scan", dir_, "--max-archive-bytes", "lots"},
                                             {"scan", dir_, "--max-archive-ratio", "0"},
                                             {"scan", dir_, "--max-archive-entries", "0"},
                                             {"scan", dir_, "--archive-timeout", "-1"}}) {
    RunResult r = RunLeakguard(args);
    EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
    EXPECT_NE(r.err.find("error:"), std::string::npos) << Describe(args, r);
  }
  RunResult help = RunLeakguard({"scan", "--help"});
  for (const char* flag : {"--archives", "--max-archive-depth", "--max-archive-bytes",
                           "--max-archive-ratio", "--max-archive-entries", "--archive-timeout"})
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
}

// ---- Hostile archives: a warning each, and the rest of the scan goes on
// ---------------------------

TEST_F(ArchiveE2e, BombsCorruptionAndEncryptionDoNotStopTheScan) {
  // Under --max-file-size (a larger member would be skipped unread, with no bomb to defuse).
  std::string text;
  while (text.size() < (45u << 20)) text += "lorem ipsum dolor sit amet\n";
  Write("bomb.zip", leakguard::testing::Zip({{"bomb.txt", text}}));
  Write("overlap.zip", leakguard::testing::OverlappingZipBomb(100, 1u << 20));
  const std::string good = leakguard::testing::Tar(
      {{"a.txt", "fine\n"}, {"b.txt", std::string(300000, 'b')}}, Filter::kGzip);
  Write("corrupt.tar.gz", good.substr(0, good.size() - 40));
  leakguard::testing::BuildOptions enc;
  enc.zip_passphrase = "pw";
  Write("vault.zip",
        leakguard::testing::BuildArchive(Format::kZip, Filter::kNone, {{"s.py", Settings()}}, enc));
  Write("traversal.tar",
        leakguard::testing::Tar({{"../../../../../../tmp/lg-e2e-pwned", Settings()}}));
  Write("src/app.py", Settings());
  RunResult r;
  const auto t0 = std::chrono::steady_clock::now();
  json j = ScanJson({dir_}, &r);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 1);
  std::vector<std::string> files;
  for (const auto& f : j["findings"]) files.push_back(f["file"]);
  EXPECT_EQ(files,
            (std::vector<std::string>{dir_ + "/src/app.py",
                                      dir_ + "/traversal.tar!../../../../../../tmp/lg-e2e-pwned"}));
  EXPECT_FALSE(fs::exists("/tmp/lg-e2e-pwned"));
  EXPECT_NE(
      r.err.find("bomb.zip: archive limit reached: it expands to more than 100 times its size "
                 "(--max-archive-ratio"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("overlap.zip: archive limit reached: zip entries overlap"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("corrupt.tar.gz"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("vault.zip!s.py: encrypted member, not scanned"), std::string::npos)
      << r.err;
  EXPECT_EQ(j["summary"]["archives"]["encrypted"], 1);
  EXPECT_EQ(j["summary"]["archives"]["incomplete"], 3);
  EXPECT_EQ(r.err.find(GithubPat().substr(4)), std::string::npos) << "a secret on stderr";
}

TEST_F(ArchiveE2e, TotalBytesLimitFlag) {
  std::vector<Entry> files;
  for (int i = 0; i < 20; ++i)
    files.push_back({"f" + std::to_string(i) + ".txt", std::string(100000, 'a' + (i % 26))});
  files.push_back({"last.py", Settings()});
  Write("many.tar", leakguard::testing::Tar(files));
  RunResult r;
  json j = ScanJson({dir_, "--max-archive-bytes", "1M"}, &r);
  EXPECT_EQ(j["findings"].size(), 0u);
  EXPECT_NE(r.err.find("many.tar: archive limit reached: more than 1048576 bytes of uncompressed "
                       "data (--max-archive-bytes)"),
            std::string::npos)
      << r.err;
  json all = ScanJson({dir_, "--max-archive-bytes=1G"});
  EXPECT_EQ(all["findings"].size(), 1u);
}

TEST_F(ArchiveE2e, StalledStdinArchiveHitsTheTimeout) {
  // A tar header on stdin and then nothing more, with the writer never closing: the timeout
  // stops the read. (The test's writer keeps the pipe open by writing slowly in a child.)
  const std::string tar = leakguard::testing::Tar({{"a.txt", std::string(100000, 'a')}});
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t writer = ::fork();
  if (writer == 0) {
    ::close(fds[0]);
    (void)!::write(fds[1], tar.data(), 4096);
    ::sleep(30);
    ::_exit(0);
  }
  ::close(fds[1]);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[0], 0);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl(LEAKGUARD_BIN, LEAKGUARD_BIN, "scan", "-", "--archive-timeout", "1", "-q",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  const auto t0 = std::chrono::steady_clock::now();
  int status = 0;
  ::waitpid(pid, &status, 0);
  const auto took = std::chrono::steady_clock::now() - t0;
  ::kill(writer, SIGKILL);
  ::waitpid(writer, nullptr, 0);
  EXPECT_TRUE(WIFEXITED(status)) << "killed by a signal";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_LT(took, std::chrono::seconds(15));
}

}  // namespace
