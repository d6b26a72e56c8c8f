// Static facts about a regex, for choosing RE2 confirmation windows.
//
// `CanMatchNewline` is conservative: it answers false only when no match of the pattern can
// contain a '\n' byte (no `\s`, `\n`, negated class without `\n`/`\s`, `(?s)` dot, `\C`, Unicode
// class, ...). Anything it does not understand counts as "can". A single-line pattern's match
// lies on the line of its end offset, so RE2 need not look before that line's start.
#pragma once

#include <string_view>

namespace leakguard::match {

bool CanMatchNewline(std::string_view pattern);

// Whether every match lies within one line apart from its first and last byte: true when the
// pattern, once a leading boundary group `(?:^|[...])` and a trailing one `(?:[...]|$)` are set
// aside, cannot match '\n'. Such a match ending at E lies in [L - 1, E), L being the start of the
// line holding byte E - 1. Conservative like CanMatchNewline.
bool LineBounded(std::string_view pattern);

}  // namespace leakguard::match
