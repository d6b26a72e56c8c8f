#include "scan/hooks.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/log.h"

namespace leakguard::scan {
namespace {

constexpr std::string_view kMarker = "installed by `leakguard hook install`";

// 'text' for a POSIX shell: single quotes, with each ' written as '\''.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(IoError(fmt::format("{}: cannot read", PrintablePath(path))));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteExecutable(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".leakguard-tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0755);
  if (fd < 0)
    return IoError(fmt::format("{}: cannot write: {}", PrintablePath(tmp), std::strerror(errno)));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError(fmt::format("{}: cannot write: {}", PrintablePath(tmp), std::strerror(e)));
    }
    done += static_cast<size_t>(n);
  }
  ::fchmod(fd, 0755);  // whatever the umask: a hook must be executable
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return IoError(fmt::format("{}: cannot write: {}", PrintablePath(path), std::strerror(e)));
  }
  return Status::Ok();
}

}  // namespace

const char* HookName(HookKind kind) {
  return kind == HookKind::kPreCommit ? "pre-commit" : "pre-push";
}

bool IsLeakguardHook(const std::string& content) {
  return content.find(kMarker) != std::string::npos;
}

std::string HookScript(HookKind kind, const std::string& leakguard_path) {
  std::string s = "#!/bin/sh\n";
  s += fmt::format("# leakguard {} hook, {}.\n", HookName(kind), kMarker);
  if (kind == HookKind::kPreCommit)
    s += "# Stops a commit whose staged changes add a secret (only the added lines are checked).\n"
         "# A false alarm: add `leakguard:allow` on the line, or list the fingerprint in\n"
         "# .leakguardignore. Bypass once, knowingly: git commit --no-verify\n";
  else
    s += "# Stops a push whose new commits add a secret. Bypass once, knowingly: git push "
         "--no-verify\n";
  s += fmt::format("LEAKGUARD=${{LEAKGUARD:-{}}}\n",
                   ShellQuote(leakguard_path.empty() ? "leakguard" : leakguard_path));
  s += "command -v \"$LEAKGUARD\" >/dev/null 2>&1 || LEAKGUARD=leakguard\n";
  if (kind == HookKind::kPreCommit)
    s += "exec \"$LEAKGUARD\" git --staged\n";
  else
    s += "# git passes the remote's name and URL as arguments and the refs on standard input.\n"
         "exec \"$LEAKGUARD\" git --pre-push --remote \"$1\"\n";
  return s;
}

Result<std::vector<HookInstallResult>> InstallHooks(const std::string& hooks_dir,
                                                    const HookInstallOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(hooks_dir, ec);
  if (ec)
    return Err(
        IoError(fmt::format("{}: cannot create: {}", PrintablePath(hooks_dir), ec.message())));
  // Check every hook before writing any, so a refusal leaves nothing half-installed.
  std::vector<HookInstallResult> results;
  for (HookKind kind : options.hooks) {
    HookInstallResult r;
    r.path = hooks_dir + "/" + HookName(kind);
    struct stat st;
    if (::lstat(r.path.c_str(), &st) == 0) {
      auto content = S_ISREG(st.st_mode) ? ReadFile(r.path) : Result<std::string>("");
      if (content && IsLeakguardHook(*content)) {
        r.updated = true;
      } else if (!options.force) {
        return Err(InvalidArgument(fmt::format(
            "{} already exists and was not written by leakguard; not replaced. Add leakguard "
            "to it by hand, or use --force (the existing hook is kept as {}.leakguard-backup)",
            PrintablePath(r.path), HookName(kind))));
      } else {
        r.backup = r.path + ".leakguard-backup";
      }
    }
    results.push_back(std::move(r));
  }
  for (size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    if (!r.backup.empty() && ::rename(r.path.c_str(), r.backup.c_str()) != 0)
      return Err(IoError(
          fmt::format("{}: cannot move aside: {}", PrintablePath(r.path), std::strerror(errno))));
    if (Status s = WriteExecutable(r.path, HookScript(options.hooks[i], options.leakguard_path));
        !s.ok())
      return Err(s);
  }
  return results;
}

}  // namespace leakguard::scan
