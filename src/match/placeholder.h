// Placeholder detection: values that have the shape of a secret but are not one — `xxxx…`,
// `YOUR_API_KEY`, `<token>`, `${VAR}`, `{{ secret }}`, `changeme`, documented example keys such as
// AWS's `…EXAMPLE`. Applied to the extracted secret of every rule: a placeholder is never a leak.
// Returns the reason as a short phrase (for --explain), or an empty view when `secret` looks real.
// Stateless and thread-safe.
#pragma once

#include <string_view>

namespace leakguard::match {
std::string_view PlaceholderReason(std::string_view secret);
}  // namespace leakguard::match
