// Git repositories as inputs, read through libgit2 straight from the object database (packs and
// loose objects) — never by parsing `git log -p`.
//
// History (`GitHistorySource`): every blob reachable from the selected commits is emitted exactly
// once, by object id, with the commit that introduced it at its path. "Introduced" means the
// first commit, in topological order (parents before children; among unrelated commits, older
// committer time first), whose tree holds the blob. The walk visits commits in that order and
// enters each tree object once: a tree already seen holds only blobs already emitted, so the cost
// is one read of every unique tree and blob, not one per commit that touches them.
//
// The selection: every ref (branches, tags, remote-tracking branches, notes, the stash), HEAD and
// the stash's reflog by default; or the commits reachable from `revs` and not from `hide` (a
// range). Commits reachable from `hide` are the boundary: the trees of the boundary commits that
// are parents of selected commits are entered first without emitting, so a range reports only
// blobs its own commits introduced. `--all-objects` then walks the commits no ref reaches
// (amended, rebased, reset, dropped stashes; attributed, flagged unreachable) and emits the
// blobs no commit holds at all (flagged, with no commit and no path).
//
// Items carry the blob id and are read by a per-thread `ItemReader` that owns its own libgit2
// repository handle, so decompression runs in parallel on the scan's workers while this thread
// walks trees.
//
// Staged changes (`GitStagedSource`): the blobs of the index entries that differ from HEAD, and
// for each path the line numbers `git diff --cached` shows as added, so the caller can keep only
// findings on added lines.
//
// Errors: a repository that cannot be opened, or a revision that does not resolve, fails
// `Prepare` (tier 2). A missing or corrupt commit, tree or blob is a warning naming the object,
// and the walk goes on (tier 3). libgit2 handles never leave this module.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "input/source.h"

namespace leakguard::input {

struct GitCommitInfo {
  std::string id;      // hex
  std::string author;  // name
  std::string email;
  std::string date;  // author date, ISO 8601 with the author's offset (2024-05-01T12:00:00+02:00)
  std::string summary;  // first paragraph of the message, on one line
};

// An open repository, for one thread at a time.
class GitRepo {
 public:
  // Opens the repository at `path` or the first parent directory holding one (as git does);
  // bare repositories too. Error: not a git repository.
  static Result<std::unique_ptr<GitRepo>> Open(const std::string& path);
  ~GitRepo();
  GitRepo(const GitRepo&) = delete;
  GitRepo& operator=(const GitRepo&) = delete;

  bool bare() const;
  bool shallow() const;
  const std::string& gitdir() const;   // the repository's .git directory (or the bare repo)
  const std::string& workdir() const;  // the work tree, with a trailing '/'; empty when bare

  // Resolves a revision ("main", "v1.0^", an id) to a commit id (hex).
  Result<std::string> ResolveCommit(std::string_view rev) const;
  // Whether `hex` names an object present in the object database.
  bool HasObject(std::string_view hex) const;
  Result<GitCommitInfo> Commit(std::string_view hex) const;
  // Names of the refs matching a glob ("refs/remotes/origin/*").
  std::vector<std::string> RefsMatching(std::string_view glob) const;
  // The hooks directory: core.hooksPath (relative to the work tree) if set, else <gitdir>/hooks.
  std::string HooksDir() const;

  struct Impl;
  Impl* impl() const { return impl_.get(); }  // for this module's sources

 private:
  explicit GitRepo(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct GitHistoryOptions {
  std::vector<std::string> revs;       // tips; none (and no range) = every ref, HEAD, stash reflog
  std::vector<std::string> hide;       // revisions whose history is excluded
  std::vector<std::string> hide_refs;  // ref globs whose history is excluded (pre-push)
  std::string range;                   // "A..B", "A...B" (or a single revision)
  uint64_t max_commits = 0;            // only the newest N selected commits (0 = no limit)
  bool all_objects = false;            // also what no ref reaches
  bool all_locations = false;          // report a blob at every commit/path that introduced it
  bool recurse_submodules = false;     // also scan checked-out submodules' histories
};

struct GitWalkStats {
  uint64_t commits = 0;              // selected commits walked
  uint64_t unreachable_commits = 0;  // --all-objects: commits no ref reaches, walked too
  uint64_t trees = 0;                // unique trees read
  uint64_t blobs = 0;                // unique blobs emitted
  uint64_t unreachable_blobs = 0;    // blobs no commit holds (--all-objects)
  uint64_t missing_objects = 0;      // unreadable commits/trees (warned)
  bool shallow = false;
  std::vector<std::string> submodules_skipped;  // gitlink paths not followed
};

class GitHistorySource : public Source {
 public:
  GitHistorySource(std::string repo_path, GitHistoryOptions options);
  ~GitHistorySource() override;

  // Opens the repository, resolves revisions and builds the commit graph. Must succeed before
  // `Enumerate`. Errors: not a repository, a revision that does not resolve (tier 2).
  Status Prepare();
  Status Enumerate(const std::function<void(Item&&)>& emit,
                   const std::function<void(SkipReason, const std::string&, const std::string&)>&
                       skipped) override;
  std::unique_ptr<ItemReader> NewReader() override;

  const GitWalkStats& stats() const;
  GitRepo& repo();
  // Whether `secret` was already in the file at `path` in a parent of commit `hex` (then that
  // commit did not introduce it there: it only edited a file that held it); with an empty
  // `secret` (a path-only rule's finding), whether the path was already there. False for root
  // commits and when a parent cannot be read.
  bool SecretInParents(std::string_view hex, const std::string& path,
                       std::string_view secret) const;
  // Commit metadata from the repository or, for --recurse-submodules, its submodules.
  Result<GitCommitInfo> CommitInfo(std::string_view hex) const;

  struct State;

 private:
  std::unique_ptr<State> s_;
};

class GitStagedSource : public Source {
 public:
  explicit GitStagedSource(std::string repo_path);
  ~GitStagedSource() override;

  // Opens the repository and diffs HEAD (or nothing, before the first commit) against the index.
  // Errors: not a repository, a bare repository.
  Status Prepare();
  Status Enumerate(const std::function<void(Item&&)>& emit,
                   const std::function<void(SkipReason, const std::string&, const std::string&)>&
                       skipped) override;
  std::unique_ptr<ItemReader> NewReader() override;

  // Whether a finding at `path` spanning lines [line, end_line] touches a line the index adds;
  // line 0 (a finding on the path itself) counts when the path is new (added, renamed, copied).
  bool TouchesAddedLines(const std::string& path, size_t line, size_t end_line) const;
  size_t files() const;
  GitRepo& repo();

  struct State;

 private:
  std::unique_ptr<State> s_;
};

// Parses git's pre-push hook input ("<local ref> <local id> <remote ref> <remote id>" per line)
// into history options: the local ids as tips, the remote ids that exist locally as hidden, and
// for new branches (remote id all zeros) the remote's tracking refs as hidden. Deletions push
// nothing and are left out. Error: a malformed line (names the line number).
struct PrePushUpdate {
  std::string local_ref, local_id, remote_ref, remote_id;
};
Result<std::vector<PrePushUpdate>> ParsePrePush(std::string_view input);

}  // namespace leakguard::input
