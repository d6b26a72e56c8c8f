// .gitignore semantics for the file walker (--respect-gitignore): per-directory `.gitignore` and
// `.ignore` files, `!` negation, trailing `/` for directories only, patterns with a slash anchored
// to their file's directory, `**`, last match wins, deeper files override shallower ones.
//
// The walker pushes a frame when it enters a directory and pops it when it leaves, so a lookup
// costs the patterns of the directories above the path, nothing else.
// Thread-safety: one IgnoreStack per walker thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leakguard::input {

struct IgnorePattern {
  std::string glob;  // without leading '!' / '/' and trailing '/'
  bool negate = false;
  bool dir_only = false;
  bool anchored = false;  // contains a '/' (other than a trailing one)
  int line = 0;
};

// Parses the text of a .gitignore file.
std::vector<IgnorePattern> ParseIgnoreFile(std::string_view text);

// Whether `rel` (relative to the patterns' directory) is matched; sets `*ignored` to the verdict
// of the last matching pattern and returns true when any pattern matched. `pattern` receives it.
bool MatchIgnore(const std::vector<IgnorePattern>& patterns, std::string_view rel, bool is_dir,
                 bool* ignored, const IgnorePattern** pattern = nullptr);

class IgnoreStack {
 public:
  // `base` is the directory of the file relative to the walk root ("" for the root).
  void Push(std::string base, std::vector<IgnorePattern> patterns);
  void Pop();
  size_t depth() const { return frames_.size(); }
  // `rel` is relative to the walk root.
  bool Ignored(std::string_view rel, bool is_dir) const;

 private:
  struct Frame {
    std::string base;
    std::vector<IgnorePattern> patterns;
  };
  std::vector<Frame> frames_;
};

}  // namespace leakguard::input
