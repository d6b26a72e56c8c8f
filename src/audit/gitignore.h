// Ignore rules as git applies them, and .gitignore lines for the audit.
//
// `IgnoreRules` decides whether a path is ignored with git's precedence: the .gitignore of the
// deepest directory that has a matching line decides (within a file the last matching line), then
// $GIT_DIR/info/exclude, then core.excludesFile; a path inside an ignored directory is ignored
// whatever a deeper negation says. Patterns are matched by input/ignore.h. leakguard does not ask
// libgit2 here: libgit2 1.5 drops a negation that no earlier line of the same file matches, so a
// nested `!keep.pem` under a root `*.pem` is wrongly reported ignored — exactly the case an audit
// must get right. Symlinked .gitignore files are not read (git does not read them either).
//
// `ListUntracked` walks the working tree as `git ls-files --others --exclude-standard` does.
// The other functions are pure: the line that covers exactly one path, whether a line covers a
// path, appending lines to a .gitignore's text without disturbing it.
// Thread-safety: IgnoreRules caches the files it reads; use one per thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "input/ignore.h"

namespace leakguard::audit {

// The comment line --fix writes above the lines it appends (once per file).
inline constexpr std::string_view kFixComment =
    "# Secret material that must never be committed (added by leakguard audit --fix)";

// The anchored line for exactly `rel_path` ("/dir/name", so a leading '#' or '!' is harmless),
// with glob characters (`\ * ? [`) and trailing spaces escaped. nullopt when the path holds a CR or
// LF: no .gitignore line can name it.
std::optional<std::string> ExactIgnoreLine(std::string_view rel_path);

// Whether `line`, written in the root .gitignore, ignores the file `rel_path` (itself or one of
// its directories).
bool LineCovers(std::string_view line, std::string_view rel_path);
// The same with the line already parsed (input::ParseIgnoreFile), for many paths.
bool LineCovers(const std::vector<input::IgnorePattern>& line, std::string_view rel_path);

// `text` (a .gitignore's bytes) with the `lines` it does not have yet appended (a line is present
// when one of the file's lines equals it but for a trailing CR and unescaped trailing spaces).
// The file's line ending is kept (CRLF when its first line ends in CRLF), a missing final newline
// is added before the new lines, and kFixComment precedes them unless the file already has it.
// `added` receives the lines appended; when it is empty the result equals `text`.
std::string AppendIgnoreLines(std::string_view text, const std::vector<std::string>& lines,
                              std::vector<std::string>* added);

struct IgnoreRuleRef {
  std::string file;  // ".gitignore", "sub/.gitignore", ".git/info/exclude" or the excludes file
  int line = 0;
  std::string text;  // the line as written
  bool negate = false;
};

class IgnoreRules {
 public:
  // `workdir` ends with '/'. `info_exclude` and `excludes_file` may be empty or missing; they are
  // shown in IgnoreRuleRef as `info_exclude_shown` / `excludes_file`.
  IgnoreRules(std::string workdir, std::string info_exclude, std::string info_exclude_shown,
              std::string excludes_file);

  struct Verdict {
    bool ignored = false;
    std::optional<IgnoreRuleRef> rule;  // the line that decided, if any
  };
  // The verdict for `rel_path` (a file, or a directory when `is_dir`), parent directories included.
  Verdict Check(std::string_view rel_path, bool is_dir);
  // The verdict from the lines alone, assuming no parent directory is ignored (for a walker that
  // does not enter ignored directories).
  Verdict Decide(std::string_view rel_path, bool is_dir);

 private:
  struct Source {
    std::string shown;
    std::string text;
    std::vector<input::IgnorePattern> patterns;
  };
  const Source& DirSource(const std::string& dir);
  std::optional<IgnoreRuleRef> Match(const Source& s, std::string_view sub, bool is_dir,
                                     bool* ignored) const;

  std::string workdir_;
  Source info_exclude_, excludes_file_;
  std::map<std::string, Source> dirs_;
};

// Files of the working tree that are neither tracked (`tracked` holds every index path, gitlinks
// included) nor ignored, sorted. `.git` entries, nested repositories and ignored directories are
// not entered; symlinks are listed, not followed. Directories that cannot be read are named in
// `unreadable`.
std::vector<std::string> ListUntracked(const std::string& workdir,
                                       const std::unordered_set<std::string>& tracked,
                                       IgnoreRules* rules, std::vector<std::string>* unreadable);

}  // namespace leakguard::audit
