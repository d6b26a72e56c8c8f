#include "match/regex_info.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

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

// ---- A small RE2 syntax tree ------------------------------------------------------------------
//
// Enough of RE2's syntax to answer two questions about rule regexes (see regex_info.h): literals,
// escapes, classes, `.`, anchors, groups (capturing, named, non-capturing, with flags), flag
// settings, alternation and every repetition form. Anything else makes the parse fail, and the
// callers then take the conservative answer. Each atom keeps its source text and the flags in
// force (only `i` and `s` change what an atom matches), so a tree can be written back as a regex.

namespace leakguard::match {
namespace {

struct Node {
  enum class Kind { kEmpty, kAtom, kAnchor, kConcat, kAlt, kRepeat, kGroup };
  Kind kind = Kind::kEmpty;
  std::string text;  // kAtom: standalone regex text of the atom ("a", "\\.", "[a-z]", "\\s", ".")
  bool case_fold = false, dot_all = false;  // kAtom: flags in force
  bool newline = false;                     // kAtom: can match '\n'
  int capture = 0;                          // kGroup: capture index (0: non-capturing)
  int min = 0, max = 0;                     // kRepeat; max -1 = unbounded
  std::vector<std::unique_ptr<Node>> kids;
};
using NodePtr = std::unique_ptr<Node>;

struct Flags {
  bool i = false, s = false;
};

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}

  // The whole pattern, or null on syntax this parser does not know.
  NodePtr Parse() {
    Flags flags;
    NodePtr n = ParseAlt(&flags);
    if (!n || pos_ != p_.size()) return nullptr;
    return n;
  }
  int captures() const { return captures_; }

 private:
  bool More() const { return pos_ < p_.size(); }
  char Peek() const { return p_[pos_]; }

  NodePtr ParseAlt(Flags* flags) {
    auto alt = std::make_unique<Node>();
    alt->kind = Node::Kind::kAlt;
    for (;;) {
      NodePtr c = ParseConcat(flags);
      if (!c) return nullptr;
      alt->kids.push_back(std::move(c));
      if (More() && Peek() == '|') {
        ++pos_;
        continue;
      }
      break;
    }
    if (alt->kids.size() == 1) return std::move(alt->kids[0]);
    return alt;
  }

  NodePtr ParseConcat(Flags* flags) {
    auto cat = std::make_unique<Node>();
    cat->kind = Node::Kind::kConcat;
    while (More() && Peek() != '|' && Peek() != ')') {
      NodePtr atom = ParseAtom(flags);
      if (!atom) return nullptr;
      if (atom->kind == Node::Kind::kEmpty) continue;  // a flag setting such as (?i)
      if (!ParseRepeat(&atom)) return nullptr;
      cat->kids.push_back(std::move(atom));
    }
    return cat;
  }

  // Parses a repetition operator after an atom, if any.
  bool ParseRepeat(NodePtr* atom) {
    if (!More()) return true;
    int min = 0, max = 0;
    const char c = Peek();
    if (c == '*' || c == '+' || c == '?') {
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : -1;
      ++pos_;
    } else if (c == '{') {
      size_t j = pos_ + 1;
      auto number = [&](int* out) {
        size_t start = j;
        long v = 0;
        while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j])) && v <= 100000)
          v = v * 10 + (p_[j++] - '0');
        *out = static_cast<int>(v);
        return j > start;
      };
      if (!number(&min)) return true;  // not a repetition: '{' is a literal, parsed next
      max = min;
      if (j < p_.size() && p_[j] == ',') {
        ++j;
        if (!number(&max)) max = -1;
      }
      if (j >= p_.size() || p_[j] != '}') return true;
      pos_ = j + 1;
    } else {
      return true;
    }
    if ((*atom)->kind == Node::Kind::kAnchor) return false;
    if (More() && Peek() == '?') ++pos_;  // lazy: same language
    if (More() && (Peek() == '*' || Peek() == '+' || Peek() == '?' || Peek() == '{'))
      return false;  // RE2 rejects stacked repetitions; do not guess
    auto rep = std::make_unique<Node>();
    rep->kind = Node::Kind::kRepeat;
    rep->min = min;
    rep->max = max;
    rep->kids.push_back(std::move(*atom));
    *atom = std::move(rep);
    return true;
  }

  NodePtr Atom(std::string text, bool newline, const Flags& flags) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kAtom;
    n->text = std::move(text);
    n->newline = newline;
    n->case_fold = flags.i;
    n->dot_all = flags.s;
    return n;
  }
  static NodePtr Anchor() {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kAnchor;
    return n;
  }
  NodePtr Literal(char c, const Flags& flags) {
    static constexpr std::string_view kMeta = "\\.+*?()|[]{}^$";
    std::string text;
    if (kMeta.find(c) != std::string_view::npos) text += '\\';
    text += c;
    return Atom(std::move(text), c == '\n', flags);
  }

  NodePtr ParseAtom(Flags* flags) {
    const char c = Peek();
    if (c == '(') return ParseGroup(flags);
    if (c == '[') {
      size_t len = ClassLength(p_.substr(pos_));
      if (len == 0) return nullptr;
      std::string text(p_.substr(pos_, len));
      pos_ += len;
      return Atom(text, CanMatchNewline(text), *flags);
    }
    if (c == '.') {
      ++pos_;
      return Atom(".", flags->s, *flags);
    }
    if (c == '^' || c == '$') {
      ++pos_;
      return Anchor();
    }
    if (c == '*' || c == '+' || c == '?') return nullptr;  // repetition of nothing
    if (c == '\\') return ParseEscape(flags);
    ++pos_;
    return Literal(c, *flags);
  }

  NodePtr ParseEscape(Flags* flags) {
    if (pos_ + 1 >= p_.size()) return nullptr;
    const char e = p_[pos_ + 1];
    const size_t start = pos_;
    pos_ += 2;
    switch (e) {
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        return Anchor();
      case 'Q': {  // \Q...\E: literal text
        size_t end = p_.find("\\E", pos_);
        std::string_view lit = p_.substr(pos_, end == std::string_view::npos ? end : end - pos_);
        pos_ = end == std::string_view::npos ? p_.size() : end + 2;
        auto cat = std::make_unique<Node>();
        cat->kind = Node::Kind::kConcat;
        for (char l : lit) cat->kids.push_back(Literal(l, *flags));
        return cat;
      }
      case 'p':
      case 'P':
        if (pos_ < p_.size() && p_[pos_] == '{') {
          size_t end = p_.find('}', pos_);
          if (end == std::string_view::npos) return nullptr;
          pos_ = end + 1;
        } else if (pos_ < p_.size()) {
          ++pos_;
        } else {
          return nullptr;
        }
        return Atom(std::string(p_.substr(start, pos_ - start)), true, *flags);
      case 'x':
        if (pos_ < p_.size() && p_[pos_] == '{') {
          size_t end = p_.find('}', pos_);
          if (end == std::string_view::npos) return nullptr;
          pos_ = end + 1;
        } else {
          pos_ = std::min(p_.size(), pos_ + 2);
        }
        return Atom(std::string(p_.substr(start, pos_ - start)), true, *flags);
      default:
        break;
    }
    if (e >= '0' && e <= '7') {  // octal; RE2 has no back-references
      while (pos_ < p_.size() && pos_ - start < 4 && p_[pos_] >= '0' && p_[pos_] <= '7') ++pos_;
      return Atom(std::string(p_.substr(start, pos_ - start)), true, *flags);
    }
    if (std::isalnum(static_cast<unsigned char>(e))) {
      // \d \D \w \W \s \S \n \r \t \f \v \a \C ...: one byte each.
      static constexpr std::string_view kKnown = "dDwWsSnrtfvaC";
      if (kKnown.find(e) == std::string_view::npos) return nullptr;
      return Atom(std::string(p_.substr(start, 2)), EscapeMayBeNewline(p_.substr(start + 1)),
                  *flags);
    }
    return Literal(e, *flags);  // escaped punctuation
  }

  NodePtr ParseGroup(Flags* flags) {
    ++pos_;  // '('
    Flags inner = *flags;
    int capture = 0;
    if (More() && Peek() == '?') {
      ++pos_;
      if (More() && (Peek() == 'P' || Peek() == '<')) {  // (?P<name>...) or (?<name>...)
        if (Peek() == 'P') ++pos_;
        if (!More() || Peek() != '<') return nullptr;
        size_t end = p_.find('>', pos_);
        if (end == std::string_view::npos) return nullptr;
        pos_ = end + 1;
        capture = ++captures_;
      } else {
        bool negate = false;
        Flags set = *flags;
        for (;;) {
          if (!More()) return nullptr;
          const char f = Peek();
          ++pos_;
          if (f == '-') {
            negate = true;
          } else if (f == 'i') {
            set.i = !negate;
          } else if (f == 's') {
            set.s = !negate;
          } else if (f == 'm' || f == 'U') {
            // ^/$ at lines, ungreedy: neither changes what an atom matches
          } else if (f == ')') {  // (?flags): for the rest of the enclosing group
            *flags = set;
            return std::make_unique<Node>();
          } else if (f == ':') {
            inner = set;
            break;
          } else {
            return nullptr;  // look-around, back-reference, comment: not RE2 or not known
          }
        }
      }
    } else {
      capture = ++captures_;
    }
    NodePtr body = ParseAlt(&inner);
    if (!body || !More() || Peek() != ')') return nullptr;
    ++pos_;
    auto g = std::make_unique<Node>();
    g->kind = Node::Kind::kGroup;
    g->capture = capture;
    g->kids.push_back(std::move(body));
    return g;
  }

  std::string_view p_;
  size_t pos_ = 0;
  int captures_ = 0;
};

// ---- Facts about a tree ---------------------------------------------------------------------

struct Props {
  bool newline = false;        // some match holds a '\n'
  bool inner_newline = false;  // some match holds a '\n' that is not its last byte
  bool nonempty = false;       // some match is not empty
  bool nullable = false;       // some match is empty
};

Props Star(const Props& c) {
  return {c.newline, c.inner_newline || (c.newline && c.nonempty), c.nonempty, true};
}

Props Then(const Props& a, const Props& b) {
  return {a.newline || b.newline, a.inner_newline || b.inner_newline || (a.newline && b.nonempty),
          a.nonempty || b.nonempty, a.nullable && b.nullable};
}

Props Compute(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kEmpty:
    case Node::Kind::kAnchor:
      return {false, false, false, true};
    case Node::Kind::kAtom:
      return {n.newline, false, true, false};
    case Node::Kind::kGroup:
      return Compute(*n.kids[0]);
    case Node::Kind::kConcat: {
      Props acc{false, false, false, true};
      for (const auto& k : n.kids) acc = Then(acc, Compute(*k));
      return acc;
    }
    case Node::Kind::kAlt: {
      Props acc{false, false, false, false};
      for (const auto& k : n.kids) {
        Props p = Compute(*k);
        acc = {acc.newline || p.newline, acc.inner_newline || p.inner_newline,
               acc.nonempty || p.nonempty, acc.nullable || p.nullable};
      }
      return acc;
    }
    case Node::Kind::kRepeat: {
      Props c = Compute(*n.kids[0]);
      if (n.max == 0) return {false, false, false, true};
      if (n.max == 1) return {c.newline, c.inner_newline, c.nonempty, c.nullable || n.min == 0};
      Props s = Star(c);
      s.nullable = c.nullable || n.min == 0;
      return s;
    }
  }
  return {true, true, true, true};
}

// The path from `root` to the group with capture index `index` (root first), or empty.
bool FindGroup(const Node& n, int index, std::vector<const Node*>* path) {
  path->push_back(&n);
  if (n.kind == Node::Kind::kGroup && n.capture == index) return true;
  for (const auto& k : n.kids)
    if (FindGroup(*k, index, path)) return true;
  path->pop_back();
  return false;
}

// Whether a match's text from the start of `path.back()` to the match's end can hold a newline
// other than as its last byte: the node, then everything that may follow it on the way up.
bool TailHasInnerNewline(const std::vector<const Node*>& path) {
  Props acc = Compute(*path.back());
  for (size_t d = path.size() - 1; d-- > 0;) {
    const Node& parent = *path[d];
    const Node* child = path[d + 1];
    if (parent.kind == Node::Kind::kConcat) {
      bool after = false;
      for (const auto& k : parent.kids) {
        if (after) acc = Then(acc, Compute(*k));
        if (k.get() == child) after = true;
      }
    } else if (parent.kind == Node::Kind::kRepeat && parent.max != 0 && parent.max != 1) {
      acc = Then(acc, Star(Compute(*child)));  // more iterations may follow
    }
  }
  return acc.inner_newline;
}

// Whether the group is in every match and never empty (so the first such group is always the
// secret when the rule names none).
bool AlwaysNonEmpty(const std::vector<const Node*>& path) {
  for (size_t d = 0; d + 1 < path.size(); ++d) {
    const Node& n = *path[d];
    if (n.kind == Node::Kind::kAlt && n.kids.size() > 1) return false;
    if (n.kind == Node::Kind::kRepeat && n.min == 0) return false;
  }
  return !Compute(*path.back()).nullable;
}

// ---- Writing a tree back, and its prefixes ------------------------------------------------------

std::string Write(const Node& n);

std::string WriteAtom(const Node& n) {
  if (!n.case_fold && !n.dot_all) return n.text;
  return std::string("(?") + (n.case_fold ? "i" : "") + (n.dot_all ? "s" : "") + ":" + n.text + ")";
}

std::string Quantifier(int min, int max) {
  if (min == 0 && max == -1) return "*";
  if (min == 1 && max == -1) return "+";
  if (min == 0 && max == 1) return "?";
  if (max == -1) return "{" + std::to_string(min) + ",}";
  if (min == max) return "{" + std::to_string(min) + "}";
  return "{" + std::to_string(min) + "," + std::to_string(max) + "}";
}

std::string Write(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kEmpty:
    case Node::Kind::kAnchor:
      return "";
    case Node::Kind::kAtom:
      return WriteAtom(n);
    case Node::Kind::kGroup:
      return "(?:" + Write(*n.kids[0]) + ")";
    case Node::Kind::kConcat: {
      std::string s;
      for (const auto& k : n.kids) s += Write(*k);
      return s;
    }
    case Node::Kind::kAlt: {
      std::string s = "(?:";
      for (size_t i = 0; i < n.kids.size(); ++i) s += (i ? "|" : "") + Write(*n.kids[i]);
      return s + ")";
    }
    case Node::Kind::kRepeat:
      return "(?:" + Write(*n.kids[0]) + ")" + Quantifier(n.min, n.max);
  }
  return "";
}

// Every prefix of every match of `n`: Pref(a) = a?; Pref(XY) = Pref(X) | X Pref(Y);
// Pref(X|Y) = Pref(X) | Pref(Y); Pref(X{n,m}) = X{0,m-1} Pref(X).
std::string Prefixes(const Node& n);

std::string ConcatPrefixes(const Node& n, size_t from) {
  while (from < n.kids.size() &&
         (n.kids[from]->kind == Node::Kind::kAnchor || n.kids[from]->kind == Node::Kind::kEmpty))
    ++from;
  if (from >= n.kids.size()) return "";
  if (from + 1 == n.kids.size()) return Prefixes(*n.kids[from]);
  return "(?:" + Prefixes(*n.kids[from]) + "|" + Write(*n.kids[from]) +
         ConcatPrefixes(n, from + 1) + ")";
}

std::string Prefixes(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kEmpty:
    case Node::Kind::kAnchor:
      return "";
    case Node::Kind::kAtom:
      return "(?:" + WriteAtom(n) + ")?";
    case Node::Kind::kGroup:
      return Prefixes(*n.kids[0]);
    case Node::Kind::kConcat:
      return ConcatPrefixes(n, 0);
    case Node::Kind::kAlt: {
      std::string s = "(?:";
      for (size_t i = 0; i < n.kids.size(); ++i) s += (i ? "|" : "") + Prefixes(*n.kids[i]);
      return s + ")";
    }
    case Node::Kind::kRepeat: {
      if (n.max == 0) return "";
      const std::string inner = Prefixes(*n.kids[0]);
      if (n.max == 1) return inner;
      const std::string copies =
          "(?:" + Write(*n.kids[0]) + ")" + (n.max == -1 ? "*" : Quantifier(0, n.max - 1));
      return "(?:" + copies + inner + ")";
    }
  }
  return "";
}

}  // namespace

bool SecretTailLineBounded(std::string_view pattern, int secret_group) {
  Parser parser(pattern);
  NodePtr root = parser.Parse();
  if (!root) return false;
  std::vector<int> groups;  // the groups that can hold the secret (0 = the whole match)
  if (secret_group > 0) {
    groups.push_back(secret_group);
  } else {
    bool always = false;
    for (int g = 1; g <= parser.captures() && !always; ++g) {
      groups.push_back(g);
      std::vector<const Node*> path;
      always = FindGroup(*root, g, &path) && AlwaysNonEmpty(path);
    }
    if (!always) groups.push_back(0);
  }
  for (int g : groups) {
    std::vector<const Node*> path;
    if (g == 0) {
      path.push_back(root.get());
    } else if (!FindGroup(*root, g, &path)) {
      return false;
    }
    if (TailHasInnerNewline(path)) return false;
  }
  return true;
}

std::optional<std::string> PrefixPattern(std::string_view pattern) {
  Parser parser(pattern);
  NodePtr root = parser.Parse();
  if (!root) return std::nullopt;
  return Prefixes(*root);
}

}  // namespace leakguard::match
