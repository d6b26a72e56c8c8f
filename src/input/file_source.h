// FileSource: files and directory trees named on the command line.
//
// Everything is scanned by default, as an auditor wants. Options narrow it: --respect-gitignore
// (.gitignore, .ignore and .git/info/exclude; the .git directory itself is skipped too),
// --exclude/--include globs (a glob without '/' matches a name at any depth, one with '/' the
// path from the root; `**` spans directories). Symlinks are not followed unless asked; when they
// are, directories already visited (by device and inode) are not entered again, so a symlink loop
// cannot hang the walk. Paths named explicitly are followed even if they are symlinks.
// Order: each directory's entries sorted by name, depth first — deterministic across runs.
#pragma once

#include <string>
#include <vector>

#include "input/source.h"

namespace leakguard::input {

struct FileSourceOptions {
  bool follow_symlinks = false;
  bool respect_gitignore = false;
  std::vector<std::string> include;  // empty = everything
  std::vector<std::string> exclude;
};

class FileSource : public Source {
 public:
  FileSource(std::vector<std::string> roots, FileSourceOptions options)
      : roots_(std::move(roots)), options_(std::move(options)) {}

  Status Enumerate(const std::function<void(Item&&)>& emit,
                   const std::function<void(SkipReason, const std::string&, const std::string&)>&
                       skipped) override;

  // Whether `rel` (relative path, '/' separators) passes --include/--exclude.
  static bool PathSelected(const FileSourceOptions& o, std::string_view rel, bool is_dir);

 private:
  std::vector<std::string> roots_;
  FileSourceOptions options_;
};

// Joins a display root and a relative path ("." + "a/b" -> "a/b", "src/" + "x" -> "src/x").
std::string JoinDisplay(std::string_view root, std::string_view rel);

}  // namespace leakguard::input
