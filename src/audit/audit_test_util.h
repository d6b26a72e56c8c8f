// Test helpers for the audit module: real git repositories built with the git CLI in temporary
// directories (fixed author, committer and dates; a private HOME, no system config), and fake
// secret material generated at run time so no source file holds a literal key or token.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "match/rules_database.h"
#include "match/validate.h"
#include "rules/loader.h"

namespace leakguard::audit::testing_util {

namespace fs = std::filesystem;

// Deterministic pseudo-random characters from `alphabet`.
inline std::string RandomChars(size_t n, uint64_t seed, std::string_view alphabet) {
  std::string out;
  uint64_t x = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    out += alphabet[(x >> 33) % alphabet.size()];
  }
  return out;
}
inline std::string Base62(size_t n, uint64_t seed) {
  return RandomChars(n, seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}
inline std::string Base64(size_t n, uint64_t seed) {
  return RandomChars(n, seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}
inline std::string Hex(size_t n, uint64_t seed) { return RandomChars(n, seed, "0123456789abcdef"); }

// A PEM block of random base64: "-----BEGIN <type>-----" ... with 64-character lines.
inline std::string FakePem(std::string_view type, uint64_t seed = 1, std::string_view eol = "\n") {
  // "MII" + a length: DER's SEQUENCE header, as a real key body starts (a body that is not DER is
  // no key, and the private-key check drops it).
  std::string body = "MIIEow" + Base64(634, seed);
  std::string out = "-----BEGIN " + std::string(type) + "-----" + std::string(eol);
  for (size_t i = 0; i < body.size(); i += 64) out += body.substr(i, 64) + std::string(eol);
  out += "-----END " + std::string(type) + "-----" + std::string(eol);
  return out;
}
inline std::string RsaKey(uint64_t seed = 1) {
  return FakePem(std::string("RSA ") + "PRIVATE KEY", seed);
}
inline std::string Certificate(uint64_t seed = 2) { return FakePem("CERTIFICATE", seed); }
// 30 random base62 characters + the base62 CRC32 of them, as GitHub and npm tokens carry.
inline std::string WithCrc32(std::string body) {
  const uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  return body + match::Base62(static_cast<uint32_t>(crc), 6);
}
inline std::string GithubPat(uint64_t seed = 3) {
  return std::string("gh") + "p_" + WithCrc32(Base62(30, seed));
}
inline std::string NpmToken(uint64_t seed = 4) {
  return std::string("np") + "m_" + WithCrc32(Base62(30, seed));
}
inline std::string AwsKeyId(uint64_t seed = 5) {
  return std::string("AK") + "IA" + RandomChars(16, seed, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
}

// The built-in rules, compiled once per test binary (the compiled database is cached on disk too).
inline std::shared_ptr<const match::RulesDatabase> BuiltinDb() {
  static std::shared_ptr<const match::RulesDatabase> db = [] {
    std::vector<std::string> w;
    auto built = match::RulesDatabase::Build(rules::DefaultRules(), &w);
    if (!built) {
      ADD_FAILURE() << built.error().message();
      return std::shared_ptr<const match::RulesDatabase>();
    }
    return *built;
  }();
  return db;
}

struct Cmd {
  int code = -1;
  std::string out;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A temporary directory with a private home (`home`) and a repository (`repo`, `git init`ed).
class TempRepo {
 public:
  explicit TempRepo(bool init = true, bool bare = false) {
    std::string tmpl = (fs::temp_directory_path() / "lg-audit-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    root_ = tmpl;
    home_ = root_ + "/home";
    repo_ = root_ + "/repo";
    fs::create_directories(home_);
    fs::create_directories(repo_);
    if (init) {
      std::vector<std::string> args = {"init", "-q", "-b", "main"};
      if (bare) args.push_back("--bare");
      Git(args);
    }
  }
  ~TempRepo() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;

  const std::string& root() const { return root_; }
  const std::string& home() const { return home_; }
  const std::string& repo() const { return repo_; }
  std::string Path(std::string_view rel) const { return repo_ + "/" + std::string(rel); }

  // Writes `content` to `rel` (relative to the repository), creating directories.
  void Write(std::string_view rel, std::string_view content, std::string base = "") const {
    const std::string p = (base.empty() ? repo_ : base) + "/" + std::string(rel);
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    EXPECT_TRUE(f.good()) << p;
  }
  void WriteHome(std::string_view rel, std::string_view content) const {
    Write(rel, content, home_);
  }

  // The environment every git command (and the audit) sees: a private home, no system config.
  std::map<std::string, std::string> GitEnv() const {
    std::map<std::string, std::string> env = {
        {"HOME", home_},
        {"XDG_CONFIG_HOME", home_ + "/.config"},
        {"GIT_CONFIG_NOSYSTEM", "1"},
        {"GIT_AUTHOR_NAME", "Test Author"},
        {"GIT_AUTHOR_EMAIL", "author@example.com"},
        {"GIT_COMMITTER_NAME", "Test Committer"},
        {"GIT_COMMITTER_EMAIL", "committer@example.com"},
        {"GIT_AUTHOR_DATE", Date()},
        {"GIT_COMMITTER_DATE", Date()},
        {"LC_ALL", "C"},
        {"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"},
    };
    for (const auto& [k, v] : extra_env_) env[k] = v;
    return env;
  }
  void SetEnv(const std::string& key, const std::string& value) { extra_env_[key] = value; }

  // Runs git in the repository; a failure fails the test unless `may_fail`.
  Cmd Git(const std::vector<std::string>& args, bool may_fail = false) const {
    Cmd r;
    int out[2];
    if (::pipe(out) != 0) return r;
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      if (::chdir(repo_.c_str()) != 0) ::_exit(126);
      std::vector<std::string> env_s;
      for (const auto& [k, v] : GitEnv()) env_s.push_back(k + "=" + v);
      std::vector<char*> envp;
      for (auto& e : env_s) envp.push_back(e.data());
      envp.push_back(nullptr);
      std::vector<std::string> argv_s = {"git"};
      argv_s.insert(argv_s.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : argv_s) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvpe("git", argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (!may_fail) {
      std::string cmd = "git";
      for (const auto& a : args) cmd += " " + a;
      EXPECT_EQ(r.code, 0) << cmd << "\n" << r.out;
    }
    return r;
  }

  // `git add -f PATHS && git commit`; returns the new commit id.
  std::string Commit(const std::vector<std::string>& paths, const std::string& message) {
    std::vector<std::string> add = {"add", "-f", "--"};
    add.insert(add.end(), paths.begin(), paths.end());
    if (!paths.empty()) Git(add);
    Git({"commit", "-q", "--allow-empty", "-m", message});
    ++commits_;
    std::string id = Git({"rev-parse", "HEAD"}).out;
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
    return id;
  }
  // The date the next commit gets: one second after the previous one.
  std::string Date() const {
    return "2024-01-02T03:04:" + std::string(commits_ < 10 ? "0" : "") + std::to_string(commits_) +
           "+00:00";
  }
  std::string LastDate() const {
    return "2024-01-02T03:04:" + std::string(commits_ - 1 < 10 ? "0" : "") +
           std::to_string(commits_ - 1) + "+00:00";
  }

  Environment Env() const {
    Environment e;
    e.home = home_;
    e.xdg_config_home = home_ + "/.config";
    e.git_config_nosystem = true;
    if (auto it = extra_env_.find("GIT_CONFIG_GLOBAL"); it != extra_env_.end())
      e.git_config_global = it->second;
    return e;
  }

  // Options for an in-process audit of this repository with the built-in rules.
  Options MakeOptions(std::set<Check> skip = {}) const {
    Options o;
    o.path = repo_;
    o.env = Env();
    o.db = BuiltinDb();
    o.skip = std::move(skip);
    return o;
  }

 private:
  std::string root_, home_, repo_;
  int commits_ = 0;
  std::map<std::string, std::string> extra_env_;
};

}  // namespace leakguard::audit::testing_util
