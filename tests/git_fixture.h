// Test helper: real git repositories built with the git CLI in a temporary directory, with fixed
// authors and dates (each commit one day after the previous), a private HOME and no system
// config, so ids, attribution and order are the same on every machine.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace leakguard::testing {

namespace fs = std::filesystem;

// Runs a shell command; returns its stdout (trailing newline removed). Fails the test on a
// non-zero exit unless `may_fail`.
inline std::string Sh(const std::string& cmd, bool may_fail = false, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(("{ " + cmd + "\n} 2>&1").c_str(), "r");
  if (!p) {
    ADD_FAILURE() << "popen failed: " << cmd;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int rc = ::pclose(p);
  const int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
  if (status) *status = code;
  if (code != 0 && !may_fail)
    ADD_FAILURE() << "command failed (" << code << "): " << cmd << "\n" << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "leakguard-git-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A repository under construction. The environment (HOME, dates, identities) is process-wide:
// each test runs in its own process under CTest.
class GitRepoBuilder {
 public:
  explicit GitRepoBuilder(const fs::path& dir, bool init = true) : dir_(dir) {
    fs::create_directories(dir_);
    const fs::path home = dir_.parent_path() / "home";
    fs::create_directories(home);
    ::setenv("HOME", home.c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (home / ".config").c_str(), 1);
    ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    ::setenv("GIT_AUTHOR_NAME", "Ada Lovelace", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "ada@example.com", 1);
    ::setenv("GIT_COMMITTER_NAME", "Ada Lovelace", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "ada@example.com", 1);
    if (init) Git("init -q -b main .");
  }
  const fs::path& dir() const { return dir_; }

  std::string Git(const std::string& args, bool may_fail = false) {
    return Sh("cd " + Quote(dir_.string()) + " && git " + args, may_fail);
  }
  void Write(const std::string& rel, const std::string& content) {
    fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  // Stages everything and commits; returns the new commit id.
  std::string Commit(const std::string& message) {
    Tick();
    Git("add -A");
    Git("commit -q --allow-empty -m " + Quote(message));
    return Git("rev-parse HEAD");
  }
  // Advances the clock used for the next commit (also for stash, merge, tag).
  void Tick() {
    ++day_;
    const std::string date =
        "2024-01-" + std::string(day_ < 10 ? "0" : "") + std::to_string(day_) + "T10:00:00+02:00";
    ::setenv("GIT_AUTHOR_DATE", date.c_str(), 1);
    ::setenv("GIT_COMMITTER_DATE", date.c_str(), 1);
  }

 private:
  fs::path dir_;
  int day_ = 0;
};

}  // namespace leakguard::testing
