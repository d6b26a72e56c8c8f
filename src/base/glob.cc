#include "base/glob.h"

namespace leakguard {
namespace {

// Matches one bracket expression at p[0] == '['; returns the length consumed or 0 if malformed.
size_t MatchClass(std::string_view p, char c, bool* matched) {
  size_t i = 1;
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool hit = false;
  bool first = true;
  while (i < p.size() && (p[i] != ']' || first)) {
    first = false;
    char lo = p[i];
    if (lo == '\\' && i + 1 < p.size()) lo = p[++i];
    char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = p[i + 2];
      if (hi == '\\' && i + 3 < p.size()) hi = p[++i + 2];
      i += 2;
    }
    if (lo <= c && c <= hi) hit = true;
    ++i;
  }
  if (i >= p.size()) return 0;
  *matched = hit != negate;
  return i + 1;
}

bool Match(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (pc == '*') {
        if (pi + 1 < p.size() && p[pi + 1] == '*') {
          // `**/` matches zero or more whole directories; a trailing `**` matches everything.
          size_t rest = pi + 2;
          if (rest < p.size() && p[rest] == '/') ++rest;
          for (size_t k = si;; ++k) {
            if ((k == si || s[k - 1] == '/') && Match(p.substr(rest), s.substr(k))) return true;
            if (k >= s.size()) break;
          }
          return rest >= p.size();
        }
        star_p = pi++;
        star_s = si;
        continue;
      }
      if (pc == '?' && s[si] != '/') {
        ++pi;
        ++si;
        continue;
      }
      if (pc == '[') {
        bool hit = false;
        size_t len = MatchClass(p.substr(pi), s[si], &hit);
        if (len && hit && s[si] != '/') {
          pi += len;
          ++si;
          continue;
        }
        if (!len && s[si] == '[') {
          ++pi;
          ++si;
          continue;
        }
      } else {
        if (pc == '\\' && pi + 1 < p.size()) pc = p[++pi];
        if (pc == s[si]) {
          ++pi;
          ++si;
          continue;
        }
      }
    }
    // Backtrack to the last single `*`, which may not cross '/'.
    if (star_p != std::string_view::npos && s[star_s] != '/') {
      pi = star_p + 1;
      si = ++star_s;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) { return Match(pattern, path); }

}  // namespace leakguard
