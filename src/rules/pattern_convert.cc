#include "rules/pattern_convert.h"

#include <fmt/core.h>
#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "rules/loader.h"

namespace leakguard::rules {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// A short excerpt of the pattern at `pos`, for error messages (patterns are not secrets).
std::string Near(std::string_view p, size_t pos) {
  std::string s(p.substr(pos, 24));
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

class Converter {
 public:
  explicit Converter(std::string_view p) : p_(p) {}

  Result<std::string> Run() {
    out_.reserve(p_.size());
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (x_ && IsSpace(c)) {
        ++i_;
      } else if (x_ && c == '#') {
        while (i_ < p_.size() && p_[i_] != '\n') ++i_;
      } else if (c == '\\') {
        if (Status s = Escape(false); !s.ok()) return Err(s);
      } else if (c == '[') {
        if (Status s = Class(); !s.ok()) return Err(s);
      } else if (c == '(') {
        if (Status s = Group(); !s.ok()) return Err(s);
      } else if (c == ')') {
        if (!stack_.empty()) {
          x_ = stack_.back();
          stack_.pop_back();
        }
        out_ += c;
        ++i_;
      } else {
        out_ += c;
        ++i_;
      }
    }
    return std::move(out_);
  }

 private:
  Status Unsupported(size_t at, std::string_view what) {
    return InvalidArgument(
        fmt::format("{} is not supported by RE2 (at offset {}: '{}')", what, at, Near(p_, at)));
  }

  // An escape at i_ (a backslash). Copied as it is unless RE2 would read it differently.
  Status Escape(bool in_class) {
    const size_t at = i_;
    if (i_ + 1 >= p_.size()) {  // a trailing backslash: RE2 reports it
      out_ += p_[i_++];
      return Status::Ok();
    }
    const char e = p_[i_ + 1];
    if (!in_class) {
      if (e >= '1' && e <= '9') return Unsupported(at, "a back-reference");
      if (e == 'k' || e == 'g') return Unsupported(at, "a back-reference");
      if (e == '<' || e == '>') return Unsupported(at, "the word-boundary assertion '\\<'/'\\>'");
      if (e == 'b' && i_ + 2 < p_.size() && p_[i_ + 2] == '{')
        return Unsupported(at, "a '\\b{...}' word-boundary assertion");
      if (e == 'G' || e == 'K' || e == 'R' || e == 'X' || e == 'Z')
        return Unsupported(at, fmt::format("the escape '\\{}'", e));
    }
    if (e == 'Q') {  // \Q...\E: literal text, extended mode or not
      size_t end = p_.find("\\E", i_ + 2);
      end = end == std::string_view::npos ? p_.size() : end + 2;
      out_.append(p_.substr(i_, end - i_));
      i_ = end;
      return Status::Ok();
    }
    out_ += '\\';
    out_ += e;
    i_ += 2;
    // \x{...}, \p{...}, \P{...}: copy the braces as they are.
    if ((e == 'x' || e == 'p' || e == 'P') && i_ < p_.size() && p_[i_] == '{') {
      size_t end = p_.find('}', i_);
      end = end == std::string_view::npos ? p_.size() : end + 1;
      out_.append(p_.substr(i_, end - i_));
      i_ = end;
    }
    return Status::Ok();
  }

  // A character class at i_ ('['). Copied verbatim: whitespace and '#' are literal inside a class
  // in extended mode, as in PCRE.
  Status Class() {
    out_ += '[';
    ++i_;
    if (i_ < p_.size() && p_[i_] == '^') out_ += p_[i_++];
    if (i_ < p_.size() && p_[i_] == ']') out_ += p_[i_++];  // a leading ']' is literal
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '\\') {
        if (Status s = Escape(true); !s.ok()) return s;
        continue;
      }
      if (c == ']') {
        out_ += c;
        ++i_;
        return Status::Ok();
      }
      if (c == '[') {
        if (i_ + 1 < p_.size() && p_[i_ + 1] == ':') {
          size_t end = p_.find(":]", i_ + 2);
          if (end != std::string_view::npos) {
            out_.append(p_.substr(i_, end + 2 - i_));
            i_ = end + 2;
            continue;
          }
        }
        return Unsupported(i_, "a nested character class (or an unescaped '[' in a class)");
      }
      if ((c == '&' || c == '~') && i_ + 1 < p_.size() && p_[i_ + 1] == c)
        return Unsupported(i_, "a character class set operation ('&&', '~~')");
      out_ += c;
      ++i_;
    }
    return Status::Ok();  // unterminated: RE2 reports "missing ]"
  }

  // A group at i_ ('(').
  Status Group() {
    const size_t at = i_;
    std::string_view rest = p_.substr(i_);
    auto starts = [&](std::string_view s) { return rest.substr(0, s.size()) == s; };
    if (!starts("(?")) {
      stack_.push_back(x_);
      out_ += '(';
      ++i_;
      return Status::Ok();
    }
    if (starts("(?#")) {  // PCRE comment
      size_t end = p_.find(')', i_);
      i_ = end == std::string_view::npos ? p_.size() : end + 1;
      return Status::Ok();
    }
    if (starts("(?=") || starts("(?!") || starts("(?<=") || starts("(?<!"))
      return Unsupported(at, "look-around ('(?=', '(?!', '(?<=', '(?<!')");
    if (starts("(?>")) return Unsupported(at, "an atomic group '(?>'");
    if (starts("(?|")) return Unsupported(at, "a branch-reset group '(?|'");
    if (starts("(?(")) return Unsupported(at, "a conditional group '(?('");
    if (starts("(?P=") || starts("(?P>") || starts("(?&"))
      return Unsupported(at, "a back-reference or subroutine call");
    auto digit_at = [&](size_t k) {
      return rest.size() > k && std::isdigit(static_cast<unsigned char>(rest[k]));
    };
    if (starts("(?R)") || digit_at(2) || ((starts("(?+") || starts("(?-")) && digit_at(3)))
      return Unsupported(at, "a recursion or subroutine call");
    if (starts("(?P<") || starts("(?<") || starts("(?'")) {
      const size_t name_at = starts("(?P<") ? 4 : 3;
      const char close = starts("(?'") ? '\'' : '>';
      size_t end = p_.find(close, i_ + name_at);
      if (end == std::string_view::npos) return Unsupported(at, "an unterminated group name");
      out_ += "(?P<";
      out_.append(p_.substr(i_ + name_at, end - i_ - name_at));
      out_ += '>';
      i_ = end + 1;
      stack_.push_back(x_);
      return Status::Ok();
    }
    // Flags: (?flags) or (?flags:...).
    size_t j = i_ + 2;
    std::string kept;
    bool negate = false, x = x_;
    while (j < p_.size() && p_[j] != ')' && p_[j] != ':') {
      const char f = p_[j];
      if (f == '-') {
        if (negate) return Unsupported(at, "a flag group with two '-'");
        negate = true;
        kept += f;
      } else if (f == 'x') {
        x = !negate;
      } else if (f == 'u') {
        // Unicode mode: RE2 matches bytes here (Latin-1), where \w, \d, \s are ASCII anyway.
      } else if (f == 'i' || f == 'm' || f == 's' || f == 'U') {
        kept += f;
      } else {
        return Unsupported(j, fmt::format("the flag '{}'", f));
      }
      ++j;
    }
    if (j >= p_.size()) return Unsupported(at, "an unterminated flag group");
    if (!kept.empty() && kept.back() == '-') kept.pop_back();
    if (p_[j] == ')') {  // (?flags): to the end of the enclosing group
      x_ = x;
      if (!kept.empty()) out_ += "(?" + kept + ")";
    } else {  // (?flags:...): a group of its own
      stack_.push_back(x_);
      x_ = x;
      out_ += "(?" + kept + ":";
    }
    i_ = j + 1;
    return Status::Ok();
  }

  std::string_view p_;
  size_t i_ = 0;
  std::string out_;
  bool x_ = false;           // extended mode in force
  std::vector<bool> stack_;  // x_ outside each open group
};

}  // namespace

Result<std::string> ConvertPattern(std::string_view pattern) { return Converter(pattern).Run(); }

// RE2's prefilter analysis gives, for one regex, a monotone boolean formula over "atoms"
// (lower-cased literals): if the regex matches a text, the formula is true of the atoms that occur
// in the lower-cased match. A set S of atoms is a valid keyword set exactly when the formula is
// false with every atom outside S present: then every match holds an atom of S. Starting from all
// atoms, each is tried for removal in turn. Two orders are tried — shortest first, which keeps
// long (selective) atoms, and longest first, which may leave fewer — and the smaller set wins
// (on a tie, the one whose shortest keyword is longer): for `aws.{0,32}(secret|access)` that is
// {"aws"}, for `abc[0-9]+defghij` {"defghij"}.
std::vector<std::string> DeriveKeywords(std::string_view re2_pattern, size_t max_keywords) {
  re2::FilteredRE2 f(/*min_atom_len=*/3);
  int id = 0;
  if (f.Add(re2::StringPiece(re2_pattern.data(), re2_pattern.size()), RegexOptions(), &id) !=
      RE2::NoError)
    return {};
  std::vector<std::string> atoms;
  f.Compile(&atoms);
  if (atoms.empty()) return {};
  for (const auto& a : atoms)
    for (char c : a)
      if (static_cast<unsigned char>(c) >= 0x80) return {};  // keywords compare ASCII-caselessly
  auto passes = [&](const std::vector<bool>& present) {
    std::vector<int> ids, out;
    for (size_t a = 0; a < atoms.size(); ++a)
      if (present[a]) ids.push_back(static_cast<int>(a));
    f.AllPotentials(ids, &out);
    return !out.empty();
  };
  if (passes(std::vector<bool>(atoms.size(), false))) return {};  // every text passes
  auto minimise = [&](bool shortest_first) {
    std::vector<size_t> order(atoms.size());
    for (size_t a = 0; a < order.size(); ++a) order[a] = a;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return shortest_first ? atoms[a].size() < atoms[b].size() : atoms[a].size() > atoms[b].size();
    });
    std::vector<bool> present(atoms.size(), false);  // the complement of the keyword set
    for (size_t a : order) {
      present[a] = true;
      if (passes(present)) present[a] = false;  // needed in the keyword set
    }
    std::vector<std::string> keywords;
    for (size_t a = 0; a < atoms.size(); ++a)
      if (!present[a]) keywords.push_back(atoms[a]);
    std::sort(keywords.begin(), keywords.end());
    return keywords;
  };
  auto shortest = [](const std::vector<std::string>& k) {
    size_t n = SIZE_MAX;
    for (const auto& s : k) n = std::min(n, s.size());
    return n;
  };
  std::vector<std::string> a = minimise(true), b = minimise(false);
  std::vector<std::string>& best =
      a.size() != b.size() ? (a.size() < b.size() ? a : b) : (shortest(b) > shortest(a) ? b : a);
  if (best.size() > max_keywords) return {};
  return std::move(best);
}

}  // namespace leakguard::rules
