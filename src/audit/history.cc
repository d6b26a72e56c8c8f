// Check 1 over history (--history): files that should never have been committed, anywhere in
// the history of any ref, even when deleted since.
//
// Commits are walked oldest first (topological), so the first commit in which a path is of a
// sensitive kind is the one that introduced it; each commit is compared with its first parent
// only, since a path brought in by a merged branch was met earlier, in that branch's commits.
// A path is reported once. For kinds judged by content, each new version of the path is checked
// until one is sensitive; a blob already judged clean for the same kinds is not read again.
#include <fmt/core.h>

#include <set>
#include <unordered_set>

#include "audit/checks.h"
#include "base/log.h"

namespace leakguard::audit::internal {

Result<GitRepo::WalkStats> ScanHistory(const GitRepo& repo, Classifier* classifier,
                                       uint64_t max_size, std::vector<HistoryHit>* hits,
                                       uint64_t* not_checked) {
  std::unordered_set<std::string> reported;
  std::set<std::pair<std::string, std::string>> clean;  // (blob id, candidate kinds)
  auto visit = [&](const CommitInfo& commit, const std::vector<Delta>& deltas) {
    for (const Delta& d : deltas) {
      if (reported.contains(d.path)) continue;
      const std::vector<size_t> kinds = classifier->Candidates(d.path);
      if (kinds.empty() || classifier->Allowed(d.path, nullptr)) continue;
      std::optional<std::string> content;
      std::pair<std::string, std::string> key;
      if (classifier->NeedsContent(kinds)) {
        char hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof hex, &d.id);
        key.first = hex;
        for (size_t k : kinds) key.second += fmt::format("{},", k);
        if (clean.contains(key)) continue;
        bool too_large = false;
        auto blob = repo.ReadBlob(d.id, max_size, &too_large);
        if (!blob) {
          ++*not_checked;
          Warn("{} in commit {}: {}: its content was not checked", PrintablePath(d.path),
               commit.id.substr(0, 12), blob.error().message());
        } else if (too_large) {
          ++*not_checked;
          Warn("{} in commit {}: over the size limit: its content was not checked",
               PrintablePath(d.path), commit.id.substr(0, 12));
        } else {
          content = std::move(**blob);
        }
      }
      std::optional<Classifier::Verdict> v = classifier->Classify(
          d.path, kinds, content ? std::optional<ByteView>(*content) : std::nullopt);
      if (!v) {
        if (content) clean.insert(std::move(key));
        continue;
      }
      reported.insert(d.path);
      hits->push_back(HistoryHit{d.path, v->kind, std::move(v->reason), commit});
    }
  };
  return repo.WalkHistory(visit);
}

}  // namespace leakguard::audit::internal
