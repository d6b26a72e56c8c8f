// Placeholder detection: values that have the shape of a secret but are not one — `xxxx…`,
// `YOUR_API_KEY`, `<token>`, `${VAR}`, `{{ secret }}`, `changeme`, documented example keys such as
// AWS's `…EXAMPLE`. Applied to the extracted secret of every rule: a placeholder is never a leak.
// Returns the reason as a short phrase (for --explain), or an empty view when `secret` looks real.
// Stateless and thread-safe.
#pragma once

#include <string_view>

namespace leakguard::match {
// Any value that is not a real one: an environment lookup or a template (value_shape.h), or a
// stand-in (below). For callers outside the matcher that want one answer.
std::string_view PlaceholderReason(std::string_view secret);
// Stand-ins only: a value of one or two characters, the name of a value (`password`, `null`), a
// bracketed placeholder (`<token>`), a marker word (`example`, `your_`, `changeme`, `xxxxx`,
// `sekrit`), one repeated character, a counting run.
// The matcher checks environment lookups and templates first, each with its own drop reason.
std::string_view StandInReason(std::string_view secret);
}  // namespace leakguard::match
