#include "audit/git_repo.h"

#include <fmt/core.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "base/log.h"

namespace leakguard::audit {

Environment Environment::FromProcess() {
  auto get = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  Environment e;
  e.home = get("HOME");
  e.xdg_config_home = get("XDG_CONFIG_HOME");
  e.git_config_global = get("GIT_CONFIG_GLOBAL");
  e.git_config_system = get("GIT_CONFIG_SYSTEM");
  const std::string nosystem = get("GIT_CONFIG_NOSYSTEM");
  // git reads it as a boolean: set and not false.
  e.git_config_nosystem = !nosystem.empty() && nosystem != "0" && nosystem != "false" &&
                          nosystem != "no" && nosystem != "off";
  e.ceiling_directories = get("GIT_CEILING_DIRECTORIES");
  return e;
}

std::string Environment::XdgGitDir() const {
  if (!xdg_config_home.empty()) return xdg_config_home + "/git";
  if (home.empty()) return {};
  return home + "/.config/git";
}

namespace internal {
namespace {

void InitLibgit2() {
  static const bool done = [] {
    git_libgit2_init();
    // The audit only reads (and, with --fix, appends to .gitignore): it never runs hooks, filters
    // or other commands a hostile config could name, so a repository owned by another user (a
    // CI checkout, a mounted volume) is safe to audit, as `git config --global safe.directory`
    // would allow.
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    return true;
  }();
  (void)done;
}

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string WithSlash(const char* p) {
  std::string s = p ? p : "";
  if (!s.empty() && s.back() != '/') s += '/';
  return s;
}

std::string ScopeName(int level) {
  switch (level) {
    case GIT_CONFIG_LEVEL_SYSTEM:
      return "system";
    case GIT_CONFIG_LEVEL_XDG:
      return "xdg";
    case GIT_CONFIG_LEVEL_GLOBAL:
      return "global";
    case GIT_CONFIG_LEVEL_LOCAL:
      return "local";
    case GIT_CONFIG_LEVEL_APP:
      return "worktree";
    default:
      return "other";
  }
}

std::string FormatTime(const git_time& t) {
  std::time_t secs = static_cast<std::time_t>(t.time) + static_cast<std::time_t>(t.offset) * 60;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  const int off = t.offset < 0 ? -t.offset : t.offset;
  return fmt::format("{}{}{:02}:{:02}", buf, t.offset < 0 ? '-' : '+', off / 60, off % 60);
}

}  // namespace

std::string LastGitError() {
  const git_error* e = git_error_last();
  return e && e->message ? std::string(e->message) : std::string("unknown error");
}

Result<std::unique_ptr<GitRepo>> GitRepo::Open(const std::string& path, const Environment& env) {
  InitLibgit2();
  // libgit2 looks up the global/XDG/system files (and the default core.excludesFile, and `~` in
  // paths) in these directories; point them at the environment given.
  git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, env.home.c_str());
  const std::string xdg = env.XdgGitDir();
  git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, xdg.c_str());
  git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM,
                   env.git_config_nosystem ? "" : "/etc");

  std::unique_ptr<GitRepo> r(new GitRepo());
  r->env_ = env;
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(
      &raw, path.c_str(), 0,
      env.ceiling_directories.empty() ? nullptr : env.ceiling_directories.c_str());
  r->repo_.reset(raw);
  if (rc == GIT_ENOTFOUND)
    return Err(NotFound(fmt::format("{}: not a git repository (nor any of its parent directories)",
                                    PrintablePath(path))));
  if (rc < 0)
    return Err(IoError(fmt::format("{}: cannot open the git repository: {}", PrintablePath(path),
                                   LastGitError())));
  r->loc_.bare = git_repository_is_bare(raw) != 0;
  r->loc_.workdir = WithSlash(git_repository_workdir(raw));
  r->loc_.gitdir = WithSlash(git_repository_path(raw));
  if (Status s = r->BuildConfig(); !s.ok()) return Err(s);
  return r;
}

Status GitRepo::BuildConfig() {
  git_config* raw = nullptr;
  if (git_config_new(&raw) < 0) return Internal("git config: " + LastGitError());
  config_.reset(raw);
  auto add = [&](const std::string& file, git_config_level_t level) -> Status {
    if (!IsRegularFile(file)) return Status::Ok();
    if (git_config_add_file_ondisk(config_.get(), file.c_str(), level, repo_.get(), 0) < 0)
      return ParseError(
          fmt::format("{}: invalid git config: {}", PrintablePath(file), LastGitError()));
    config_files_.emplace_back(level, file);
    return Status::Ok();
  };
  if (!env_.git_config_nosystem) {
    std::string system =
        env_.git_config_system.empty() ? std::string("/etc/gitconfig") : env_.git_config_system;
    if (Status s = add(system, GIT_CONFIG_LEVEL_SYSTEM); !s.ok()) return s;
  }
  if (env_.git_config_global.empty()) {
    if (const std::string xdg = env_.XdgGitDir(); !xdg.empty())
      if (Status s = add(xdg + "/config", GIT_CONFIG_LEVEL_XDG); !s.ok()) return s;
    if (!env_.home.empty())
      if (Status s = add(env_.home + "/.gitconfig", GIT_CONFIG_LEVEL_GLOBAL); !s.ok()) return s;
  } else {
    // As in git: GIT_CONFIG_GLOBAL replaces both ~/.gitconfig and the XDG file.
    if (Status s = add(env_.git_config_global, GIT_CONFIG_LEVEL_GLOBAL); !s.ok()) return s;
  }
  const std::string common = WithSlash(git_repository_commondir(repo_.get()));
  if (Status s = add(common + "config", GIT_CONFIG_LEVEL_LOCAL); !s.ok()) return s;
  int worktree_config = 0;
  if (git_config_get_bool(&worktree_config, config_.get(), "extensions.worktreeconfig") == 0 &&
      worktree_config)
    if (Status s = add(loc_.gitdir + "config.worktree", GIT_CONFIG_LEVEL_APP); !s.ok()) return s;
  if (git_repository_set_config(repo_.get(), config_.get()) < 0)
    return Internal("git config: " + LastGitError());
  return Status::Ok();
}

Result<std::vector<IndexEntry>> GitRepo::Index() const {
  std::vector<IndexEntry> out;
  if (loc_.bare) {
    // No index: what is committed on HEAD is what is tracked.
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo_.get(), "HEAD^{tree}") < 0) return out;  // unborn HEAD
    TreePtr tree(reinterpret_cast<git_tree*>(obj));
    auto cb = [](const char* root, const git_tree_entry* e, void* payload) -> int {
      if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return 0;
      IndexEntry ie;
      ie.path = std::string(root) + git_tree_entry_name(e);
      git_oid_cpy(&ie.id, git_tree_entry_id(e));
      ie.mode = static_cast<uint32_t>(git_tree_entry_filemode(e));
      static_cast<std::vector<IndexEntry>*>(payload)->push_back(std::move(ie));
      return 0;
    };
    if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, cb, &out) < 0)
      return Err(IoError("reading HEAD's tree: " + LastGitError()));
    return out;
  }
  git_index* raw = nullptr;
  if (git_repository_index(&raw, repo_.get()) < 0)
    return Err(IoError("reading the index: " + LastGitError()));
  IndexPtr index(raw);
  const size_t n = git_index_entrycount(index.get());
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index.get(), i);
    if (!e || !e->path) continue;
    if (!out.empty() && out.back().path == e->path) continue;  // conflict stages
    IndexEntry ie;
    ie.path = e->path;
    git_oid_cpy(&ie.id, &e->id);
    ie.mode = e->mode;
    out.push_back(std::move(ie));
  }
  return out;
}

Status GitRepo::ModifiedFiles(std::vector<std::string>* modified) {
  git_status_options opts;
  git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
  opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* raw = nullptr;
  if (git_status_list_new(&raw, repo_.get(), &opts) < 0)
    return IoError("reading the working tree status: " + LastGitError());
  StatusListPtr list(raw);
  const size_t n = git_status_list_entrycount(list.get());
  for (size_t i = 0; i < n; ++i) {
    const git_status_entry* s = git_status_byindex(list.get(), i);
    if (!s || !s->index_to_workdir) continue;
    const char* path = s->index_to_workdir->new_file.path;
    if (path && (s->status & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE)))
      modified->emplace_back(path);
  }
  return Status::Ok();
}

std::string GitRepo::CommonDir() const { return WithSlash(git_repository_commondir(repo_.get())); }

Result<std::optional<std::string>> GitRepo::ReadBlob(const git_oid& id, uint64_t max_size,
                                                     bool* too_large) const {
  *too_large = false;
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo_.get(), &id) < 0) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &id);
    return Err(IoError(fmt::format("blob {}: {}", hex, LastGitError())));
  }
  BlobPtr blob(raw);
  const auto size = static_cast<uint64_t>(git_blob_rawsize(blob.get()));
  if (size > max_size) {
    *too_large = true;
    return std::optional<std::string>();
  }
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::optional<std::string>(std::string(data ? data : "", static_cast<size_t>(size)));
}

std::vector<ConfigEntry> GitRepo::ConfigEntries() const {
  std::vector<ConfigEntry> out;
  git_config_iterator* raw = nullptr;
  if (git_config_iterator_new(&raw, config_.get()) < 0) return out;
  ConfigIteratorPtr it(raw);
  git_config_entry* e = nullptr;
  while (git_config_next(&e, it.get()) == 0) {
    ConfigEntry ce;
    ce.name = e->name ? e->name : "";
    ce.has_value = e->value != nullptr;
    ce.value = e->value ? e->value : "";
    ce.level = static_cast<int>(e->level);
    ce.scope = ScopeName(ce.level);
    ce.included = e->include_depth > 0;
    for (const auto& [level, file] : config_files_)
      if (level == ce.level) ce.file = file;
    out.push_back(std::move(ce));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ConfigEntry& a, const ConfigEntry& b) { return a.level < b.level; });
  return out;
}

std::optional<std::string> GitRepo::ConfigString(const char* name) const {
  git_buf buf = GIT_BUF_INIT;
  if (git_config_get_string_buf(&buf, config_.get(), name) < 0) return std::nullopt;
  std::string out(buf.ptr ? buf.ptr : "", buf.size);
  git_buf_dispose(&buf);
  return out;
}

Result<GitRepo::WalkStats> GitRepo::WalkHistory(
    const std::function<void(const CommitInfo&, const std::vector<Delta>&)>& visit) const {
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo_.get()) < 0)
    return Err(IoError("walking history: " + LastGitError()));
  RevwalkPtr walk(raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  bool any = false;
  if (git_revwalk_push_glob(walk.get(), "refs/*") == 0)
    any = true;
  else
    Warn("walking history: some refs could not be read: {}", LastGitError());
  if (git_revwalk_push_head(walk.get()) == 0) any = true;
  WalkStats stats;
  if (!any) return stats;  // no commits at all

  git_diff_options dopts;
  git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
  dopts.flags = GIT_DIFF_SKIP_BINARY_CHECK | GIT_DIFF_IGNORE_SUBMODULES;
  uint64_t& commits = stats.commits;
  uint64_t& unreadable = stats.unreadable;
  git_oid oid;
  std::vector<Delta> deltas;
  while (git_revwalk_next(&oid, walk.get()) == 0) {
    git_commit* craw = nullptr;
    if (git_commit_lookup(&craw, repo_.get(), &oid) < 0) {
      ++unreadable;
      continue;
    }
    CommitPtr commit(craw);
    git_tree* traw = nullptr;
    if (git_commit_tree(&traw, commit.get()) < 0) {
      ++unreadable;
      continue;
    }
    TreePtr tree(traw);
    TreePtr parent_tree;
    if (git_commit_parentcount(commit.get()) > 0) {
      git_commit* praw = nullptr;
      if (git_commit_parent(&praw, commit.get(), 0) == 0) {
        CommitPtr parent(praw);
        git_tree* ptraw = nullptr;
        if (git_commit_tree(&ptraw, parent.get()) == 0) parent_tree.reset(ptraw);
      }
    }
    git_diff* draw = nullptr;
    if (git_diff_tree_to_tree(&draw, repo_.get(), parent_tree.get(), tree.get(), &dopts) < 0) {
      ++unreadable;
      continue;
    }
    DiffPtr diff(draw);
    deltas.clear();
    const size_t n = git_diff_num_deltas(diff.get());
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
      if (!d || !d->new_file.path) continue;
      if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED &&
          d->status != GIT_DELTA_TYPECHANGE && d->status != GIT_DELTA_COPIED &&
          d->status != GIT_DELTA_RENAMED)
        continue;
      if (d->new_file.mode != GIT_FILEMODE_BLOB && d->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE)
        continue;  // links and submodules hold no file content
      Delta delta;
      delta.path = d->new_file.path;
      git_oid_cpy(&delta.id, &d->new_file.id);
      delta.mode = d->new_file.mode;
      deltas.push_back(std::move(delta));
    }
    ++commits;
    if (deltas.empty()) continue;
    CommitInfo info;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &oid);
    info.id = hex;
    if (const git_signature* a = git_commit_author(commit.get())) {
      info.author = a->name ? a->name : "";
      info.email = a->email ? a->email : "";
      info.date = FormatTime(a->when);
    }
    if (const char* s = git_commit_summary(commit.get())) info.summary = s;
    visit(info, deltas);
  }
  return stats;
}

}  // namespace internal
}  // namespace leakguard::audit
