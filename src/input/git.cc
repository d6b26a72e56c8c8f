#include "input/git.h"

#include <fmt/core.h>
#include <git2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <queue>
#include <unordered_map>

#include "base/log.h"
#include "input/archive.h"

namespace leakguard::input {
namespace {

// libgit2 is initialised once per process and left initialised (its global state is freed at
// exit). Object caching is off: the walk reads each object once and keeps what it needs itself.
// Strict hash verification is off, as in `git cat-file`: re-hashing every object read (with
// collision detection) cost more CPU than decompressing it; zlib's checksum still catches
// corrupt data.
void InitLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    // Pack files are mapped in windows; the default allows 8 GiB mapped, all of it resident
    // once read. Bounded to 640 MiB so memory does not grow with the size of the packs; a
    // smaller limit made the kernel's unmap/fault work 15% of the run on a 582 MB pack.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, static_cast<size_t>(256) << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, static_cast<size_t>(640) << 20);
  });
}

std::string LastError() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

struct RepoDeleter {
  void operator()(git_repository* p) const { git_repository_free(p); }
};
struct OdbDeleter {
  void operator()(git_odb* p) const { git_odb_free(p); }
};
struct CommitDeleter {
  void operator()(git_commit* p) const { git_commit_free(p); }
};
struct TreeDeleter {
  void operator()(git_tree* p) const { git_tree_free(p); }
};
struct ObjectDeleter {
  void operator()(git_object* p) const { git_object_free(p); }
};
struct OdbObjectDeleter {
  void operator()(git_odb_object* p) const { git_odb_object_free(p); }
};
struct RefDeleter {
  void operator()(git_reference* p) const { git_reference_free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, RepoDeleter>;
using OdbPtr = std::unique_ptr<git_odb, OdbDeleter>;
using CommitPtr = std::unique_ptr<git_commit, CommitDeleter>;
using TreePtr = std::unique_ptr<git_tree, TreeDeleter>;
using ObjectPtr = std::unique_ptr<git_object, ObjectDeleter>;
using OdbObjectPtr = std::unique_ptr<git_odb_object, OdbObjectDeleter>;
using RefPtr = std::unique_ptr<git_reference, RefDeleter>;

std::string Hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

bool ParseHex(std::string_view hex, git_oid* out) {
  return hex.size() == GIT_OID_HEXSZ && git_oid_fromstrn(out, hex.data(), hex.size()) == 0;
}

// A set of object ids: open addressing, linear probing, ids stored inline (20 bytes a slot, no
// node allocations), so a million blobs cost ~40 MB, not ~100.
class OidSet {
 public:
  OidSet() { slots_.resize(1024); }
  // Inserts; false if already present.
  bool Insert(const git_oid& id) {
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    return InsertInto(&slots_, id);
  }
  bool Contains(const git_oid& id) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = HashOf(id) & mask;; i = (i + 1) & mask) {
      if (IsEmpty(slots_[i])) return false;
      if (git_oid_equal(&slots_[i], &id)) return true;
    }
  }
  size_t size() const { return size_; }

 private:
  static size_t HashOf(const git_oid& id) {
    size_t h;
    std::memcpy(&h, id.id, sizeof h);  // object ids are uniformly distributed already
    return h;
  }
  // The all-zero id never names an object: it marks an empty slot.
  static bool IsEmpty(const git_oid& id) {
    uint64_t a, b;
    uint32_t c;
    std::memcpy(&a, id.id, 8);
    std::memcpy(&b, id.id + 8, 8);
    std::memcpy(&c, id.id + 16, 4);
    return (a | b | c) == 0;
  }
  bool InsertInto(std::vector<git_oid>* slots, const git_oid& id) {
    const size_t mask = slots->size() - 1;
    for (size_t i = HashOf(id) & mask;; i = (i + 1) & mask) {
      git_oid& s = (*slots)[i];
      if (IsEmpty(s)) {
        if (IsEmpty(id)) return false;
        s = id;
        ++size_;
        return true;
      }
      if (git_oid_equal(&s, &id)) return false;
    }
  }
  void Grow() {
    std::vector<git_oid> bigger(slots_.size() * 2);
    size_ = 0;
    for (const git_oid& id : slots_)
      if (!IsEmpty(id)) InsertInto(&bigger, id);
    slots_.swap(bigger);
  }
  std::vector<git_oid> slots_;
  size_t size_ = 0;
};

struct OidHash {
  size_t operator()(const git_oid& id) const {
    size_t h;
    std::memcpy(&h, id.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};

std::string FormatDate(const git_time& when) {
  // The author's local time: UTC shifted by the recorded offset, printed with that offset.
  std::time_t t = static_cast<std::time_t>(when.time) + static_cast<std::time_t>(when.offset) * 60;
  std::tm tm{};
  gmtime_r(&t, &tm);
  const int off = when.offset;
  const char sign = off < 0 ? '-' : '+';
  const int abs_off = off < 0 ? -off : off;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
                     abs_off / 60, abs_off % 60);
}

Result<RepoPtr> OpenRepo(const std::string& path, bool search) {
  InitLibgit2();
  git_repository* raw = nullptr;
  const unsigned flags = search ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH;
  if (git_repository_open_ext(&raw, path.c_str(), flags, nullptr) != 0)
    return Err(InvalidArgument(
        fmt::format("{}: not a git repository ({})", PrintablePath(path), LastError())));
  return RepoPtr(raw);
}

// Reads blobs by id from its own repository handle (one per worker thread). `origin` selects the
// repository: 0 is the scanned one, n > 0 its n-th submodule (see SharedRepos).
class SharedRepos {
 public:
  explicit SharedRepos(std::string gitdir) { gitdirs_.push_back(std::move(gitdir)); }
  uint32_t Add(std::string gitdir) {
    std::lock_guard lock(mu_);
    gitdirs_.push_back(std::move(gitdir));
    return static_cast<uint32_t>(gitdirs_.size() - 1);
  }
  std::string Get(uint32_t i) const {
    std::lock_guard lock(mu_);
    return i < gitdirs_.size() ? gitdirs_[i] : std::string();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> gitdirs_;
};

class GitBlobReader : public ItemReader {
 public:
  explicit GitBlobReader(std::shared_ptr<SharedRepos> repos) : repos_(std::move(repos)) {}

  SkipReason Read(const Item& item, const ReadOptions& options, std::string* buf,
                  std::string* detail) override {
    auto where = [&] {
      return item.prov.path.empty() ? fmt::format("blob {}", item.prov.blob)
                                    : fmt::format("{} (blob {})", PrintablePath(item.prov.path),
                                                  item.prov.blob.substr(0, 12));
    };
    git_odb* odb = Odb(item.origin);
    git_oid id;
    if (!odb || !ParseHex(item.prov.blob, &id)) {
      *detail = fmt::format("{}: cannot open the object database", where());
      return SkipReason::kUnreadable;
    }
    size_t len = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&len, &type, odb, &id) != 0) {
      *detail = fmt::format("{}: missing or corrupt object: {}", where(), LastError());
      return SkipReason::kUnreadable;
    }
    if (len > options.max_file_size) {
      *detail = fmt::format("{}: {} bytes is over --max-file-size ({} bytes), skipped", where(),
                            len, options.max_file_size);
      return SkipReason::kTooLarge;
    }
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, odb, &id) != 0) {
      *detail = fmt::format("{}: missing or corrupt object: {}", where(), LastError());
      return SkipReason::kUnreadable;
    }
    OdbObjectPtr obj(raw);
    const char* data = static_cast<const char*>(git_odb_object_data(obj.get()));
    const size_t size = git_odb_object_size(obj.get());
    const std::string_view content(data, size);
    if (item.check_binary && !options.scan_binary && LooksBinary(content) &&
        !(options.archives &&
          DetectContainer(content, item.prov.rel_path) != ContainerKind::kNone)) {
      *detail = fmt::format("{}: binary content, skipped", where());
      return SkipReason::kBinary;
    }
    buf->assign(data, size);
    return SkipReason::kNone;
  }

 private:
  git_odb* Odb(uint32_t origin) {
    if (origin >= odbs_.size()) odbs_.resize(origin + 1);
    auto& slot = odbs_[origin];
    if (!slot.odb && !slot.failed) {
      auto repo = OpenRepo(repos_->Get(origin), false);
      git_odb* odb = nullptr;
      if (repo && git_repository_odb(&odb, repo->get()) == 0) {
        slot.repo = std::move(*repo);
        slot.odb.reset(odb);
      } else {
        slot.failed = true;
      }
    }
    return slot.odb.get();
  }
  struct Slot {
    RepoPtr repo;
    OdbPtr odb;
    bool failed = false;
  };
  std::shared_ptr<SharedRepos> repos_;
  std::vector<Slot> odbs_;
};

// "refs/heads/x" style names may hold any byte; hex ids are plain.
std::vector<std::string> ReadShallowFile(const std::string& gitdir) {
  std::vector<std::string> ids;
  std::ifstream in(gitdir + "/shallow");
  std::string line;
  while (std::getline(in, line))
    if (line.size() >= GIT_OID_HEXSZ) ids.push_back(line.substr(0, GIT_OID_HEXSZ));
  return ids;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// GitRepo

struct GitRepo::Impl {
  RepoPtr repo;
  std::string gitdir, workdir;
};

GitRepo::GitRepo(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GitRepo::~GitRepo() = default;

Result<std::unique_ptr<GitRepo>> GitRepo::Open(const std::string& path) {
  auto repo = OpenRepo(path, true);
  if (!repo) return std::unexpected(repo.error());
  auto impl = std::make_unique<Impl>();
  impl->gitdir = git_repository_path(repo->get());
  if (const char* wd = git_repository_workdir(repo->get())) impl->workdir = wd;
  impl->repo = std::move(*repo);
  return std::unique_ptr<GitRepo>(new GitRepo(std::move(impl)));
}

bool GitRepo::bare() const { return git_repository_is_bare(impl_->repo.get()) == 1; }
bool GitRepo::shallow() const { return git_repository_is_shallow(impl_->repo.get()) == 1; }
const std::string& GitRepo::gitdir() const { return impl_->gitdir; }
const std::string& GitRepo::workdir() const { return impl_->workdir; }

Result<std::string> GitRepo::ResolveCommit(std::string_view rev) const {
  git_object* raw = nullptr;
  const std::string spec(rev);
  if (git_revparse_single(&raw, impl_->repo.get(), spec.c_str()) != 0)
    return Err(InvalidArgument(
        fmt::format("'{}': unknown revision ({})", PrintablePath(spec), LastError())));
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0)
    return Err(InvalidArgument(fmt::format("'{}' does not name a commit", PrintablePath(spec))));
  ObjectPtr commit(peeled);
  return Hex(*git_object_id(commit.get()));
}

bool GitRepo::HasObject(std::string_view hex) const {
  git_oid id;
  git_odb* odb = nullptr;
  if (!ParseHex(hex, &id) || git_repository_odb(&odb, impl_->repo.get()) != 0) return false;
  OdbPtr holder(odb);
  return git_odb_exists(odb, &id) == 1;
}

Result<GitCommitInfo> GitRepo::Commit(std::string_view hex) const {
  git_oid id;
  if (!ParseHex(hex, &id)) return Err(InvalidArgument(fmt::format("'{}' is not a commit id", hex)));
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, impl_->repo.get(), &id) != 0)
    return Err(NotFound(fmt::format("commit {}: {}", hex, LastError())));
  CommitPtr c(raw);
  GitCommitInfo info;
  info.id = std::string(hex);
  if (const git_signature* a = git_commit_author(c.get())) {
    info.author = a->name ? a->name : "";
    info.email = a->email ? a->email : "";
    info.date = FormatDate(a->when);
  }
  if (const char* s = git_commit_summary(c.get())) info.summary = s;
  return info;
}

std::vector<std::string> GitRepo::RefsMatching(std::string_view glob) const {
  std::vector<std::string> names;
  git_reference_iterator* it = nullptr;
  const std::string g(glob);
  if (git_reference_iterator_glob_new(&it, impl_->repo.get(), g.c_str()) != 0) return names;
  const char* name = nullptr;
  while (git_reference_next_name(&name, it) == 0) names.emplace_back(name);
  git_reference_iterator_free(it);
  return names;
}

std::string GitRepo::HooksDir() const {
  git_config* cfg = nullptr;
  std::string dir = impl_->gitdir + "hooks";
  if (git_repository_config_snapshot(&cfg, impl_->repo.get()) == 0) {
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_path(&buf, cfg, "core.hooksPath") == 0 && buf.ptr && *buf.ptr) {
      std::string p = buf.ptr;
      if (p[0] != '/') p = (impl_->workdir.empty() ? impl_->gitdir : impl_->workdir) + p;
      dir = p;
    }
    git_buf_dispose(&buf);
    git_config_free(cfg);
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// ---------------------------------------------------------------------------------------------
// History

struct GitHistorySource::State {
  std::string path;
  GitHistoryOptions options;
  std::unique_ptr<GitRepo> repo;
  std::shared_ptr<SharedRepos> repos;
  GitWalkStats stats;

  // The commit graph of the selection.
  struct Node {
    git_oid id;
    git_oid tree;
    int64_t time = 0;
    std::vector<uint32_t> parents;    // indices of selected parents
    std::vector<git_oid> parent_ids;  // every parent (--all-locations compares with them)
  };
  std::vector<Node> nodes;
  std::unordered_map<git_oid, uint32_t, OidHash, OidEq> index;
  std::vector<uint32_t> order;          // topological, parents first
  std::vector<git_oid> boundary_trees;  // trees of hidden/cut parents: seeded, never emitted
  std::vector<std::pair<std::string, git_oid>> tagged_blobs;  // refs that point at a blob
  std::vector<std::pair<std::string, git_oid>> tagged_trees;  // refs that point at a tree
  OidSet hidden;
  std::set<std::string> shallow_ids;

  OidSet seen_trees, seen_blobs;
  bool prepared = false;
  std::vector<std::unique_ptr<GitRepo>> submodule_repos;  // --recurse-submodules

  // --all-locations: items are held until the walk ends, to collect every location.
  std::vector<Item> held;
  std::unordered_map<git_oid, size_t, OidHash, OidEq> held_index;

  git_repository* r() const;
};

git_repository* GitHistorySource::State::r() const { return repo->impl()->repo.get(); }

namespace {

// Peels `obj` to a commit id; false if it is not (or does not lead to) a commit.
bool PeelToCommit(git_object* obj, git_oid* out) {
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) return false;
  *out = *git_object_id(peeled);
  git_object_free(peeled);
  return true;
}

}  // namespace

GitHistorySource::GitHistorySource(std::string repo_path, GitHistoryOptions options)
    : s_(std::make_unique<State>()) {
  s_->path = std::move(repo_path);
  s_->options = std::move(options);
}
GitHistorySource::~GitHistorySource() = default;
const GitWalkStats& GitHistorySource::stats() const { return s_->stats; }
GitRepo& GitHistorySource::repo() { return *s_->repo; }

namespace {

struct Walker {
  GitHistorySource::State& s;
  const std::function<void(Item&&)>* emit = nullptr;
  std::map<std::string, git_oid> gitlinks;  // submodule path -> commit

  bool FirstVisit(const git_oid& tree) { return s.seen_trees.Insert(tree); }

  void Blob(const git_oid& id, const std::string& path, const git_oid* commit, bool unreachable,
            bool report) {
    const bool fresh = s.seen_blobs.Insert(id);
    if (!report) return;
    Provenance prov;
    prov.kind = Provenance::Kind::kGit;
    prov.path = path;
    prov.rel_path = path;
    prov.commit = commit ? Hex(*commit) : std::string();
    prov.unreachable = unreachable;
    if (!fresh) {
      if (!s.options.all_locations) return;
      auto it = s.held_index.find(id);
      if (it == s.held_index.end()) return;  // first seen in a seeded boundary tree
      Item& held = s.held[it->second];
      if (held.prov.rel_path == path && held.prov.commit == prov.commit) return;
      prov.blob = held.prov.blob;
      held.also_at.push_back(std::move(prov));
      return;
    }
    prov.blob = Hex(id);
    ++s.stats.blobs;
    Item item;
    item.prov = std::move(prov);
    if (s.options.all_locations) {
      s.held_index.emplace(id, s.held.size());
      s.held.push_back(std::move(item));
    } else {
      (*emit)(std::move(item));
    }
  }

  // Walks the tree `root` (depth-first, an explicit stack: hostile repositories can nest deep),
  // entering only trees not seen before. `report` false seeds the seen sets without emitting.
  void Tree(const git_oid& root, const std::string& root_prefix, const git_oid* commit,
            bool unreachable, bool report) {
    std::vector<std::pair<git_oid, std::string>> stack;
    stack.emplace_back(root, root_prefix);
    while (!stack.empty()) {
      auto [id, prefix] = std::move(stack.back());
      stack.pop_back();
      if (!FirstVisit(id)) continue;
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, s.r(), &id) != 0) {
        ++s.stats.missing_objects;
        Warn("git: tree {}{}: missing or corrupt, skipped: {}", Hex(id),
             prefix.empty() ? "" : fmt::format(" ({})", PrintablePath(prefix)), LastError());
        continue;
      }
      TreePtr tree(raw);
      ++s.stats.trees;
      const size_t n = git_tree_entrycount(tree.get());
      for (size_t i = n; i-- > 0;) {  // reversed: the stack pops subtrees in name order
        const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
        const git_oid* eid = git_tree_entry_id(e);
        // Most entries of most trees were seen in an earlier commit: skip them before building
        // their path (malloc/memcpy for a path per entry was most of the walk thread's libc time).
        switch (git_tree_entry_filemode(e)) {
          case GIT_FILEMODE_TREE:
            if (s.seen_trees.Contains(*eid)) break;
            stack.emplace_back(*eid, prefix + git_tree_entry_name(e) + '/');
            break;
          case GIT_FILEMODE_BLOB:
          case GIT_FILEMODE_BLOB_EXECUTABLE:
            if (s.seen_blobs.Contains(*eid)) break;
            Blob(*eid, prefix + git_tree_entry_name(e), commit, unreachable, report);
            break;
          case GIT_FILEMODE_COMMIT:
            if (report) gitlinks.emplace(prefix + git_tree_entry_name(e), *eid);
            break;
          default:  // symlinks hold a path, not content
            break;
        }
      }
    }
  }

  // --all-locations: the paths where commit `commit` introduced content, i.e. entries whose id
  // differs from the same path in every parent (an entry unchanged from any parent was not
  // introduced here). Walks the commit's tree beside its parents' trees, entering only subtrees
  // that differ.
  void Diff(const git_oid& root, const std::vector<git_oid>& parent_roots, const git_oid* commit,
            bool unreachable) {
    struct Frame {
      git_oid tree;
      std::string prefix;
      std::vector<git_oid> parents;
    };
    std::vector<Frame> stack;
    stack.push_back({root, "", parent_roots});
    while (!stack.empty()) {
      Frame f = std::move(stack.back());
      stack.pop_back();
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, s.r(), &f.tree) != 0) {
        ++s.stats.missing_objects;
        Warn("git: tree {}{}: missing or corrupt, skipped: {}", Hex(f.tree),
             f.prefix.empty() ? "" : fmt::format(" ({})", PrintablePath(f.prefix)), LastError());
        continue;
      }
      TreePtr tree(raw);
      if (s.seen_trees.Insert(f.tree)) ++s.stats.trees;
      std::vector<TreePtr> parents;
      for (const git_oid& p : f.parents) {
        git_tree* pt = nullptr;
        if (git_tree_lookup(&pt, s.r(), &p) == 0) parents.emplace_back(pt);
      }
      const size_t n = git_tree_entrycount(tree.get());
      for (size_t i = n; i-- > 0;) {
        const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
        const git_oid* eid = git_tree_entry_id(e);
        const char* name = git_tree_entry_name(e);
        bool unchanged = false;
        std::vector<git_oid> sub_parents;
        for (const auto& pt : parents) {
          const git_tree_entry* pe = git_tree_entry_byname(pt.get(), name);
          if (!pe) continue;
          if (git_oid_equal(git_tree_entry_id(pe), eid)) unchanged = true;
          if (git_tree_entry_filemode(pe) == GIT_FILEMODE_TREE)
            sub_parents.push_back(*git_tree_entry_id(pe));
        }
        if (unchanged) continue;
        std::string path = f.prefix + name;
        switch (git_tree_entry_filemode(e)) {
          case GIT_FILEMODE_TREE:
            path += '/';
            stack.push_back({*eid, std::move(path), std::move(sub_parents)});
            break;
          case GIT_FILEMODE_BLOB:
          case GIT_FILEMODE_BLOB_EXECUTABLE:
            Blob(*eid, path, commit, unreachable, true);
            break;
          case GIT_FILEMODE_COMMIT:
            gitlinks.emplace(std::move(path), *eid);
            break;
          default:
            break;
        }
      }
    }
  }
};

}  // namespace

// Builds the graph of the commits reachable from `tips` that are neither already in the graph
// nor hidden, appends them to s.nodes, and returns their topological order (parents first,
// older committer time first among commits whose parents are all placed).
static std::vector<uint32_t> AddGraph(GitHistorySource::State& s,
                                      const std::vector<git_oid>& tips) {
  const uint32_t first = static_cast<uint32_t>(s.nodes.size());
  std::vector<std::vector<git_oid>> parent_ids;
  std::vector<git_oid> stack(tips.rbegin(), tips.rend());
  std::set<std::string> warned;
  while (!stack.empty()) {
    git_oid id = stack.back();
    stack.pop_back();
    if (s.index.count(id) || s.hidden.Contains(id)) continue;
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, s.r(), &id) != 0) {
      const std::string hex = Hex(id);
      if ((s.shallow_ids.empty() || !s.shallow_ids.count(hex)) && warned.insert(hex).second) {
        ++s.stats.missing_objects;
        Warn("git: commit {}: missing or corrupt, its history is not scanned: {}", hex,
             LastError());
      }
      continue;
    }
    CommitPtr c(raw);
    GitHistorySource::State::Node node;
    node.id = id;
    node.tree = *git_commit_tree_id(c.get());
    node.time = git_commit_time(c.get());
    std::vector<git_oid> parents;
    // A shallow clone's boundary commits name parents that are not there, by design.
    if (s.shallow_ids.empty() || !s.shallow_ids.count(Hex(id))) {
      const unsigned np = git_commit_parentcount(c.get());
      for (unsigned p = 0; p < np; ++p) {
        const git_oid* pid = git_commit_parent_id(c.get(), p);
        if (!pid) continue;
        parents.push_back(*pid);
        stack.push_back(*pid);
      }
    }
    if (s.options.all_locations) node.parent_ids = parents;
    s.index.emplace(id, static_cast<uint32_t>(s.nodes.size()));
    s.nodes.push_back(std::move(node));
    parent_ids.push_back(std::move(parents));
  }
  const uint32_t count = static_cast<uint32_t>(s.nodes.size()) - first;
  // Parents: selected ones become edges; hidden ones are the boundary whose trees are seeded.
  std::set<std::string> boundary_seen;
  std::vector<uint32_t> indegree(count, 0);
  std::vector<std::vector<uint32_t>> children(count);
  for (uint32_t k = 0; k < count; ++k) {
    auto& node = s.nodes[first + k];
    for (const git_oid& pid : parent_ids[k]) {
      auto it = s.index.find(pid);
      if (it != s.index.end()) {
        if (it->second >= first) {
          node.parents.push_back(it->second);
          ++indegree[k];
          children[it->second - first].push_back(k);
        }
        continue;
      }
      if (s.hidden.Contains(pid) && boundary_seen.insert(Hex(pid)).second) {
        git_commit* raw = nullptr;
        if (git_commit_lookup(&raw, s.r(), &pid) == 0) {
          s.boundary_trees.push_back(*git_commit_tree_id(raw));
          git_commit_free(raw);
        }
      }
    }
  }
  using Ready = std::pair<int64_t, uint32_t>;  // (time, k): oldest first, then discovery order
  std::priority_queue<Ready, std::vector<Ready>, std::greater<Ready>> ready;
  for (uint32_t k = 0; k < count; ++k)
    if (indegree[k] == 0) ready.emplace(s.nodes[first + k].time, k);
  std::vector<uint32_t> order;
  order.reserve(count);
  while (!ready.empty()) {
    const uint32_t k = ready.top().second;
    ready.pop();
    order.push_back(first + k);
    for (uint32_t ch : children[k])
      if (--indegree[ch] == 0) ready.emplace(s.nodes[first + ch].time, ch);
  }
  if (order.size() != count) {  // impossible for a sound repository (ids are hashes)
    Warn("git: the commit graph has a cycle; {} commits walked in discovery order",
         count - order.size());
    std::vector<bool> placed(count, false);
    for (uint32_t i : order) placed[i - first] = true;
    for (uint32_t k = 0; k < count; ++k)
      if (!placed[k]) order.push_back(first + k);
  }
  return order;
}

Status GitHistorySource::Prepare() {
  State& s = *s_;
  if (!s.repo) {
    auto repo = GitRepo::Open(s.path);
    if (!repo) return repo.error();
    s.repo = std::move(*repo);
  }
  if (!s.repos) s.repos = std::make_shared<SharedRepos>(s.repo->gitdir());
  s.stats.shallow = s.repo->shallow();
  if (s.stats.shallow)
    for (auto& id : ReadShallowFile(s.repo->gitdir())) s.shallow_ids.insert(id);
  const GitHistoryOptions& o = s.options;

  auto resolve = [&](const std::string& rev, std::vector<git_oid>* out) -> Status {
    auto hex = s.repo->ResolveCommit(rev);
    if (!hex) return hex.error();
    git_oid id;
    ParseHex(*hex, &id);
    out->push_back(id);
    return Status::Ok();
  };
  std::vector<git_oid> tips, hide_tips;
  for (const auto& rev : o.revs)
    if (Status st = resolve(rev, &tips); !st.ok()) return st;
  for (const auto& rev : o.hide)
    if (Status st = resolve(rev, &hide_tips); !st.ok()) return st;
  for (const auto& glob : o.hide_refs)
    for (const auto& name : s.repo->RefsMatching(glob)) (void)resolve(name, &hide_tips);
  if (!o.range.empty()) {
    git_revspec spec{};
    if (git_revparse(&spec, s.r(), o.range.c_str()) != 0)
      return InvalidArgument(
          fmt::format("--range '{}': unknown revision ({})", PrintablePath(o.range), LastError()));
    ObjectPtr from(spec.from), to(spec.to);
    git_oid a{}, b{};
    if (from && !PeelToCommit(from.get(), &a))
      return InvalidArgument(fmt::format("--range '{}': not a commit", PrintablePath(o.range)));
    if (to && !PeelToCommit(to.get(), &b))
      return InvalidArgument(fmt::format("--range '{}': not a commit", PrintablePath(o.range)));
    if (spec.flags & GIT_REVSPEC_SINGLE) {
      tips.push_back(a);
    } else if (spec.flags & GIT_REVSPEC_MERGE_BASE) {
      tips.push_back(a);
      tips.push_back(b);
      git_oid base;
      if (git_merge_base(&base, s.r(), &a, &b) == 0) hide_tips.push_back(base);
    } else {
      hide_tips.push_back(a);
      tips.push_back(b);
    }
  }
  const bool every_ref = o.revs.empty() && o.range.empty();
  if (every_ref) {
    git_reference_iterator* it = nullptr;
    if (git_reference_iterator_new(&it, s.r()) == 0) {
      git_reference* raw = nullptr;
      while (git_reference_next(&raw, it) == 0) {
        RefPtr ref(raw);
        const std::string name = git_reference_name(ref.get());
        git_object* obj = nullptr;
        if (git_reference_peel(&obj, ref.get(), GIT_OBJECT_ANY) != 0) {
          ++s.stats.missing_objects;
          Warn("git: ref {}: cannot be resolved, skipped: {}", PrintablePath(name), LastError());
          continue;
        }
        ObjectPtr held(obj);
        switch (git_object_type(obj)) {
          case GIT_OBJECT_COMMIT:
            tips.push_back(*git_object_id(obj));
            break;
          case GIT_OBJECT_BLOB:
            s.tagged_blobs.emplace_back(name, *git_object_id(obj));
            break;
          case GIT_OBJECT_TREE:
            s.tagged_trees.emplace_back(name, *git_object_id(obj));
            break;
          default:
            break;
        }
      }
      git_reference_iterator_free(it);
    }
    git_oid head;
    if (git_reference_name_to_id(&head, s.r(), "HEAD") == 0) tips.push_back(head);
    git_reflog* log = nullptr;
    if (git_reflog_read(&log, s.r(), "refs/stash") == 0) {
      for (size_t i = 0; i < git_reflog_entrycount(log); ++i)
        if (const git_reflog_entry* e = git_reflog_entry_byindex(log, i))
          tips.push_back(*git_reflog_entry_id_new(e));
      git_reflog_free(log);
    }
  }

  // Hidden history: everything reachable from the hidden tips.
  {
    std::vector<git_oid> stack = hide_tips;
    while (!stack.empty()) {
      git_oid id = stack.back();
      stack.pop_back();
      if (!s.hidden.Insert(id)) continue;
      if (!s.shallow_ids.empty() && s.shallow_ids.count(Hex(id))) continue;
      git_commit* raw = nullptr;
      if (git_commit_lookup(&raw, s.r(), &id) != 0) continue;
      CommitPtr c(raw);
      for (unsigned p = 0; p < git_commit_parentcount(c.get()); ++p)
        if (const git_oid* pid = git_commit_parent_id(c.get(), p)) stack.push_back(*pid);
    }
  }

  s.order = AddGraph(s, tips);
  if (o.max_commits > 0 && s.order.size() > o.max_commits) {
    // Keep the newest N; the trees of the cut commits that are parents of kept ones are seeded.
    const size_t cut = s.order.size() - o.max_commits;
    std::vector<bool> kept(s.nodes.size(), false);
    for (size_t i = cut; i < s.order.size(); ++i) kept[s.order[i]] = true;
    std::set<uint32_t> seeded;
    for (size_t i = cut; i < s.order.size(); ++i)
      for (uint32_t p : s.nodes[s.order[i]].parents)
        if (!kept[p] && seeded.insert(p).second) s.boundary_trees.push_back(s.nodes[p].tree);
    s.order.erase(s.order.begin(), s.order.begin() + static_cast<std::ptrdiff_t>(cut));
  }
  s.stats.commits = s.order.size();
  s.prepared = true;
  return Status::Ok();
}

Status GitHistorySource::Enumerate(
    const std::function<void(Item&&)>& emit,
    const std::function<void(SkipReason, const std::string&, const std::string&)>& /*skipped*/) {
  if (!s_->prepared)
    if (Status st = Prepare(); !st.ok()) return st;
  State& s = *s_;
  Walker w{s, nullptr, {}};
  w.emit = &emit;
  for (const git_oid& tree : s.boundary_trees) w.Tree(tree, "", nullptr, false, false);
  auto walk_commit = [&](uint32_t i, bool unreachable) {
    const auto& node = s.nodes[i];
    if (!s.options.all_locations) return w.Tree(node.tree, "", &node.id, unreachable, true);
    std::vector<git_oid> parent_trees;
    for (const git_oid& p : node.parent_ids) {
      auto it = s.index.find(p);
      if (it != s.index.end()) {
        parent_trees.push_back(s.nodes[it->second].tree);
        continue;
      }
      git_commit* raw = nullptr;
      if (git_commit_lookup(&raw, s.r(), &p) == 0) {
        parent_trees.push_back(*git_commit_tree_id(raw));
        git_commit_free(raw);
      }
    }
    w.Diff(node.tree, parent_trees, &node.id, unreachable);
  };
  for (uint32_t i : s.order) walk_commit(i, false);
  for (const auto& [name, tree] : s.tagged_trees) w.Tree(tree, name + ":", nullptr, false, true);
  for (const auto& [name, blob] : s.tagged_blobs) w.Blob(blob, name, nullptr, false, true);

  if (s.options.all_objects) {
    git_odb* raw = nullptr;
    if (git_repository_odb(&raw, s.r()) != 0) return IoError(LastError());
    OdbPtr odb(raw);
    // Reachability from every ref, when the selection was narrower (a range, a branch).
    const bool every_ref = s.options.revs.empty() && s.options.range.empty();
    OidSet reachable;
    if (!every_ref || s.options.max_commits > 0) {
      GitHistorySource all(s.repo->gitdir(), GitHistoryOptions{});
      if (all.Prepare().ok())
        for (const auto& n : all.s_->nodes) reachable.Insert(n.id);
    }
    std::vector<git_oid> objects;
    git_odb_foreach(
        odb.get(),
        [](const git_oid* id, void* payload) {
          static_cast<std::vector<git_oid>*>(payload)->push_back(*id);
          return 0;
        },
        &objects);
    std::sort(objects.begin(), objects.end(),
              [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
    objects.erase(std::unique(objects.begin(), objects.end(), OidEq{}), objects.end());
    std::vector<git_oid> loose_commits, loose_blobs;
    for (const git_oid& id : objects) {
      if (s.seen_blobs.Contains(id) || s.seen_trees.Contains(id) || s.index.count(id) ||
          reachable.Contains(id))
        continue;
      size_t len = 0;
      git_object_t type = GIT_OBJECT_INVALID;
      if (git_odb_read_header(&len, &type, odb.get(), &id) != 0) {
        ++s.stats.missing_objects;
        Warn("git: object {}: corrupt, skipped: {}", Hex(id), LastError());
        continue;
      }
      if (type == GIT_OBJECT_COMMIT) loose_commits.push_back(id);
      if (type == GIT_OBJECT_BLOB) loose_blobs.push_back(id);
    }
    // Commits no ref reaches: walked like the others (their parents that were walked already
    // hold only blobs already seen), attributed and flagged. The range no longer limits the walk.
    OidSet none;
    std::swap(s.hidden, none);
    std::vector<uint32_t> lost = AddGraph(s, loose_commits);
    for (uint32_t i : lost) {
      if (reachable.Contains(s.nodes[i].id)) continue;
      ++s.stats.unreachable_commits;
      walk_commit(i, true);
    }
    for (const git_oid& id : loose_blobs) {
      if (s.seen_blobs.Contains(id)) continue;
      ++s.stats.unreachable_blobs;
      w.Blob(id, "", nullptr, true, true);
    }
  }

  if (!w.gitlinks.empty()) {
    if (!s.options.recurse_submodules) {
      for (const auto& [path, id] : w.gitlinks) s.stats.submodules_skipped.push_back(path);
    } else {
      for (const auto& [path, id] : w.gitlinks) {
        git_submodule* sm = nullptr;
        git_repository* sub = nullptr;
        if (git_submodule_lookup(&sm, s.r(), path.c_str()) != 0 ||
            git_submodule_open(&sub, sm) != 0) {
          if (sm) git_submodule_free(sm);
          Note("git: submodule {}: not checked out here, not scanned", PrintablePath(path));
          continue;
        }
        RepoPtr subrepo(sub);
        git_submodule_free(sm);
        const std::string gitdir = git_repository_path(sub);
        const uint32_t origin = s.repos->Add(gitdir);
        GitHistoryOptions so;
        so.recurse_submodules = true;
        so.all_locations = s.options.all_locations;
        GitHistorySource nested(gitdir, so);
        nested.s_->repos = s.repos;
        if (Status st = nested.Prepare(); !st.ok()) {
          Warn("git: submodule {}: {}", PrintablePath(path), st.message());
          continue;
        }
        const std::string prefix = path + "/";
        auto relay = [&](Item&& item) {
          item.origin = item.origin == 0 ? origin : item.origin;
          item.prov.path = prefix + item.prov.path;
          item.prov.rel_path = item.prov.path;
          for (auto& p : item.also_at) p.path = p.rel_path = prefix + p.path;
          emit(std::move(item));
        };
        (void)nested.Enumerate(relay, {});
        s.stats.commits += nested.stats().commits;
        s.stats.blobs += nested.stats().blobs;
        s.stats.trees += nested.stats().trees;
        s.submodule_repos.push_back(std::move(nested.s_->repo));
      }
    }
  }
  for (Item& item : s.held) emit(std::move(item));
  s.held.clear();
  return Status::Ok();
}

std::unique_ptr<ItemReader> GitHistorySource::NewReader() {
  return std::make_unique<GitBlobReader>(s_->repos);
}

bool GitHistorySource::SecretInParents(std::string_view hex, const std::string& path,
                                       std::string_view secret) const {
  git_oid id;
  if (!ParseHex(hex, &id)) return false;
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, s_->r(), &id) != 0) return false;
  CommitPtr c(raw);
  for (unsigned p = 0; p < git_commit_parentcount(c.get()); ++p) {
    git_commit* praw = nullptr;
    if (git_commit_parent(&praw, c.get(), p) != 0) continue;
    CommitPtr parent(praw);
    git_tree* traw = nullptr;
    if (git_commit_tree(&traw, parent.get()) != 0) continue;
    TreePtr tree(traw);
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree.get(), path.c_str()) != 0) continue;
    std::unique_ptr<git_tree_entry, void (*)(git_tree_entry*)> holder(entry, git_tree_entry_free);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) continue;
    if (secret.empty()) return true;  // a finding on the path itself: the path was there
    git_blob* braw = nullptr;
    if (git_blob_lookup(&braw, s_->r(), git_tree_entry_id(entry)) != 0) continue;
    std::unique_ptr<git_blob, void (*)(git_blob*)> blob(braw, git_blob_free);
    const std::string_view content(static_cast<const char*>(git_blob_rawcontent(braw)),
                                   static_cast<size_t>(git_blob_rawsize(braw)));
    if (content.find(secret) != std::string_view::npos) return true;
  }
  return false;
}

Result<GitCommitInfo> GitHistorySource::CommitInfo(std::string_view hex) const {
  auto info = s_->repo->Commit(hex);
  if (info) return info;
  for (const auto& sub : s_->submodule_repos)
    if (auto i = sub->Commit(hex)) return i;
  return info;
}

// ---------------------------------------------------------------------------------------------
// Staged changes

struct GitStagedSource::State {
  std::string path;
  std::unique_ptr<GitRepo> repo;
  std::shared_ptr<SharedRepos> repos;
  struct File {
    std::string path;
    git_oid id;
    bool is_new = false;     // added, renamed or copied: the path itself is new
    bool all_lines = false;  // binary per git: no line diff, every line counts
    std::vector<size_t> added;
  };
  std::vector<File> files;
  std::unordered_map<std::string, size_t> by_path;
  int current = -1;  // the file the diff callbacks are on
};

GitStagedSource::GitStagedSource(std::string repo_path) : s_(std::make_unique<State>()) {
  s_->path = std::move(repo_path);
}
GitStagedSource::~GitStagedSource() = default;
GitRepo& GitStagedSource::repo() { return *s_->repo; }
size_t GitStagedSource::files() const { return s_->files.size(); }

Status GitStagedSource::Prepare() {
  State& s = *s_;
  auto repo = GitRepo::Open(s.path);
  if (!repo) return repo.error();
  s.repo = std::move(*repo);
  if (s.repo->bare())
    return InvalidArgument(fmt::format("--staged needs a work tree; {} is a bare repository",
                                       PrintablePath(s.repo->gitdir())));
  s.repos = std::make_shared<SharedRepos>(s.repo->gitdir());
  git_repository* r = s.repo->impl()->repo.get();
  git_index* index = nullptr;
  if (git_repository_index(&index, r) != 0)
    return IoError(fmt::format("cannot read the index: {}", LastError()));
  std::unique_ptr<git_index, void (*)(git_index*)> index_holder(index, git_index_free);
  TreePtr head_tree;
  git_object* head = nullptr;
  if (git_revparse_single(&head, r, "HEAD^{tree}") == 0)  // no HEAD yet: diff against nothing
    head_tree.reset(reinterpret_cast<git_tree*>(head));
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.context_lines = 0;
  opts.flags = GIT_DIFF_IGNORE_SUBMODULES;
  git_diff* diff = nullptr;
  if (git_diff_tree_to_index(&diff, r, head_tree.get(), index, &opts) != 0)
    return IoError(fmt::format("cannot diff HEAD against the index: {}", LastError()));
  std::unique_ptr<git_diff, void (*)(git_diff*)> diff_holder(diff, git_diff_free);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  (void)git_diff_find_similar(diff, &find);

  auto file_cb = [](const git_diff_delta* d, float, void* payload) -> int {
    auto& st = *static_cast<State*>(payload);
    st.current = -1;
    const auto mode = d->new_file.mode;
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) return 0;
    switch (d->status) {
      case GIT_DELTA_ADDED:
      case GIT_DELTA_MODIFIED:
      case GIT_DELTA_RENAMED:
      case GIT_DELTA_COPIED:
      case GIT_DELTA_TYPECHANGE:
        break;
      default:
        return 0;
    }
    State::File f;
    f.path = d->new_file.path;
    f.id = d->new_file.id;
    f.is_new = d->status != GIT_DELTA_MODIFIED;
    st.current = static_cast<int>(st.files.size());
    st.by_path.emplace(f.path, st.files.size());
    st.files.push_back(std::move(f));
    return 0;
  };
  auto binary_cb = [](const git_diff_delta*, const git_diff_binary*, void* payload) -> int {
    auto& st = *static_cast<State*>(payload);
    if (st.current >= 0) st.files[static_cast<size_t>(st.current)].all_lines = true;
    return 0;
  };
  auto line_cb = [](const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line,
                    void* payload) -> int {
    auto& st = *static_cast<State*>(payload);
    if (st.current >= 0 && line->origin == GIT_DIFF_LINE_ADDITION && line->new_lineno > 0)
      st.files[static_cast<size_t>(st.current)].added.push_back(
          static_cast<size_t>(line->new_lineno));
    return 0;
  };
  if (git_diff_foreach(diff, file_cb, binary_cb, nullptr, line_cb, &s) != 0)
    return IoError(fmt::format("cannot diff HEAD against the index: {}", LastError()));
  for (auto& f : s.files) std::sort(f.added.begin(), f.added.end());
  return Status::Ok();
}

Status GitStagedSource::Enumerate(
    const std::function<void(Item&&)>& emit,
    const std::function<void(SkipReason, const std::string&, const std::string&)>& /*skipped*/) {
  for (const auto& f : s_->files) {
    if (f.added.empty() && !f.all_lines && !f.is_new) continue;  // e.g. only deletions
    Item item;
    item.prov.kind = Provenance::Kind::kGit;
    item.prov.path = f.path;
    item.prov.rel_path = f.path;
    item.prov.blob = Hex(f.id);
    emit(std::move(item));
  }
  return Status::Ok();
}

std::unique_ptr<ItemReader> GitStagedSource::NewReader() {
  return std::make_unique<GitBlobReader>(s_->repos);
}

bool GitStagedSource::TouchesAddedLines(const std::string& path, size_t line,
                                        size_t end_line) const {
  auto it = s_->by_path.find(path);
  if (it == s_->by_path.end()) return false;
  const State::File& f = s_->files[it->second];
  if (line == 0) return f.is_new;
  if (f.all_lines) return true;
  auto lo = std::lower_bound(f.added.begin(), f.added.end(), line);
  return lo != f.added.end() && *lo <= std::max(line, end_line);
}

// ---------------------------------------------------------------------------------------------
// pre-push

Result<std::vector<PrePushUpdate>> ParsePrePush(std::string_view input) {
  std::vector<PrePushUpdate> updates;
  size_t line_no = 0;
  while (!input.empty()) {
    const size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string> fields;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
      if (j > i) fields.emplace_back(line.substr(i, j - i));
      i = j;
    }
    if (fields.empty()) continue;
    auto is_id = [](const std::string& f) {
      return f.size() == GIT_OID_HEXSZ &&
             std::all_of(f.begin(), f.end(), [](char c) { return std::isxdigit(c & 0xff); });
    };
    if (fields.size() != 4 || !is_id(fields[1]) || !is_id(fields[3]))
      return Err(InvalidArgument(fmt::format(
          "pre-push input line {}: expected '<local ref> <local id> <remote ref> <remote id>'",
          line_no)));
    updates.push_back({fields[0], fields[1], fields[2], fields[3]});
  }
  return updates;
}

}  // namespace leakguard::input
