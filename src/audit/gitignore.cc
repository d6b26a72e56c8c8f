#include "audit/gitignore.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace leakguard::audit {
namespace {

// A .gitignore line as git compares it: without a trailing CR and unescaped trailing spaces.
std::string_view Normalized(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && line.back() == ' ' &&
         !(line.size() >= 2 && line[line.size() - 2] == '\\'))
    line.remove_suffix(1);
  return line;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == text.npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// A regular file's bytes, never through a symlink; empty when absent or not regular.
std::string ReadRegular(const std::string& path) {
  std::string out;
  if (path.empty()) return out;
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

}  // namespace

std::optional<std::string> ExactIgnoreLine(std::string_view rel_path) {
  if (rel_path.empty() || rel_path.find_first_of("\r\n") != rel_path.npos) return std::nullopt;
  std::string out = "/";
  for (char c : rel_path) {
    if (c == '\\' || c == '*' || c == '?' || c == '[') out += '\\';
    out += c;
  }
  // Trailing spaces are dropped by git unless escaped.
  size_t trailing = 0;
  while (trailing < out.size() && out[out.size() - 1 - trailing] == ' ') ++trailing;
  if (trailing > 0) {
    out.resize(out.size() - trailing);
    for (size_t i = 0; i < trailing; ++i) out += "\\ ";
  }
  return out;
}

bool LineCovers(std::string_view line, std::string_view rel_path) {
  return LineCovers(input::ParseIgnoreFile(line), rel_path);
}

bool LineCovers(const std::vector<input::IgnorePattern>& patterns, std::string_view rel_path) {
  if (patterns.empty()) return false;
  bool ignored = false;
  for (size_t slash = rel_path.find('/'); slash != rel_path.npos;
       slash = rel_path.find('/', slash + 1)) {
    ignored = false;
    if (input::MatchIgnore(patterns, rel_path.substr(0, slash), true, &ignored) && ignored)
      return true;
  }
  ignored = false;
  return input::MatchIgnore(patterns, rel_path, false, &ignored) && ignored;
}

std::string AppendIgnoreLines(std::string_view text, const std::vector<std::string>& lines,
                              std::vector<std::string>* added) {
  added->clear();
  const std::vector<std::string_view> existing = Lines(text);
  auto has = [&](std::string_view line) {
    const std::string_view want = Normalized(line);
    return std::any_of(existing.begin(), existing.end(),
                       [&](std::string_view l) { return Normalized(l) == want; });
  };
  for (const std::string& l : lines)
    if (!has(l) && std::find(added->begin(), added->end(), l) == added->end()) added->push_back(l);
  std::string out(text);
  if (added->empty()) return out;
  const size_t first_nl = text.find('\n');
  const bool crlf = first_nl != text.npos && first_nl > 0 && text[first_nl - 1] == '\r';
  const std::string_view eol = crlf ? "\r\n" : "\n";
  if (!out.empty() && out.back() != '\n') out += eol;
  if (!has(kFixComment)) {
    out += kFixComment;
    out += eol;
  }
  for (const std::string& l : *added) {
    out += l;
    out += eol;
  }
  return out;
}

IgnoreRules::IgnoreRules(std::string workdir, std::string info_exclude,
                         std::string info_exclude_shown, std::string excludes_file)
    : workdir_(std::move(workdir)) {
  info_exclude_.shown = std::move(info_exclude_shown);
  info_exclude_.text = ReadRegular(info_exclude);
  info_exclude_.patterns = input::ParseIgnoreFile(info_exclude_.text);
  excludes_file_.shown = excludes_file;
  excludes_file_.text = ReadRegular(excludes_file);
  excludes_file_.patterns = input::ParseIgnoreFile(excludes_file_.text);
}

const IgnoreRules::Source& IgnoreRules::DirSource(const std::string& dir) {
  auto it = dirs_.find(dir);
  if (it != dirs_.end()) return it->second;
  Source s;
  s.shown = dir.empty() ? ".gitignore" : dir + "/.gitignore";
  s.text = ReadRegular(workdir_ + s.shown);
  s.patterns = input::ParseIgnoreFile(s.text);
  return dirs_.emplace(dir, std::move(s)).first->second;
}

std::optional<IgnoreRuleRef> IgnoreRules::Match(const Source& s, std::string_view sub, bool is_dir,
                                                bool* ignored) const {
  const input::IgnorePattern* hit = nullptr;
  if (!input::MatchIgnore(s.patterns, sub, is_dir, ignored, &hit) || !hit) return std::nullopt;
  IgnoreRuleRef ref;
  ref.file = s.shown;
  ref.line = hit->line;
  ref.negate = hit->negate;
  const std::vector<std::string_view> lines = Lines(s.text);
  if (hit->line >= 1 && static_cast<size_t>(hit->line) <= lines.size())
    ref.text = std::string(Normalized(lines[static_cast<size_t>(hit->line) - 1]));
  return ref;
}

IgnoreRules::Verdict IgnoreRules::Decide(std::string_view rel_path, bool is_dir) {
  Verdict v;
  // The .gitignore files of the directories holding the path, deepest first.
  size_t end = rel_path.rfind('/');
  for (;;) {
    const std::string dir =
        end == rel_path.npos ? std::string() : std::string(rel_path.substr(0, end));
    const Source& s = DirSource(dir);
    const std::string_view sub = dir.empty() ? rel_path : rel_path.substr(dir.size() + 1);
    if ((v.rule = Match(s, sub, is_dir, &v.ignored))) return v;
    if (end == rel_path.npos || end == 0) break;
    end = rel_path.rfind('/', end - 1);
  }
  if ((v.rule = Match(info_exclude_, rel_path, is_dir, &v.ignored))) return v;
  if ((v.rule = Match(excludes_file_, rel_path, is_dir, &v.ignored))) return v;
  v.ignored = false;
  return v;
}

IgnoreRules::Verdict IgnoreRules::Check(std::string_view rel_path, bool is_dir) {
  // A path inside an excluded directory cannot be re-included.
  for (size_t slash = rel_path.find('/'); slash != rel_path.npos;
       slash = rel_path.find('/', slash + 1)) {
    Verdict parent = Decide(rel_path.substr(0, slash), true);
    if (parent.ignored) return parent;
  }
  return Decide(rel_path, is_dir);
}

std::vector<std::string> ListUntracked(const std::string& workdir,
                                       const std::unordered_set<std::string>& tracked,
                                       IgnoreRules* rules, std::vector<std::string>* unreadable) {
  std::vector<std::string> out;
  std::vector<std::string> pending = {""};  // directories relative to workdir ("" = the root)
  while (!pending.empty()) {
    const std::string dir = std::move(pending.back());
    pending.pop_back();
    const std::string fs_dir = workdir + dir;
    DIR* d = ::opendir(fs_dir.empty() ? "." : fs_dir.c_str());
    if (!d) {
      unreadable->push_back(dir.empty() ? "." : dir);
      continue;
    }
    while (dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name == "." || name == ".." || name == ".git") continue;
      const std::string rel = dir.empty() ? std::string(name) : dir + "/" + std::string(name);
      struct stat st;
      if (::lstat((workdir + rel).c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        if (tracked.contains(rel)) continue;  // a submodule
        struct stat git;
        if (::lstat((workdir + rel + "/.git").c_str(), &git) == 0) continue;  // a nested repo
        if (rules->Decide(rel, true).ignored) continue;
        pending.push_back(rel);
      } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
        if (tracked.contains(rel) || rules->Decide(rel, false).ignored) continue;
        out.push_back(rel);
      }
    }
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace leakguard::audit
