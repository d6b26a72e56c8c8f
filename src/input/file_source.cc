#include "input/file_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "base/glob.h"
#include "base/log.h"
#include "input/ignore.h"

namespace leakguard::input {
namespace {

bool GlobAny(const std::vector<std::string>& globs, std::string_view rel) {
  std::string_view base = rel;
  if (size_t s = rel.rfind('/'); s != rel.npos) base = rel.substr(s + 1);
  for (const auto& g : globs) {
    std::string_view gv = g;
    if (gv.starts_with("./")) gv.remove_prefix(2);
    bool anchored = gv.find('/') != gv.npos && !(gv.find('/') == gv.size() - 1);
    if (gv.ends_with("/")) gv.remove_suffix(1);
    if (anchored ? GlobMatch(gv, rel) : GlobMatch(gv, base)) return true;
  }
  return false;
}

std::string ReadSmallFile(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (4 << 20)) {
    out.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < out.size()) {
      ssize_t n = ::read(fd, out.data() + got, out.size() - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    out.resize(got);
  }
  ::close(fd);
  return out;
}

struct Walker {
  const FileSourceOptions& o;
  const std::function<void(Item&&)>& emit;
  const std::function<void(SkipReason, const std::string&, const std::string&)>& skipped;
  std::string display_root;
  std::set<std::pair<dev_t, ino_t>> visited;
  IgnoreStack ignores;

  std::string Display(std::string_view rel) const { return JoinDisplay(display_root, rel); }

  void LoadIgnores(const std::string& fs_dir, const std::string& rel_dir, bool is_root) {
    std::vector<IgnorePattern> all;
    if (is_root) {
      auto ex = ParseIgnoreFile(ReadSmallFile(fs_dir + "/.git/info/exclude"));
      all.insert(all.end(), ex.begin(), ex.end());
    }
    for (const char* name : {"/.gitignore", "/.ignore"}) {
      auto p = ParseIgnoreFile(ReadSmallFile(fs_dir + name));
      all.insert(all.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
    }
    ignores.Push(rel_dir, std::move(all));
  }

  void EmitFile(const std::string& fs_path, const std::string& rel) {
    if (!FileSource::PathSelected(o, rel, false)) return;
    if (o.respect_gitignore && ignores.Ignored(rel, false)) return;
    Item item;
    item.prov.kind = Provenance::Kind::kFile;
    item.prov.path = Display(rel);
    item.prov.rel_path = rel;
    item.fs_path = fs_path;
    emit(std::move(item));
  }

  void Walk(const std::string& fs_dir, const std::string& rel_dir, bool is_root) {
    DIR* d = ::opendir(fs_dir.c_str());
    if (!d) {
      std::string shown = PrintablePath(rel_dir.empty() ? display_root : Display(rel_dir));
      skipped(SkipReason::kUnreadable, shown,
              fmt::format("{}: cannot read directory: {}", shown, std::strerror(errno)));
      return;
    }
    std::vector<std::pair<std::string, unsigned char>> entries;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      entries.emplace_back(std::string(name), e->d_type);
    }
    ::closedir(d);
    std::sort(entries.begin(), entries.end());
    if (o.respect_gitignore) LoadIgnores(fs_dir, rel_dir, is_root);
    for (auto& [name, type] : entries) {
      std::string fs_path = fs_dir + "/" + name;
      std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
      if (type == DT_UNKNOWN) {
        struct stat st;
        if (::lstat(fs_path.c_str(), &st) != 0) continue;  // vanished
        type = S_ISDIR(st.st_mode)   ? DT_DIR
               : S_ISREG(st.st_mode) ? DT_REG
               : S_ISLNK(st.st_mode) ? DT_LNK
                                     : DT_FIFO;
      }
      bool is_dir = type == DT_DIR;
      if (type == DT_LNK) {
        if (!o.follow_symlinks) {
          // Like FIFOs below: an excluded or ignored link is not a skipped input.
          if (FileSource::PathSelected(o, rel, false) &&
              !(o.respect_gitignore && ignores.Ignored(rel, false)))
            skipped(SkipReason::kNotRegular, PrintablePath(Display(rel)), "");
          continue;
        }
        struct stat st;
        if (::stat(fs_path.c_str(), &st) != 0) {
          std::string shown = PrintablePath(Display(rel));
          skipped(SkipReason::kUnreadable, shown,
                  fmt::format("{}: broken symlink: {}", shown, std::strerror(errno)));
          continue;
        }
        if (S_ISDIR(st.st_mode))
          is_dir = true;
        else if (S_ISREG(st.st_mode))
          type = DT_REG;
        else
          type = DT_FIFO;
      }
      if (is_dir) {
        if (o.respect_gitignore && name == ".git") continue;
        if (!o.exclude.empty() && GlobAny(o.exclude, rel)) continue;
        if (o.respect_gitignore && ignores.Ignored(rel, true)) continue;
        struct stat st;
        if (::stat(fs_path.c_str(), &st) != 0) continue;
        if (!visited.insert({st.st_dev, st.st_ino}).second) {
          Note("{}: directory already visited (symlink loop?), not entered again",
               PrintablePath(Display(rel)));
          continue;
        }
        Walk(fs_path, rel, false);
        continue;
      }
      if (type == DT_REG) {
        EmitFile(fs_path, rel);
        continue;
      }
      // FIFOs, sockets, character and block devices: never opened.
      if (!FileSource::PathSelected(o, rel, false)) continue;
      if (o.respect_gitignore && ignores.Ignored(rel, false)) continue;
      std::string shown = PrintablePath(Display(rel));
      skipped(SkipReason::kNotRegular, shown,
              fmt::format("{}: not a regular file (FIFO, socket or device), skipped", shown));
    }
    if (o.respect_gitignore) ignores.Pop();
  }
};

}  // namespace

std::string JoinDisplay(std::string_view root, std::string_view rel) {
  if (rel.empty()) return std::string(root);
  if (root.empty() || root == ".") return std::string(rel);
  std::string out(root);
  if (out.starts_with("./") && out.size() > 2) out.erase(0, 2);
  if (!out.ends_with('/')) out += '/';
  out += rel;
  return out;
}

bool FileSource::PathSelected(const FileSourceOptions& o, std::string_view rel, bool is_dir) {
  if (!o.exclude.empty()) {
    if (GlobAny(o.exclude, rel)) return false;
    // A file under an excluded directory pattern ("vendor", "build/").
    for (size_t s = rel.find('/'); s != rel.npos; s = rel.find('/', s + 1))
      if (GlobAny(o.exclude, rel.substr(0, s))) return false;
  }
  if (!is_dir && !o.include.empty() && !GlobAny(o.include, rel)) return false;
  return true;
}

Status FileSource::Enumerate(
    const std::function<void(Item&&)>& emit,
    const std::function<void(SkipReason, const std::string&, const std::string&)>& skipped) {
  for (const std::string& root : roots_) {
    struct stat st;
    if (::stat(root.c_str(), &st) != 0) {
      std::string shown = PrintablePath(root);
      skipped(SkipReason::kUnreadable, shown, fmt::format("{}: {}", shown, std::strerror(errno)));
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      Walker w{options_, emit, skipped, root, {}, {}};
      w.visited.insert({st.st_dev, st.st_ino});
      std::string fs_root = root;
      while (fs_root.size() > 1 && fs_root.back() == '/') fs_root.pop_back();
      w.display_root = fs_root;
      w.Walk(fs_root, "", true);
      continue;
    }
    std::string rel = root;
    while (rel.starts_with("./")) rel.erase(0, 2);
    if (S_ISREG(st.st_mode)) {
      Item item;
      item.prov.kind = Provenance::Kind::kFile;
      item.prov.path = root;
      item.prov.rel_path = rel;
      item.fs_path = root;
      emit(std::move(item));
    } else {
      std::string shown = PrintablePath(root);
      skipped(SkipReason::kNotRegular, shown,
              fmt::format("{}: not a regular file (FIFO, socket or device), skipped", shown));
    }
  }
  return Status::Ok();
}

}  // namespace leakguard::input
