#include "match/regex_info.h"

#include <cctype>

namespace leakguard::match {
namespace {

// Whether an escape (the text after '\') can stand for '\n'. `in_class`: inside [...].
bool EscapeMayBeNewline(std::string_view esc) {
  if (esc.empty()) return true;
  switch (esc[0]) {
    case 'n':
    case 's':
    case 'W':
    case 'D':
    case 'C':
    case 'p':
    case 'P':
    case 'x':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case 'Q':
    case 'X':
    case 'R':
    case 'N':
      return true;
    default:
      return false;
  }
}

}  // namespace

bool CanMatchNewline(std::string_view p) {
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\n') return true;
    if (c == '\\') {
      if (i + 1 >= p.size() || EscapeMayBeNewline(p.substr(i + 1))) return true;
      ++i;
      continue;
    }
    if (c == '(' && i + 1 < p.size() && p[i + 1] == '?') {
      // Flag groups: (?s), (?is:...), (?-s) ... any 's' among the flags: assume dot-all.
      size_t j = i + 2;
      while (j < p.size() && (std::isalpha(static_cast<unsigned char>(p[j])) || p[j] == '-')) {
        if (p[j] == 's') return true;
        ++j;
      }
      continue;
    }
    if (c == '[') {
      size_t j = i + 1;
      bool negated = j < p.size() && p[j] == '^';
      if (negated) ++j;
      bool excludes_newline = false;  // for negated classes: lists \n or \s
      bool includes_newline = false;  // for plain classes
      bool first = true;
      for (; j < p.size(); ++j) {
        char d = p[j];
        if (d == ']' && !first) break;
        first = false;
        if (d == '\n') includes_newline = excludes_newline = true;
        if (d == '[' && j + 1 < p.size() && p[j + 1] == ':') {
          includes_newline = true;  // [:space:], [:cntrl:], ...: be conservative
          size_t end = p.find(":]", j + 2);
          if (end == std::string_view::npos) return true;
          j = end + 1;
          continue;
        }
        if (d == '\\') {
          if (j + 1 >= p.size()) return true;
          char e = p[j + 1];
          if (e == 'n' || e == 's') excludes_newline = true;
          if (EscapeMayBeNewline(p.substr(j + 1))) includes_newline = true;
          ++j;
          continue;
        }
        // A range whose ends straddle '\n' (0x0a), e.g. written with raw control bytes.
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']' &&
            static_cast<unsigned char>(d) <= '\n' && p[j + 2] != '\\' &&
            static_cast<unsigned char>(p[j + 2]) >= '\n')
          includes_newline = true;
      }
      if (j >= p.size()) return true;  // unterminated: do not guess
      if (negated ? !excludes_newline : includes_newline) return true;
      i = j;
      continue;
    }
  }
  // A bare '.' never matches '\n' without the s flag, which was handled above.
  return false;
}

namespace {

// Length of the character class starting at p[0] == '[', or 0.
size_t ClassLength(std::string_view p) {
  if (p.empty() || p[0] != '[') return 0;
  size_t j = 1;
  if (j < p.size() && p[j] == '^') ++j;
  bool first = true;
  for (; j < p.size(); ++j) {
    if (p[j] == ']' && !first) return j + 1;
    first = false;
    if (p[j] == '\\')
      ++j;
    else if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
      size_t end = p.find(":]", j + 2);
      if (end == std::string_view::npos) return 0;
      j = end + 1;
    }
  }
  return 0;
}

}  // namespace

bool LineBounded(std::string_view p) {
  if (!CanMatchNewline(p)) return true;
  // Leading "(?:^|[...])".
  if (p.starts_with("(?:^|[")) {
    size_t len = ClassLength(p.substr(5));
    if (len && p.size() > 5 + len && p[5 + len] == ')') p.remove_prefix(5 + len + 1);
  }
  // Trailing "(?:[...]|$)".
  if (p.ends_with("]|$)")) {
    size_t open = p.rfind("(?:[");
    if (open != std::string_view::npos) {
      size_t len = ClassLength(p.substr(open + 3));
      if (len && open + 3 + len + 3 == p.size()) p.remove_suffix(p.size() - open);
    }
  }
  return !CanMatchNewline(p);
}

}  // namespace leakguard::match
