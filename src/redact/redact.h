// Masking secrets for display. Every output path of leakguard goes through `MaskSecret` unless the
// user asked for --no-redact, so a report, a log line or an error never shows a whole secret.
//
// The mask has a fixed tail (`****`) whatever the secret's length, so the length does not leak.
// Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace leakguard::redact {

struct MaskPolicy {
  // -1: the default (keep at most 4 leading characters and at most a quarter of the secret);
  // 0..100: percent of the secret hidden (100 = nothing kept; 0 = nothing hidden).
  int percent = -1;
  bool enabled = true;  // false = --no-redact
};

// The displayed form of `secret`.
std::string MaskSecret(std::string_view secret, const MaskPolicy& policy = {});

// `text` with every occurrence of `secret` replaced by its mask (used for the `match` field and
// lines of context that contain the secret).
std::string MaskIn(std::string_view text, std::string_view secret, const MaskPolicy& policy = {});

}  // namespace leakguard::redact
