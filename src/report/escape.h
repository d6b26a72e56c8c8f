// Text-safety helpers for reports that other modules render themselves (the audit report):
// the same escaping the built-in text and SARIF reporters apply, as part of the report module's
// contract. Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace leakguard::report {

// `s` made safe for a terminal: C0/C1 controls, DEL, bidi overrides and invalid UTF-8 bytes become
// visible escapes (\n, \x1b, \u{202e}, \xff); printable text, non-ASCII included, is kept.
std::string EscapeForTerminal(std::string_view s);

// A relative path as a SARIF/URI reference: '\' becomes '/', a leading "./" is dropped, and every
// byte other than RFC 3986 unreserved characters and '/' is percent-encoded.
std::string PathToUri(std::string_view path);

}  // namespace leakguard::report
