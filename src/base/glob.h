// Glob patterns as used by --include/--exclude and .gitignore: `*` (not across `/`), `?`,
// `[abc]`/`[!a-z]`, `**` (any number of directories), `\` escapes. Stateless and thread-safe.
#pragma once

#include <string_view>

namespace leakguard {

// Whether `path` (with '/' separators) matches `pattern` entirely.
bool GlobMatch(std::string_view pattern, std::string_view path);

}  // namespace leakguard
