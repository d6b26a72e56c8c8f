// GitHistorySource / GitStagedSource over real repositories made by the git CLI: which blobs are
// emitted, exactly once, with which commit and path; ranges; unreachable objects; shallow, bare
// and corrupt repositories. Rules play no part here (see tests/e2e/git_e2e_test.cc for findings).
#include "input/git.h"

#include <gtest/gtest.h>

#include <map>

#include "base/log.h"
#include "git_fixture.h"

namespace leakguard::input {
namespace {

using leakguard::testing::GitRepoBuilder;
using leakguard::testing::Quote;
using leakguard::testing::Sh;
using leakguard::testing::TempDir;

struct Walked {
  std::vector<Item> items;
  GitWalkStats stats;
  std::map<std::string, Item> by_content;  // blob content -> item
  std::vector<std::string> warnings;
};

Walked Walk(const std::string& repo, GitHistoryOptions o = {}) {
  Walked w;
  SetLogSink([&](LogLevel level, std::string_view m) {
    if (level == LogLevel::kWarning) w.warnings.emplace_back(m);
  });
  GitHistorySource src(repo, std::move(o));
  Status st = src.Prepare();
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return w;
  EXPECT_TRUE(src.Enumerate([&](Item&& i) { w.items.push_back(std::move(i)); }, {}).ok());
  w.stats = src.stats();
  auto reader = src.NewReader();
  ReadOptions ro;
  for (const Item& i : w.items) {
    std::string buf, detail;
    if (reader->Read(i, ro, &buf, &detail) == SkipReason::kNone) w.by_content[buf] = i;
  }
  SetLogSink(nullptr);
  return w;
}

class GitSourceTest : public ::testing::Test {
 protected:
  TempDir tmp;
  GitRepoBuilder repo{tmp.path() / "repo"};
  std::string path() const { return repo.dir().string(); }
};

TEST_F(GitSourceTest, EachUniqueBlobOnceAttributedToTheCommitThatAddedIt) {
  repo.Write("a.txt", "alpha\n");
  const std::string c1 = repo.Commit("add a");
  repo.Write("b.txt", "alpha\n");  // same content, another path: the same blob
  repo.Write("a.txt", "alpha 2\n");
  const std::string c2 = repo.Commit("copy a to b, edit a");
  std::filesystem::remove(repo.dir() / "a.txt");
  repo.Commit("remove a");

  Walked w = Walk(path());
  ASSERT_EQ(w.items.size(), 2u);
  EXPECT_EQ(w.stats.commits, 3u);
  EXPECT_EQ(w.stats.blobs, 2u);
  const Item& alpha = w.by_content.at("alpha\n");
  EXPECT_EQ(alpha.prov.rel_path, "a.txt");
  EXPECT_EQ(alpha.prov.commit, c1);
  EXPECT_EQ(alpha.prov.kind, Provenance::Kind::kGit);
  EXPECT_EQ(alpha.prov.blob, repo.Git("rev-parse " + c1 + ":a.txt"));
  EXPECT_FALSE(alpha.prov.unreachable);
  EXPECT_TRUE(alpha.also_at.empty());
  EXPECT_EQ(w.by_content.at("alpha 2\n").prov.commit, c2);
}

TEST_F(GitSourceTest, AllLocationsListsEveryPathAndCommitThatIntroducedTheBlob) {
  repo.Write("a.txt", "alpha\n");
  const std::string c1 = repo.Commit("add a");
  repo.Git("mv a.txt b.txt");
  const std::string c2 = repo.Commit("rename");
  std::filesystem::create_directories(repo.dir() / "dir");
  repo.Git("mv b.txt dir/c.txt");
  const std::string c3 = repo.Commit("move into dir");

  GitHistoryOptions o;
  o.all_locations = true;
  Walked w = Walk(path(), o);
  ASSERT_EQ(w.items.size(), 1u);
  const Item& it = w.items[0];
  EXPECT_EQ(it.prov.rel_path, "a.txt");
  EXPECT_EQ(it.prov.commit, c1);
  ASSERT_EQ(it.also_at.size(), 2u);
  EXPECT_EQ(it.also_at[0].rel_path, "b.txt");
  EXPECT_EQ(it.also_at[0].commit, c2);
  EXPECT_EQ(it.also_at[1].rel_path, "dir/c.txt");
  EXPECT_EQ(it.also_at[1].commit, c3);
  EXPECT_EQ(it.also_at[1].blob, it.prov.blob);

  Walked first_only = Walk(path());
  ASSERT_EQ(first_only.items.size(), 1u);
  EXPECT_TRUE(first_only.items[0].also_at.empty());
}

TEST_F(GitSourceTest, EveryRefKind_BranchTagNotesStashAndItsReflog) {
  repo.Write("main.txt", "on main\n");
  repo.Commit("main");
  repo.Git("checkout -q -b feature");
  repo.Write("feature.txt", "on feature\n");
  const std::string feature = repo.Commit("feature");
  repo.Git("checkout -q main");
  // An annotated tag on a commit no branch holds.
  repo.Git("checkout -q --detach");
  repo.Write("tagged.txt", "only in a tag\n");
  const std::string tagged = repo.Commit("tagged");
  repo.Tick();
  repo.Git("tag -a v1 -m release");
  repo.Git("checkout -q main");
  // A tag that points at a blob.
  const std::string blob =
      Sh("cd " + Quote(path()) + " && printf 'tagged blob\\n' | git hash-object -w --stdin");
  repo.Git("tag blob-tag " + blob);
  // Notes.
  repo.Tick();
  repo.Git("notes add -m 'a note' HEAD");
  // Two stashes: the older one lives only in the stash's reflog.
  repo.Write("main.txt", "stash one\n");
  repo.Tick();
  repo.Git("stash -q");
  repo.Write("main.txt", "stash two\n");
  repo.Tick();
  repo.Git("stash -q");

  Walked w = Walk(path());
  EXPECT_TRUE(w.warnings.empty()) << w.warnings[0];
  EXPECT_EQ(w.by_content.at("on feature\n").prov.commit, feature);
  EXPECT_EQ(w.by_content.at("only in a tag\n").prov.commit, tagged);
  EXPECT_EQ(w.by_content.at("tagged blob\n").prov.rel_path, "refs/tags/blob-tag");
  EXPECT_EQ(w.by_content.at("tagged blob\n").prov.commit, "");
  EXPECT_TRUE(w.by_content.count("a note\n"));
  EXPECT_TRUE(w.by_content.count("stash one\n"));
  EXPECT_TRUE(w.by_content.count("stash two\n"));
  for (const Item& i : w.items) EXPECT_FALSE(i.prov.unreachable);
}

TEST_F(GitSourceTest, AllObjectsFindsAmendedCommitsDroppedStashesAndLooseBlobs) {
  repo.Write("a.txt", "first\n");
  repo.Commit("first");
  repo.Write("a.txt", "amended away\n");
  const std::string amended = repo.Commit("oops");
  repo.Write("a.txt", "fixed\n");
  repo.Tick();
  repo.Git("commit -q -a --amend -m fixed");
  repo.Write("a.txt", "dropped stash\n");
  repo.Tick();
  repo.Git("stash -q");
  repo.Git("stash drop -q");
  const std::string loose =
      Sh("cd " + Quote(path()) + " && printf 'loose blob\\n' | git hash-object -w --stdin");

  Walked refs = Walk(path());
  EXPECT_FALSE(refs.by_content.count("amended away\n"));
  EXPECT_FALSE(refs.by_content.count("dropped stash\n"));
  EXPECT_FALSE(refs.by_content.count("loose blob\n"));
  EXPECT_EQ(refs.stats.unreachable_commits, 0u);

  GitHistoryOptions o;
  o.all_objects = true;
  Walked all = Walk(path(), o);
  const Item& a = all.by_content.at("amended away\n");
  EXPECT_EQ(a.prov.commit, amended);
  EXPECT_TRUE(a.prov.unreachable);
  EXPECT_EQ(a.prov.rel_path, "a.txt");
  const Item& d = all.by_content.at("dropped stash\n");
  EXPECT_TRUE(d.prov.unreachable);
  EXPECT_FALSE(d.prov.commit.empty());
  const Item& l = all.by_content.at("loose blob\n");
  EXPECT_TRUE(l.prov.unreachable);
  EXPECT_EQ(l.prov.commit, "");
  EXPECT_EQ(l.prov.rel_path, "");
  EXPECT_EQ(l.prov.blob, loose);
  EXPECT_FALSE(all.by_content.at("fixed\n").prov.unreachable);
  EXPECT_GE(all.stats.unreachable_commits, 2u);  // the amended commit, the dropped stash (+index)
  EXPECT_EQ(all.stats.unreachable_blobs, 1u);
  EXPECT_EQ(all.items.size(), all.by_content.size());  // still each blob once
}

TEST_F(GitSourceTest, RangesSinceMaxCommitsAndBranchSelectOnlyWhatTheirCommitsIntroduced) {
  repo.Write("a.txt", "one\n");
  const std::string c1 = repo.Commit("1");
  repo.Write("b.txt", "two\n");
  const std::string c2 = repo.Commit("2");
  repo.Write("c.txt", "three\n");
  repo.Write("a.txt", "one, edited\n");
  const std::string c3 = repo.Commit("3");
  std::filesystem::remove(repo.dir() / "c.txt");
  repo.Write("d.txt", "one\n");  // re-adds content its parent no longer has: new again
  const std::string c4 = repo.Commit("4");

  auto contents = [](const Walked& w) {
    std::vector<std::string> v;
    for (auto& [c, i] : w.by_content) v.push_back(c);
    return v;
  };
  GitHistoryOptions r;
  r.range = c1 + ".." + c3;
  Walked w = Walk(path(), r);
  EXPECT_EQ(contents(w), (std::vector<std::string>{"one, edited\n", "three\n", "two\n"}));
  EXPECT_EQ(w.stats.commits, 2u);

  GitHistoryOptions since;
  since.hide = {c2};
  w = Walk(path(), since);
  EXPECT_EQ(contents(w), (std::vector<std::string>{"one, edited\n", "three\n"}));

  GitHistoryOptions last;
  last.max_commits = 1;
  w = Walk(path(), last);
  EXPECT_EQ(contents(w), (std::vector<std::string>{"one\n"}));
  EXPECT_EQ(w.by_content.at("one\n").prov.commit, c4);
  EXPECT_EQ(w.by_content.at("one\n").prov.rel_path, "d.txt");
  EXPECT_EQ(w.stats.commits, 1u);

  GitHistoryOptions branch;
  branch.revs = {c2};
  w = Walk(path(), branch);
  EXPECT_EQ(contents(w), (std::vector<std::string>{"one\n", "two\n"}));
  EXPECT_EQ(w.by_content.at("two\n").prov.commit, c2);

  GitHistoryOptions bad;
  bad.range = "nope..main";
  GitHistorySource src(path(), bad);
  Status st = src.Prepare();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nope..main"), std::string::npos) << st.message();
}

TEST_F(GitSourceTest, MergesAttributeBranchContentToTheBranchAndResolutionsToTheMerge) {
  repo.Write("a.txt", "base\n");
  repo.Commit("base");
  repo.Git("checkout -q -b topic");
  repo.Write("t.txt", "topic work\n");
  const std::string topic = repo.Commit("topic");
  repo.Git("checkout -q main");
  repo.Write("m.txt", "main work\n");
  repo.Commit("main");
  repo.Tick();
  repo.Git("merge -q --no-ff --no-commit topic");
  repo.Write("merge.txt", "written in the merge\n");
  repo.Git("add merge.txt");
  repo.Git("commit -q -m merge");
  const std::string merge = repo.Git("rev-parse HEAD");

  Walked w = Walk(path());
  EXPECT_EQ(w.by_content.at("topic work\n").prov.commit, topic);
  EXPECT_EQ(w.by_content.at("written in the merge\n").prov.commit, merge);
  EXPECT_EQ(w.items.size(), 4u);
}

TEST_F(GitSourceTest, BareAndShallowRepositories) {
  repo.Write("a.txt", "old\n");
  repo.Commit("1");
  repo.Write("a.txt", "new\n");
  const std::string head = repo.Commit("2");

  const std::string bare = (tmp.path() / "bare.git").string();
  Sh("git clone -q --bare " + Quote(path()) + " " + Quote(bare));
  Walked b = Walk(bare);
  EXPECT_EQ(b.items.size(), 2u);
  EXPECT_EQ(b.by_content.at("new\n").prov.commit, head);

  const std::string shallow = (tmp.path() / "shallow").string();
  Sh("git clone -q --depth 1 file://" + path() + " " + Quote(shallow));
  Walked s = Walk(shallow);
  EXPECT_TRUE(s.stats.shallow);
  EXPECT_TRUE(s.warnings.empty()) << s.warnings[0];
  EXPECT_EQ(s.items.size(), 1u);
  EXPECT_EQ(s.by_content.at("new\n").prov.commit, head);
}

TEST_F(GitSourceTest, CorruptAndMissingObjectsAreWarnedAboutAndTheWalkGoesOn) {
  repo.Write("good.txt", "good\n");
  repo.Write("bad.txt", "to be corrupted\n");
  repo.Write("sub/x.txt", "in a subtree\n");
  repo.Commit("1");
  const std::string bad = repo.Git("rev-parse HEAD:bad.txt");
  const std::string subtree = repo.Git("rev-parse HEAD:sub");
  auto object_file = [&](const std::string& id) {
    return repo.dir() / ".git/objects" / id.substr(0, 2) / id.substr(2);
  };
  std::filesystem::permissions(object_file(bad), std::filesystem::perms::owner_all);
  std::ofstream(object_file(bad), std::ios::binary | std::ios::trunc) << "garbage";
  std::filesystem::remove(object_file(subtree));

  Walked w = Walk(path());
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_NE(w.warnings[0].find(subtree), std::string::npos) << w.warnings[0];
  EXPECT_EQ(w.stats.missing_objects, 1u);
  EXPECT_TRUE(w.by_content.count("good\n"));
  // The corrupt blob is emitted (its id is in a tree) and fails to read, naming the object.
  GitHistorySource src(path(), {});
  ASSERT_TRUE(src.Prepare().ok());
  std::vector<Item> items;
  ASSERT_TRUE(src.Enumerate([&](Item&& i) { items.push_back(std::move(i)); }, {}).ok());
  auto reader = src.NewReader();
  int unreadable = 0;
  for (const Item& i : items) {
    std::string buf, detail;
    if (reader->Read(i, {}, &buf, &detail) == SkipReason::kUnreadable) {
      ++unreadable;
      EXPECT_NE(detail.find("bad.txt"), std::string::npos) << detail;
      EXPECT_NE(detail.find(bad.substr(0, 12)), std::string::npos) << detail;
    }
  }
  EXPECT_EQ(unreadable, 1);
}

TEST_F(GitSourceTest, SubmodulesAreNotedAndNotFollowedByDefault) {
  TempDir other;
  GitRepoBuilder sub(other.path() / "sub");
  sub.Write("s.txt", "in the submodule\n");
  sub.Commit("sub");
  repo.Write("a.txt", "top\n");
  repo.Commit("top");
  repo.Git("-c protocol.file.allow=always submodule add -q " + Quote(sub.dir().string()) +
           " vendor/sub");
  repo.Commit("add submodule");

  Walked w = Walk(path());
  EXPECT_EQ(w.stats.submodules_skipped, (std::vector<std::string>{"vendor/sub"}));
  EXPECT_FALSE(w.by_content.count("in the submodule\n"));

  GitHistoryOptions o;
  o.recurse_submodules = true;
  Walked r = Walk(path(), o);
  ASSERT_TRUE(r.by_content.count("in the submodule\n"));
  EXPECT_EQ(r.by_content.at("in the submodule\n").prov.rel_path, "vendor/sub/s.txt");
  EXPECT_NE(r.by_content.at("in the submodule\n").origin, 0u);
}

TEST_F(GitSourceTest, NotARepository) {
  GitHistorySource src((tmp.path() / "nowhere").string(), {});
  Status st = src.Prepare();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("not a git repository"), std::string::npos) << st.message();
}

TEST_F(GitSourceTest, StagedLinesOnly) {
  repo.Write("a.txt", "one\ntwo\nthree\n");
  repo.Write("gone.txt", "bye\n");
  repo.Commit("1");
  repo.Write("a.txt", "one\nTWO\nthree\nfour\n");
  repo.Write("new.txt", "fresh\n");
  repo.Write("unstaged.txt", "not added\n");
  repo.Git("add a.txt new.txt");
  repo.Git("rm -q gone.txt");

  GitStagedSource src(path());
  ASSERT_TRUE(src.Prepare().ok());
  std::vector<Item> items;
  ASSERT_TRUE(src.Enumerate([&](Item&& i) { items.push_back(std::move(i)); }, {}).ok());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].prov.rel_path, "a.txt");
  EXPECT_EQ(items[1].prov.rel_path, "new.txt");
  EXPECT_FALSE(src.TouchesAddedLines("a.txt", 1, 1));
  EXPECT_TRUE(src.TouchesAddedLines("a.txt", 2, 2));
  EXPECT_FALSE(src.TouchesAddedLines("a.txt", 3, 3));
  EXPECT_TRUE(src.TouchesAddedLines("a.txt", 4, 4));
  EXPECT_TRUE(src.TouchesAddedLines("a.txt", 1, 3));   // a multi-line finding touching line 2
  EXPECT_FALSE(src.TouchesAddedLines("a.txt", 0, 0));  // a modified path is not new
  EXPECT_TRUE(src.TouchesAddedLines("new.txt", 1, 1));
  EXPECT_TRUE(src.TouchesAddedLines("new.txt", 0, 0));
  EXPECT_FALSE(src.TouchesAddedLines("unstaged.txt", 1, 1));
  auto reader = src.NewReader();
  std::string buf, detail;
  ASSERT_EQ(reader->Read(items[0], {}, &buf, &detail), SkipReason::kNone) << detail;
  EXPECT_EQ(buf, "one\nTWO\nthree\nfour\n");

  const std::string bare = (tmp.path() / "bare.git").string();
  Sh("git clone -q --bare " + Quote(path()) + " " + Quote(bare));
  GitStagedSource in_bare(bare);
  EXPECT_FALSE(in_bare.Prepare().ok());
}

TEST_F(GitSourceTest, StagedBeforeTheFirstCommit) {
  repo.Write("a.txt", "first\n");
  repo.Git("add a.txt");
  GitStagedSource src(path());
  ASSERT_TRUE(src.Prepare().ok());
  EXPECT_EQ(src.files(), 1u);
  EXPECT_TRUE(src.TouchesAddedLines("a.txt", 1, 1));
}

TEST(PrePush, ParsesGitsHookInput) {
  const std::string z(40, '0'), a(40, 'a'), b(40, 'b');
  auto u = ParsePrePush("refs/heads/main " + a + " refs/heads/main " + b + "\n" +
                        "refs/heads/new " + a + " refs/heads/new " + z + "\r\n\n");
  ASSERT_TRUE(u.has_value()) << u.error().message();
  ASSERT_EQ(u->size(), 2u);
  EXPECT_EQ((*u)[0].local_ref, "refs/heads/main");
  EXPECT_EQ((*u)[0].local_id, a);
  EXPECT_EQ((*u)[0].remote_id, b);
  EXPECT_EQ((*u)[1].remote_id, z);
  EXPECT_TRUE(ParsePrePush("")->empty());
  auto bad = ParsePrePush("refs/heads/main " + a + "\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("line 1"), std::string::npos);
  EXPECT_FALSE(ParsePrePush("a b c d\n").has_value());
}

}  // namespace
}  // namespace leakguard::input
