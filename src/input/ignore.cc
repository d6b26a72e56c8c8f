#include "input/ignore.h"

#include "base/glob.h"

namespace leakguard::input {

std::vector<IgnorePattern> ParseIgnoreFile(std::string_view text) {
  std::vector<IgnorePattern> out;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
    pos = nl == text.npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Trailing spaces are ignored unless escaped with a backslash.
    while (!line.empty() && line.back() == ' ' &&
           !(line.size() >= 2 && line[line.size() - 2] == '\\'))
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    IgnorePattern p;
    p.line = line_no;
    if (line.front() == '!') {
      p.negate = true;
      line.remove_prefix(1);
    } else if (line.starts_with("\\!") || line.starts_with("\\#")) {
      line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
      p.dir_only = true;
      line.remove_suffix(1);
    }
    if (line.empty()) continue;
    if (line.find('/') != line.npos) {
      p.anchored = true;
      if (line.front() == '/') line.remove_prefix(1);
    }
    p.glob = std::string(line);
    out.push_back(std::move(p));
  }
  return out;
}

bool MatchIgnore(const std::vector<IgnorePattern>& patterns, std::string_view rel, bool is_dir,
                 bool* ignored, const IgnorePattern** pattern) {
  std::string_view base = rel;
  if (size_t slash = rel.rfind('/'); slash != rel.npos) base = rel.substr(slash + 1);
  for (size_t i = patterns.size(); i-- > 0;) {
    const IgnorePattern& p = patterns[i];
    if (p.dir_only && !is_dir) continue;
    bool hit = p.anchored ? GlobMatch(p.glob, rel) : GlobMatch(p.glob, base);
    if (hit) {
      *ignored = !p.negate;
      if (pattern) *pattern = &p;
      return true;
    }
  }
  return false;
}

void IgnoreStack::Push(std::string base, std::vector<IgnorePattern> patterns) {
  frames_.push_back({std::move(base), std::move(patterns)});
}

void IgnoreStack::Pop() { frames_.pop_back(); }

bool IgnoreStack::Ignored(std::string_view rel, bool is_dir) const {
  for (size_t i = frames_.size(); i-- > 0;) {
    const Frame& f = frames_[i];
    std::string_view sub = rel;
    if (!f.base.empty()) {
      if (!(rel.size() > f.base.size() && rel.starts_with(f.base) && rel[f.base.size()] == '/'))
        continue;
      sub = rel.substr(f.base.size() + 1);
    }
    bool ignored = false;
    if (MatchIgnore(f.patterns, sub, is_dir, &ignored)) return ignored;
  }
  return false;
}

}  // namespace leakguard::input
