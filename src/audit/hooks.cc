// Check 4: is a secret-scanning pre-commit hook in place?
//
// The hook is the one git would run: `pre-commit` in core.hooksPath (`~` expanded; relative to
// the worktree root, as git runs hooks there) or in the repository's common hooks directory. Git
// skips a hook that is not executable, so such a hook protects nothing. A hook protects when it
// runs a known secret scanner (leakguard, gitleaks, trufflehog, detect-secrets, ggshield,
// git-secrets, talisman), itself or through the framework it delegates to: the pre-commit
// framework (its --config, default .pre-commit-config.yaml), lefthook (lefthook.yml and
// variants) or husky (the script in .husky/). Only names outside '#' comments count.
#include <fmt/core.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "audit/checks.h"

namespace leakguard::audit::internal {
namespace {

constexpr std::string_view kScanners[] = {
    "leakguard", "gitleaks", "trufflehog", "detect-secrets", "ggshield", "git-secrets", "talisman"};

std::optional<std::string> ReadSmallFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (4 << 20))
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

// The text without '#' comments (a '#' at the start of a word; the shebang line is kept out too).
std::string WithoutComments(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == text.npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    for (size_t i = 0; i < line.size(); ++i)
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line = line.substr(0, i);
        break;
      }
    out.append(line);
    out += '\n';
  }
  return out;
}

void AddUnique(std::vector<std::string>* to, const std::vector<std::string>& from) {
  for (const std::string& s : from)
    if (std::find(to->begin(), to->end(), s) == to->end()) to->push_back(s);
}

// The argument of `--config=X` / `-c X` in a pre-commit framework hook.
std::string PreCommitConfigName(std::string_view hook) {
  for (std::string_view flag : {"--config=", "--config "}) {
    size_t at = hook.find(flag);
    if (at == hook.npos) continue;
    size_t begin = at + flag.size();
    while (begin < hook.size() && (hook[begin] == '"' || hook[begin] == '\'')) ++begin;
    size_t end = begin;
    while (end < hook.size() && std::string_view(" \t\r\n\"')").find(hook[end]) == hook.npos) ++end;
    if (end > begin) return std::string(hook.substr(begin, end - begin));
  }
  return ".pre-commit-config.yaml";
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::vector<std::string> ScannersNamedIn(std::string_view text) {
  const std::string lower = Lower(WithoutComments(text));
  std::vector<std::string> out;
  for (std::string_view name : kScanners) {
    for (size_t at = lower.find(name); at != std::string::npos; at = lower.find(name, at + 1)) {
      const bool before_ok = at == 0 || !IsWordChar(lower[at - 1]);
      const size_t end = at + name.size();
      const bool after_ok = end >= lower.size() || !IsWordChar(lower[end]);
      if (before_ok && after_ok) {
        out.emplace_back(name);
        break;
      }
    }
  }
  return out;
}

HookStatus InspectPreCommitHook(const GitRepo& repo) {
  HookStatus h;
  h.checked = true;
  const RepoLocation& loc = repo.location();
  const std::string base = loc.bare ? loc.gitdir : loc.workdir;
  if (std::optional<std::string> configured = repo.ConfigString("core.hookspath");
      configured && !configured->empty()) {
    h.hooks_path_configured = true;
    std::string dir = *configured;
    if (dir == "~" || dir.starts_with("~/")) dir = repo.env().home + dir.substr(1);
    if (!dir.starts_with("/")) dir = base + dir;
    h.hooks_dir = dir;
  } else {
    std::string common = git_repository_commondir(repo.raw());
    if (!common.empty() && common.back() != '/') common += '/';
    h.hooks_dir = common + "hooks";
  }
  while (h.hooks_dir.size() > 1 && h.hooks_dir.back() == '/') h.hooks_dir.pop_back();
  h.path = h.hooks_dir + "/pre-commit";
  struct stat st;
  if (::stat(h.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return h;
  h.exists = true;
  h.executable = (st.st_mode & 0111) != 0;
  std::optional<std::string> script = ReadSmallFile(h.path);
  if (!script) return h;
  AddUnique(&h.scanners, ScannersNamedIn(*script));
  const std::string lower = Lower(*script);
  std::vector<std::string> via;
  // The pre-commit framework's generated hook.
  if (lower.find("pre-commit.com") != std::string::npos ||
      lower.find("pre_commit") != std::string::npos ||
      lower.find("hook-impl") != std::string::npos) {
    const std::string name = PreCommitConfigName(*script);
    const std::string path = name.starts_with("/") ? name : base + name;
    if (std::optional<std::string> cfg = ReadSmallFile(path)) {
      AddUnique(&h.scanners, ScannersNamedIn(*cfg));
      via.push_back(fmt::format("pre-commit ({})", name));
    }
  }
  // lefthook's generated hook.
  if (lower.find("lefthook") != std::string::npos) {
    for (const char* name : {"lefthook.yml", ".lefthook.yml", "lefthook.yaml", ".lefthook.yaml",
                             "lefthook-local.yml", ".lefthook-local.yml", "lefthook.toml",
                             ".lefthook.toml", "lefthook.json", ".lefthook.json"}) {
      if (std::optional<std::string> cfg = ReadSmallFile(base + name)) {
        AddUnique(&h.scanners, ScannersNamedIn(*cfg));
        via.push_back(fmt::format("lefthook ({})", name));
      }
    }
  }
  // husky 9: core.hooksPath=.husky/_, whose pre-commit runs .husky/pre-commit.
  if (h.hooks_dir.ends_with("/_")) {
    const std::string user_script = h.hooks_dir.substr(0, h.hooks_dir.size() - 2) + "/pre-commit";
    if (std::optional<std::string> s = ReadSmallFile(user_script)) {
      AddUnique(&h.scanners, ScannersNamedIn(*s));
      via.push_back(fmt::format("husky ({})", DisplayPath(loc, user_script)));
    }
  }
  h.via = Join(via);
  return h;
}

std::optional<Finding> HookFinding(const GitRepo& repo, const HookStatus& hook) {
  if (!hook.checked || hook.Protected()) return std::nullopt;
  const RepoLocation& loc = repo.location();
  Finding f;
  f.check = Check::kHook;
  f.severity = Severity::kLow;
  f.path = DisplayPath(loc, hook.path);
  const std::string where =
      hook.hooks_path_configured
          ? fmt::format("{} (core.hooksPath)", DisplayPath(loc, hook.hooks_dir))
          : DisplayPath(loc, hook.hooks_dir);
  f.fix = "install leakguard's pre-commit hook, so every commit is scanned before it is made";
  f.commands.push_back("leakguard hook install --pre-commit");
  if (hook.exists && !hook.executable && !hook.scanners.empty()) {
    f.kind = "pre-commit-hook-not-executable";
    f.title = "Pre-commit hook is not executable";
    f.reason = fmt::format("{} runs {} but is not executable, so git skips it", f.path,
                           Join(hook.scanners));
    f.fix = "make the hook executable";
    f.commands = {"chmod +x " + ShellQuote(hook.path)};
    return f;
  }
  if (hook.exists) {
    f.kind = "pre-commit-hook-without-scanner";
    f.title = "Pre-commit hook runs no secret scanner";
    f.reason = fmt::format(
        "the pre-commit hook {}{} runs no secret scanner (leakguard, gitleaks, trufflehog, "
        "detect-secrets, ggshield, git-secrets, talisman){}",
        f.path, hook.via.empty() ? "" : " (through " + hook.via + ")",
        hook.executable ? "" : ", and is not executable");
    return f;
  }
  f.kind = "no-pre-commit-hook";
  f.title = "No secret-scanning pre-commit hook";
  f.reason = fmt::format("no pre-commit hook in {}: nothing stops a secret at commit time", where);
  // A framework config that lists a scanner but was never installed: its own installer works too.
  if (!loc.bare) {
    if (std::optional<std::string> cfg = ReadSmallFile(loc.workdir + ".pre-commit-config.yaml")) {
      std::vector<std::string> names = ScannersNamedIn(*cfg);
      if (!names.empty()) {
        f.reason += fmt::format(
            " (.pre-commit-config.yaml lists {}, but its hook is not installed)", Join(names));
        f.commands.push_back("pre-commit install");
      }
    }
  }
  return f;
}

}  // namespace leakguard::audit::internal
