// Static facts about a regex, for choosing RE2 confirmation windows.
//
// `CanMatchNewline` is conservative: it answers false only when no match of the pattern can
// contain a '\n' byte (no `\s`, `\n`, negated class without `\n`/`\s`, `(?s)` dot, `\C`, Unicode
// class, ...). Anything it does not understand counts as "can". A single-line pattern's match
// lies on the line of its end offset, so RE2 need not look before that line's start.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leakguard::match {

bool CanMatchNewline(std::string_view pattern);

// Whether every match lies within one line apart from its first and last byte: true when the
// pattern, once a leading boundary group `(?:^|[...])` and a trailing one `(?:[...]|$)` are set
// aside, cannot match '\n'. Such a match ending at E lies in [L - 1, E), L being the start of the
// line holding byte E - 1. Conservative like CanMatchNewline.
bool LineBounded(std::string_view pattern);

// The facts below come from a small parser of RE2 syntax (regex_info.cc). Both answer the
// conservative way — "not bounded", "no prefix pattern" — for syntax the parser does not know.
// Used by the stream redactor (scan/redactor.cc) to decide which lines it may write before the
// bytes after them have arrived.

// Whether, in every match, the secret and everything the match holds after it lie on one line:
// a newline may only be the match's last byte. `secret_group` as in rules::Rule (0 = the first
// non-empty group, else the whole match). True for `key=([a-z0-9]{32})(?:\s|$)` and for a
// multi-line prefix such as `bot[\s\S]{0,100}?([0-9a-f]{32})`; false for a PEM block, whose
// secret spans lines.
bool SecretTailLineBounded(std::string_view pattern, int secret_group);

// A regex (RE2 syntax, to compile with the same options as the rule's) that matches every prefix
// of every match of `pattern`, and possibly more: anchors and word boundaries are dropped, so it
// over-approximates. Searched as `(?:P)\z` over the tail of a stream, it tells whether a match
// may have begun there and still be incomplete. nullopt for unknown syntax.
std::optional<std::string> PrefixPattern(std::string_view pattern);

}  // namespace leakguard::match
