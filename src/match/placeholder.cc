#include "match/placeholder.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>

#include "match/value_shape.h"

namespace leakguard::match {
namespace {

// Words that mark a value as a stand-in. Chosen so that none is likely inside a random token:
// the shortest (5 letters) occurs in a random 40-char base62 string with probability < 1e-6.
constexpr std::array<std::string_view, 27> kMarkers = {
    "example",     "placeholder", "your_",        "your-",     "yourapi",   "yourkey",
    "yoursecret",  "yourtoken",   "changeme",     "change_me", "change-me", "redacted",
    "replace_me",  "replaceme",   "insert_",      "_here",     "dummy",     "notreal",
    "not_real",    "not-a-real",  "xxxxx",        "*****",     "sekrit",    "not real",
    "not my real", "anonymous",   "your password"};

// Values that are only the name of what should be there: `user:password@host`, `token=token`.
constexpr std::array<std::string_view, 24> kNameWords = {
    "password", "passwd", "pass",  "pwd",    "secret", "token",    "apikey", "api_key",
    "api-key",  "key",    "value", "string", "null",   "none",     "nil",    "undefined",
    "true",     "false",  "foo",   "foobar", "bar",    "username", "user",   "mypassword"};

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower[i]) return false;
  return true;
}

}  // namespace

std::string_view PlaceholderReason(std::string_view s) {
  if (std::string_view why = EnvLookupReason(s); !why.empty()) return why;
  if (std::string_view why = TemplateReason(s); !why.empty()) return why;
  return StandInReason(s);
}

std::string_view StandInReason(std::string_view s) {
  if (s.empty()) return "empty value";
  // `https://a:b@host` in documentation: no credential is one or two characters long.
  if (s.size() < 3) return "too short to be a secret";
  for (std::string_view w : kNameWords)
    if (EqualsLower(s, w)) return "the name of a value, not a value";
  // <token>, [secret], {name}.
  if ((s.front() == '<' && s.back() == '>') || (s.front() == '[' && s.back() == ']') ||
      (s.front() == '{' && s.back() == '}' && s.size() < 64 && s.find('"') == s.npos))
    return "bracketed placeholder";
  // Lower-cased once, then a plain substring search per marker (this runs for every candidate;
  // a value longer than the stack buffer, such as a PEM block, is lowered into a heap one).
  char small[256];
  std::string large;
  char* lower = small;
  if (s.size() > sizeof small) {
    large.resize(s.size());
    lower = large.data();
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  }
  const std::string_view l(lower, s.size());
  for (std::string_view m : kMarkers)
    if (l.find(m) != std::string_view::npos) return "placeholder word";
  // One character making most of the value: ghp_xxxxxxxx…, 0000000000, ************.
  if (s.size() >= 8) {
    std::array<uint32_t, 256> counts;
    counts.fill(0);
    uint32_t best = 0;
    for (unsigned char c : s) best = std::max(best, ++counts[c]);
    if (best * 10 >= s.size() * 6) return "repeated character";
  }
  // Runs counting up: 1234567890, abcdefghijkl.
  size_t run = 1, best_run = 1;
  for (size_t i = 1; i < s.size(); ++i) {
    const bool next = s[i] == s[i - 1] + 1 || (s[i - 1] == '9' && s[i] == '0');
    run = next ? run + 1 : 1;
    best_run = std::max(best_run, run);
  }
  if (best_run >= 10) return "sequential characters";
  return {};
}

}  // namespace leakguard::match
