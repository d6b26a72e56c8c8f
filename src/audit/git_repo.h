// Internal to the audit module: libgit2 behind the few operations the audit needs. Handles are
// owned by std::unique_ptr with their libgit2 deleters and never leave this module.
//
// The repository's configuration is assembled here from an Environment (system, XDG, global,
// local and worktree files, includes resolved by libgit2) and installed on the repository, so
// ignore rules (core.excludesFile), core.hooksPath and the config check all see what git would
// see for that environment, not what libgit2 cached from the process environment.
// Not thread-safe: one GitRepo per thread; Open changes libgit2's process-wide search paths.
#pragma once

#include <git2.h>
#include <git2/sys/repository.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"

namespace leakguard::audit::internal {

template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
using RepoPtr = std::unique_ptr<git_repository, GitDeleter<git_repository, git_repository_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;
using IndexPtr = std::unique_ptr<git_index, GitDeleter<git_index, git_index_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitDeleter<git_blob, git_blob_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitDeleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitDeleter<git_tree, git_tree_free>>;
using DiffPtr = std::unique_ptr<git_diff, GitDeleter<git_diff, git_diff_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, GitDeleter<git_revwalk, git_revwalk_free>>;
using StatusListPtr =
    std::unique_ptr<git_status_list, GitDeleter<git_status_list, git_status_list_free>>;
using ConfigIteratorPtr =
    std::unique_ptr<git_config_iterator, GitDeleter<git_config_iterator, git_config_iterator_free>>;

// The last libgit2 error as text ("unknown error" when none).
std::string LastGitError();

struct IndexEntry {
  std::string path;
  git_oid id;
  uint32_t mode = 0;
};

struct ConfigEntry {
  std::string name;   // section and key lower-cased, subsection as written: "remote.origin.url"
  std::string value;  // empty for a key without '=' (implicit true)
  bool has_value = false;
  int level = 0;      // git_config_level_t
  std::string file;   // the file at that level (includes are attributed to their includer)
  std::string scope;  // "system", "xdg", "global", "local", "worktree"
  bool included = false;
};

struct Delta {
  std::string path;
  git_oid id;
  uint32_t mode = 0;
};

struct CommitInfo {
  std::string id;  // 40 hex
  std::string author, email, date, summary;
};

class GitRepo {
 public:
  // Opens the repository holding `path` (discovered upwards). NotFound when there is none.
  static Result<std::unique_ptr<GitRepo>> Open(const std::string& path, const Environment& env);

  const RepoLocation& location() const { return loc_; }
  git_repository* raw() const { return repo_.get(); }
  const Environment& env() const { return env_; }

  // Index entries, one per path (conflict stages collapsed), in index order.
  Result<std::vector<IndexEntry>> Index() const;
  // Tracked files whose working-tree content differs from the index (untracked files are listed
  // by gitignore.h's ListUntracked, which gets negations right).
  Status ModifiedFiles(std::vector<std::string>* modified);
  // The common directory (where config, hooks and info/exclude live), ending in '/'.
  std::string CommonDir() const;
  // A blob's bytes; nullopt (and *too_large set) when larger than `max_size`.
  Result<std::optional<std::string>> ReadBlob(const git_oid& id, uint64_t max_size,
                                              bool* too_large) const;

  // Every config entry of every level, lowest level first.
  std::vector<ConfigEntry> ConfigEntries() const;
  // The last value of a single-valued key, as git reads it.
  std::optional<std::string> ConfigString(const char* name) const;

  // Walks every commit reachable from any ref (and HEAD) oldest first; for each, the paths its
  // tree adds or changes relative to its first parent (every path for a root commit).
  struct WalkStats {
    uint64_t commits = 0;     // walked
    uint64_t unreadable = 0;  // missing objects (shallow or partial clone): not checked
  };
  Result<WalkStats> WalkHistory(
      const std::function<void(const CommitInfo&, const std::vector<Delta>&)>& visit) const;

 private:
  GitRepo() = default;
  Status BuildConfig();

  RepoLocation loc_;
  Environment env_;
  RepoPtr repo_;
  ConfigPtr config_;
  std::vector<std::pair<int, std::string>> config_files_;  // level, path
};

}  // namespace leakguard::audit::internal
