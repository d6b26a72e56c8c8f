// Sensitive-file kinds: which files should never be committed, and how to recognise them.
//
// The built-in kinds are rules/sensitive-files.toml, embedded in the binary (its header documents
// the fields). A config file extends them in an `[audit]` section:
//   [[audit.files]]   more kinds (same fields); one with a built-in id replaces that kind
//   [audit] disable   ids of kinds to turn off
//   [audit] allow     RE2 regexes over repository-relative paths that are never reported
// The section of a file named by `[extend] path` is read first, as rules are.
//
// A kind matches a file by name: globs in .gitignore syntax, case-insensitive. A kind with content
// criteria also needs the content to show it: a secret found by the scanner's rules (by id, by
// tag, or any rule), or an RE2 pattern whose group is not a placeholder. When a kind's criteria
// name only rules the loaded rule set does not have, the name alone decides (a warning says so):
// the audit may over-report but never silently under-reports.
//
// Thread-safety: an AuditConfig is immutable once loaded; a Classifier is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "match/matcher.h"
#include "match/rules_database.h"

namespace re2 {
class RE2;
}

namespace leakguard::audit {

// Ordered: a higher value is more severe.
enum class Severity : uint8_t { kLow = 1, kMedium, kHigh, kCritical };
std::string_view SeverityName(Severity s);  // "low" ... "critical"
Result<Severity> ParseSeverity(std::string_view name);
// One level lower (kLow stays kLow): an untracked file is not leaked yet.
Severity OneLower(Severity s);

struct ContentCriteria {
  std::vector<std::string> rules;                         // scanner rule ids; "*" = any rule
  std::vector<std::string> tags;                          // scanner rule tags
  std::vector<std::string> patterns;                      // RE2 (bytes)
  std::vector<std::shared_ptr<const re2::RE2>> compiled;  // parallel to patterns
};

struct FileKind {
  std::string id;
  std::string description;
  Severity severity = Severity::kHigh;
  std::vector<std::string> paths;    // globs; lower-cased
  std::vector<std::string> exclude;  // globs; lower-cased
  std::vector<std::string> ignore;   // .gitignore lines to propose, most general first
  std::optional<ContentCriteria> content;
  std::string origin;  // "file:line" where the kind was defined
};

struct AuditConfig {
  std::vector<FileKind> kinds;
  std::vector<std::string> allow;  // RE2 over repository-relative paths
  std::vector<std::shared_ptr<const re2::RE2>> compiled_allow;
};

// The embedded rules/sensitive-files.toml.
std::string_view SensitiveFilesToml();

// The built-in kinds, then the [audit] section of `config_path` (none when empty). Errors (tier 2):
// invalid TOML, a missing or invalid field, an invalid regex; the message names file and line.
// Unknown fields are reported through `warnings`.
Result<AuditConfig> LoadAuditConfig(const std::string& config_path,
                                    std::vector<std::string>* warnings);

// The same from texts (for tests): `builtin` as the kinds file, `user` as a config (may be empty).
Result<AuditConfig> ParseAuditConfig(std::string_view builtin, std::string_view user,
                                     std::string_view user_name,
                                     std::vector<std::string>* warnings);

// Whether `rel_path`'s name is of `kind` (a path glob matches and no exclude glob does).
// `*glob` receives the glob that matched.
bool NameMatches(const FileKind& kind, std::string_view rel_path, std::string* glob = nullptr);

// Decides which kind, if any, a file is.
class Classifier {
 public:
  // `db` may be null: then every content criterion falls back to the name (with a warning).
  Classifier(const AuditConfig& config, std::shared_ptr<const match::RulesDatabase> db);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // Warnings about kinds whose content criteria cannot be evaluated with the loaded rules.
  const std::vector<std::string>& warnings() const { return warnings_; }
  const AuditConfig& config() const { return config_; }

  // Indexes of the kinds whose names match `rel_path` (empty: not sensitive whatever it holds).
  std::vector<size_t> Candidates(std::string_view rel_path) const;
  // Whether deciding among `kinds` needs the file's content.
  bool NeedsContent(const std::vector<size_t>& kinds) const;

  struct Verdict {
    const FileKind* kind = nullptr;
    std::string reason;  // "named like '*.p12'", "holds a secret found by rule 'x' (line 3)"
  };
  // The most severe of `kinds` (the first on ties) that `rel_path` is, judged by name and, when
  // given, by `content`. Without content only kinds with no content criteria can match.
  std::optional<Verdict> Classify(std::string_view rel_path, const std::vector<size_t>& kinds,
                                  std::optional<ByteView> content);

  // Whether `rel_path` is accepted: by [audit] allow, or by a global allowlist of the rules that
  // has only paths (the same paths the scanner never reports). `*why` names which.
  bool Allowed(std::string_view rel_path, std::string* why) const;

 private:
  // Why `content` shows `kind` (empty when it does not). `cands` are the matcher's candidates.
  std::string ContentReason(const FileKind& kind, std::string_view rel_path, ByteView content,
                            const std::vector<match::Candidate>& cands);

  AuditConfig config_;
  std::shared_ptr<const match::RulesDatabase> db_;
  std::unique_ptr<match::Matcher> matcher_;
  std::vector<bool> name_only_;  // per kind: content criteria unusable, the name decides
  std::vector<std::string> warnings_;
};

}  // namespace leakguard::audit
