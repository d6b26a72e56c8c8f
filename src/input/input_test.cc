// Unit tests for leakguard_input: .gitignore parsing and matching, the file walker on real
// temporary trees, and ReadItem.
//
// Every tree is made by the test under a fresh mkdtemp directory and removed afterwards. Cases
// that could hang if the code regressed (FIFOs, symlink loops) first run in a child process with
// an alarm, so a hang fails the test instead of stalling the suite.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/log.h"
#include "input/file_source.h"
#include "input/ignore.h"
#include "input/source.h"

namespace leakguard::input {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kGuardSeconds = 20;

// Runs `fn()` in a forked child killed by SIGALRM after kGuardSeconds: the test fails (and
// returns) if it hangs or crashes, so the real checks that follow cannot hang the suite.
#define ASSERT_FINISHES(fn)           \
  ASSERT_EXIT(                        \
      {                               \
        ::alarm(kGuardSeconds);       \
        fn();                         \
        std::_Exit(0);                \
      },                              \
      testing::ExitedWithCode(0), "") \
      << "did not finish within " << kGuardSeconds << "s"

struct CaseName {
  template <typename T>
  std::string operator()(const testing::TestParamInfo<T>& p) const {
    return p.param.name;
  }
};

// ---------------------------------------------------------------------------------------------
// ParseIgnoreFile

struct ParsedPattern {
  std::string glob;
  bool negate = false;
  bool dir_only = false;
  bool anchored = false;
  int line = 0;
  bool operator==(const ParsedPattern&) const = default;
};

std::ostream& operator<<(std::ostream& os, const ParsedPattern& p) {
  return os << "{'" << p.glob << "' negate=" << p.negate << " dir_only=" << p.dir_only
            << " anchored=" << p.anchored << " line=" << p.line << "}";
}

struct ParseCase {
  std::string name;
  std::string text;
  std::vector<ParsedPattern> expected;
};
void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

class ParseIgnoreFileTest : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseIgnoreFileTest, Table) {
  std::vector<ParsedPattern> got;
  for (const IgnorePattern& p : ParseIgnoreFile(GetParam().text))
    got.push_back({p.glob, p.negate, p.dir_only, p.anchored, p.line});
  EXPECT_EQ(got, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseIgnoreFileTest,
    testing::Values(
        ParseCase{"Empty", "", {}},
        ParseCase{"PlainName", "secrets.env\n", {{"secrets.env", false, false, false, 1}}},
        ParseCase{"NoFinalNewline",
                  "a\nb",
                  {{"a", false, false, false, 1}, {"b", false, false, false, 2}}},
        ParseCase{"Negation",
                  "*.pem\n!keep.pem\n",
                  {{"*.pem", false, false, false, 1}, {"keep.pem", true, false, false, 2}}},
        ParseCase{"DirOnly", "build/\n", {{"build", false, true, false, 1}}},
        ParseCase{"LeadingSlashAnchors", "/root.txt\n", {{"root.txt", false, false, true, 1}}},
        ParseCase{"InnerSlashAnchors", "a/b\n", {{"a/b", false, false, true, 1}}},
        ParseCase{"AnchoredDirOnly", "/out/\n", {{"out", false, true, true, 1}}},
        ParseCase{"DoubleStarPrefix", "**/cache\n", {{"**/cache", false, false, true, 1}}},
        ParseCase{"DoubleStarSuffix", "logs/**\n", {{"logs/**", false, false, true, 1}}},
        ParseCase{"CommentsAndBlankLinesSkippedButCounted",
                  "# comment\n\n  \nx\n",
                  {{"x", false, false, false, 4}}},
        ParseCase{
            "EscapedHashIsAPattern", "\\#notes.txt\n", {{"#notes.txt", false, false, false, 1}}},
        ParseCase{
            "EscapedBangIsAPattern", "\\!important\n", {{"!important", false, false, false, 1}}},
        ParseCase{"TrailingSpacesDropped", "name.txt   \n", {{"name.txt", false, false, false, 1}}},
        ParseCase{"EscapedTrailingSpaceKept", "name\\ \n", {{"name\\ ", false, false, false, 1}}},
        ParseCase{"Crlf",
                  "a.txt\r\n!b.txt\r\ndir/\r\n",
                  {{"a.txt", false, false, false, 1},
                   {"b.txt", true, false, false, 2},
                   {"dir", false, true, false, 3}}},
        ParseCase{"LoneSlashIgnored", "/\n", {}}, ParseCase{"LoneBangIgnored", "!\n", {}}),
    CaseName());

// ---------------------------------------------------------------------------------------------
// IgnoreStack

struct Frame {
  std::string base;
  std::string text;
};

struct StackCase {
  std::string name;
  std::vector<Frame> frames;  // pushed in order (root first)
  std::string rel;
  bool is_dir;
  bool ignored;
};
void PrintTo(const StackCase& c, std::ostream* os) { *os << c.name; }

class IgnoreStackTest : public testing::TestWithParam<StackCase> {};

TEST_P(IgnoreStackTest, Table) {
  const StackCase& c = GetParam();
  IgnoreStack stack;
  for (const Frame& f : c.frames) stack.Push(f.base, ParseIgnoreFile(f.text));
  EXPECT_EQ(stack.depth(), c.frames.size());
  EXPECT_EQ(stack.Ignored(c.rel, c.is_dir), c.ignored) << c.rel;
}

const std::vector<Frame> kNegation = {{"", "*.pem\n!keep.pem\n"}};
const std::vector<Frame> kNested = {{"", "*.log\n/top.txt\n"}, {"sub", "!keep.log\n/only.txt\n"}};

INSTANTIATE_TEST_SUITE_P(
    Table, IgnoreStackTest,
    testing::Values(
        StackCase{"NoFramesNothingIgnored", {}, "a.txt", false, false},
        StackCase{"NegationStillIgnoresOthers", kNegation, "server.pem", false, true},
        StackCase{"NegationReincludes", kNegation, "keep.pem", false, false},
        StackCase{"NegationReincludesAtDepth", kNegation, "certs/keep.pem", false, false},
        StackCase{"UnanchoredMatchesAtDepth", kNegation, "a/b/server.pem", false, true},
        StackCase{"LastMatchWins", {{"", "!a.txt\n*.txt\n"}}, "a.txt", false, true},
        StackCase{"DirOnlyMatchesDirectory", {{"", "build/\n"}}, "build", true, true},
        StackCase{"DirOnlyMatchesNestedDirectory", {{"", "build/\n"}}, "src/build", true, true},
        StackCase{"DirOnlyDoesNotMatchFile", {{"", "build/\n"}}, "build", false, false},
        StackCase{"AnchoredLeadingSlashAtRoot", {{"", "/root.txt\n"}}, "root.txt", false, true},
        StackCase{
            "AnchoredLeadingSlashNotDeeper", {{"", "/root.txt\n"}}, "sub/root.txt", false, false},
        StackCase{"AnchoredInnerSlash", {{"", "a/b\n"}}, "a/b", false, true},
        StackCase{"AnchoredInnerSlashNotDeeper", {{"", "a/b\n"}}, "x/a/b", false, false},
        StackCase{
            "StarInAnchoredDoesNotCrossSlash", {{"", "doc/*.txt\n"}}, "doc/x/y.txt", false, false},
        StackCase{"DoubleStarPrefixAtRoot", {{"", "**/cache\n"}}, "cache", true, true},
        StackCase{"DoubleStarPrefixDeep", {{"", "**/cache\n"}}, "a/b/cache", true, true},
        StackCase{"DoubleStarSuffix", {{"", "logs/**\n"}}, "logs/2024/app.txt", false, true},
        StackCase{"DoubleStarMiddle", {{"", "a/**/z.txt\n"}}, "a/b/c/z.txt", false, true},
        StackCase{"DoubleStarMiddleZeroDirs", {{"", "a/**/z.txt\n"}}, "a/z.txt", false, true},
        StackCase{"EscapedHash", {{"", "\\#notes.txt\n"}}, "#notes.txt", false, true},
        StackCase{"CommentIsNotAPattern", {{"", "#notes.txt\n"}}, "#notes.txt", false, false},
        StackCase{"TrailingSpacesIgnored", {{"", "name.txt   \n"}}, "name.txt", false, true},
        StackCase{"EscapedTrailingSpaceMatchesSpace", {{"", "name\\ \n"}}, "name ", false, true},
        StackCase{"EscapedTrailingSpaceNeedsSpace", {{"", "name\\ \n"}}, "name", false, false},
        StackCase{
            "CrlfPatternMatchesPlainName", {{"", "secret.env\r\n"}}, "secret.env", false, true},
        StackCase{"NestedNegationOverridesParent", kNested, "sub/keep.log", false, false},
        StackCase{"NestedNegationDeeperStill", kNested, "sub/x/keep.log", false, false},
        StackCase{"ParentStillAppliesInSub", kNested, "sub/other.log", false, true},
        StackCase{"NestedNegationNotAppliedOutside", kNested, "keep.log", false, true},
        StackCase{"NestedNegationNotAppliedToSiblingPrefix", kNested, "subway/keep.log", false,
                  true},
        StackCase{"NestedAnchoredRelativeToItsDir", kNested, "sub/only.txt", false, true},
        StackCase{"NestedAnchoredNotDeeper", kNested, "sub/x/only.txt", false, false},
        StackCase{"NestedAnchoredNotAtRoot", kNested, "only.txt", false, false},
        StackCase{"RootAnchoredNotInSub", kNested, "sub/top.txt", false, false}),
    CaseName());

TEST(IgnoreStack, PopRemovesTheDeepestFrame) {
  IgnoreStack stack;
  stack.Push("", ParseIgnoreFile("*.log\n"));
  stack.Push("sub", ParseIgnoreFile("!keep.log\n"));
  EXPECT_FALSE(stack.Ignored("sub/keep.log", false));
  stack.Pop();
  EXPECT_EQ(stack.depth(), 1u);
  EXPECT_TRUE(stack.Ignored("sub/keep.log", false));
}

TEST(MatchIgnore, ReportsTheDecidingPattern) {
  auto patterns = ParseIgnoreFile("*.pem\n!keep.pem\n");
  bool ignored = true;
  const IgnorePattern* which = nullptr;
  ASSERT_TRUE(MatchIgnore(patterns, "keep.pem", false, &ignored, &which));
  EXPECT_FALSE(ignored);
  ASSERT_NE(which, nullptr);
  EXPECT_EQ(which->line, 2);
  EXPECT_FALSE(MatchIgnore(patterns, "a.txt", false, &ignored));
}

// ---------------------------------------------------------------------------------------------
// Helpers for real trees.

class TempTree {
 public:
  TempTree() {
    std::string tmpl = (fs::temp_directory_path() / "leakguard_input_test.XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) std::abort();
    root_ = made;
  }
  ~TempTree() {
    // Restore permissions a test may have removed, so the tree can be deleted.
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(
             root_, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec))
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    ::chmod(root_.c_str(), 0700);
    for (const std::string& p : chmodded_) ::chmod(p.c_str(), 0700);
    fs::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& root() const { return root_; }
  std::string Path(std::string_view rel) const { return root_ + "/" + std::string(rel); }

  void Write(std::string_view rel, std::string_view content) {
    fs::path p = Path(rel);
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    ASSERT_TRUE(out.good()) << p;
  }
  void MkDir(std::string_view rel) { fs::create_directories(Path(rel)); }
  void Symlink(std::string_view target, std::string_view rel) {
    fs::create_directories(fs::path(Path(rel)).parent_path());
    ASSERT_EQ(::symlink(std::string(target).c_str(), Path(rel).c_str()), 0) << rel;
  }
  void Fifo(std::string_view rel) {
    fs::create_directories(fs::path(Path(rel)).parent_path());
    ASSERT_EQ(::mkfifo(Path(rel).c_str(), 0600), 0) << rel;
  }
  void Chmod(std::string_view rel, mode_t mode) {
    ASSERT_EQ(::chmod(Path(rel).c_str(), mode), 0) << rel;
    chmodded_.push_back(Path(rel));
  }

 private:
  std::string root_;
  std::vector<std::string> chmodded_;
};

struct Skip {
  SkipReason reason;
  std::string path;
  std::string detail;
};

struct WalkResult {
  std::vector<Item> items;
  std::vector<Skip> skips;
  std::vector<std::string> notes;
  Status status;

  std::vector<std::string> Rels() const {
    std::vector<std::string> out;
    for (const Item& i : items) out.push_back(i.prov.rel_path);
    return out;
  }
};

WalkResult Enumerate(std::vector<std::string> roots, FileSourceOptions options = {}) {
  WalkResult r;
  SetLogSink([&](LogLevel, std::string_view msg) { r.notes.emplace_back(msg); });
  FileSource source(std::move(roots), std::move(options));
  r.status =
      source.Enumerate([&](Item&& item) { r.items.push_back(std::move(item)); },
                       [&](SkipReason reason, const std::string& path, const std::string& detail) {
                         r.skips.push_back({reason, path, detail});
                       });
  SetLogSink(nullptr);
  return r;
}

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// FileSource: order, provenance.

TEST(FileSource, OrderIsSortedDepthFirstAndStable) {
  TempTree t;
  for (const char* rel : {"b.txt", "dir/z.txt", "a.txt", "dir.txt", "dir/a.txt", "c/x.txt", "A.txt",
                          "dir/sub/m.txt", "dir/n.txt"})
    t.Write(rel, "x");
  WalkResult first = Enumerate({t.root()});
  ASSERT_TRUE(first.status.ok());
  EXPECT_EQ(first.Rels(), (Strings{"A.txt", "a.txt", "b.txt", "c/x.txt", "dir/a.txt", "dir/n.txt",
                                   "dir/sub/m.txt", "dir/z.txt", "dir.txt"}));
  EXPECT_TRUE(first.skips.empty());
  for (int run = 0; run < 3; ++run) EXPECT_EQ(Enumerate({t.root()}).Rels(), first.Rels());
}

TEST(FileSource, ProvenanceJoinsRootAndRelativePath) {
  TempTree t;
  t.Write("src/app.py", "x");
  WalkResult r = Enumerate({t.root() + "/"});
  ASSERT_EQ(r.items.size(), 1u);
  const Item& item = r.items[0];
  EXPECT_EQ(item.prov.kind, Provenance::Kind::kFile);
  EXPECT_EQ(item.prov.rel_path, "src/app.py");
  EXPECT_EQ(item.prov.path, t.root() + "/src/app.py");
  EXPECT_EQ(item.fs_path, t.root() + "/src/app.py");
  EXPECT_FALSE(item.in_memory);
}

TEST(FileSource, FileNamedAsRootIsEmitted) {
  TempTree t;
  t.Write("one.txt", "x");
  WalkResult r = Enumerate({t.Path("one.txt")});
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].prov.path, t.Path("one.txt"));
  EXPECT_EQ(r.items[0].fs_path, t.Path("one.txt"));
}

TEST(FileSource, MissingRootIsSkippedAsUnreadable) {
  TempTree t;
  WalkResult r = Enumerate({t.Path("absent")});
  EXPECT_TRUE(r.status.ok()) << "one missing path does not stop the run";
  EXPECT_TRUE(r.items.empty());
  ASSERT_EQ(r.skips.size(), 1u);
  EXPECT_EQ(r.skips[0].reason, SkipReason::kUnreadable);
  EXPECT_NE(r.skips[0].detail.find("absent"), std::string::npos) << r.skips[0].detail;
}

TEST(FileSource, SeveralRootsInTheOrderGiven) {
  TempTree t;
  t.Write("b/1.txt", "x");
  t.Write("a/2.txt", "x");
  WalkResult r = Enumerate({t.Path("b"), t.Path("a")});
  EXPECT_EQ(r.Rels(), (Strings{"1.txt", "2.txt"}));
}

struct JoinCase {
  std::string name, root, rel, out;
};
void PrintTo(const JoinCase& c, std::ostream* os) { *os << c.name; }
class JoinDisplayTest : public testing::TestWithParam<JoinCase> {};
TEST_P(JoinDisplayTest, Table) {
  EXPECT_EQ(JoinDisplay(GetParam().root, GetParam().rel), GetParam().out);
}
INSTANTIATE_TEST_SUITE_P(Table, JoinDisplayTest,
                         testing::Values(JoinCase{"DotRoot", ".", "a/b", "a/b"},
                                         JoinCase{"EmptyRoot", "", "a", "a"},
                                         JoinCase{"TrailingSlashRoot", "src/", "x", "src/x"},
                                         JoinCase{"PlainRoot", "src", "x", "src/x"},
                                         JoinCase{"DotSlashRootStripped", "./src", "x", "src/x"},
                                         JoinCase{"EmptyRel", "src", "", "src"}),
                         CaseName());

// ---------------------------------------------------------------------------------------------
// FileSource: --include / --exclude.

struct SelectCase {
  std::string name;
  Strings include, exclude;
  Strings expected;
};
void PrintTo(const SelectCase& c, std::ostream* os) { *os << c.name; }

class FileSourceSelectTest : public testing::TestWithParam<SelectCase> {};

TEST_P(FileSourceSelectTest, Table) {
  TempTree t;
  for (const char* rel :
       {"app.py", "README.md", "src/main.py", "src/gen/out.py", "src/app.log", "vendor/lib.py",
        "vendor/x/deep.py", "build/obj.o", "docs/build", "web/app.min.js", "web/app.js"})
    t.Write(rel, "x");
  FileSourceOptions o;
  o.include = GetParam().include;
  o.exclude = GetParam().exclude;
  EXPECT_EQ(Enumerate({t.root()}, o).Rels(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FileSourceSelectTest,
    testing::Values(
        SelectCase{
            "NoFiltersEverything",
            {},
            {},
            {"README.md", "app.py", "build/obj.o", "docs/build", "src/app.log", "src/gen/out.py",
             "src/main.py", "vendor/lib.py", "vendor/x/deep.py", "web/app.js", "web/app.min.js"}},
        SelectCase{
            "IncludeNameGlobAnyDepth",
            {"*.py"},
            {},
            {"app.py", "src/gen/out.py", "src/main.py", "vendor/lib.py", "vendor/x/deep.py"}},
        SelectCase{"IncludeAnchoredGlob", {"src/*.py"}, {}, {"src/main.py"}},
        SelectCase{"IncludeDoubleStar", {"src/**/*.py"}, {}, {"src/gen/out.py", "src/main.py"}},
        SelectCase{
            "IncludeSeveral", {"*.md", "*.js"}, {}, {"README.md", "web/app.js", "web/app.min.js"}},
        SelectCase{"ExcludeDirectoryByName",
                   {},
                   {"vendor"},
                   {"README.md", "app.py", "build/obj.o", "docs/build", "src/app.log",
                    "src/gen/out.py", "src/main.py", "web/app.js", "web/app.min.js"}},
        SelectCase{"ExcludeDirectoryWithSlashAlsoMatchesFileOfThatName",
                   {},
                   {"build/"},
                   {"README.md", "app.py", "src/app.log", "src/gen/out.py", "src/main.py",
                    "vendor/lib.py", "vendor/x/deep.py", "web/app.js", "web/app.min.js"}},
        SelectCase{"ExcludeNameGlob",
                   {},
                   {"*.log", "*.min.js"},
                   {"README.md", "app.py", "build/obj.o", "docs/build", "src/gen/out.py",
                    "src/main.py", "vendor/lib.py", "vendor/x/deep.py", "web/app.js"}},
        SelectCase{
            "ExcludeAnchoredDotSlash",
            {},
            {"./src/gen"},
            {"README.md", "app.py", "build/obj.o", "docs/build", "src/app.log", "src/main.py",
             "vendor/lib.py", "vendor/x/deep.py", "web/app.js", "web/app.min.js"}},
        SelectCase{
            "ExcludeWinsOverInclude", {"*.py"}, {"vendor", "src/gen"}, {"app.py", "src/main.py"}}),
    CaseName());

TEST(FileSource, PathSelectedDirectories) {
  FileSourceOptions o;
  o.include = {"*.py"};
  o.exclude = {"node_modules"};
  EXPECT_TRUE(FileSource::PathSelected(o, "src", true)) << "include does not prune directories";
  EXPECT_FALSE(FileSource::PathSelected(o, "src", false));
  EXPECT_FALSE(FileSource::PathSelected(o, "a/node_modules/x.py", false));
  EXPECT_TRUE(FileSource::PathSelected(o, "a/node_modules_x.py", false));
}

// ---------------------------------------------------------------------------------------------
// FileSource: --respect-gitignore.

void MakeGitTree(TempTree& t) {
  t.Write(".git/HEAD", "ref: refs/heads/main\n");
  t.Write(".git/config", "[core]\n");
  t.Write(".git/info/exclude", "# git's own\nexcluded.txt\n");
  t.Write(".gitignore", "*.log\n!keep.log\nbuild/\n/root.txt\n\\#hash.txt\n");
  t.Write(".ignore", "by_dot_ignore.txt\n");
  t.Write("a.log", "x");
  t.Write("keep.log", "x");
  t.Write("build/out.txt", "x");
  t.Write("sub/build/out.txt", "x");
  t.Write("docs/build", "a file named build");
  t.Write("root.txt", "x");
  t.Write("sub/root.txt", "x");
  t.Write("#hash.txt", "x");
  t.Write("excluded.txt", "x");
  t.Write("by_dot_ignore.txt", "x");
  t.Write("sub/.gitignore", "!special.log\n/local.txt\n");
  t.Write("special.log", "x");
  t.Write("sub/special.log", "x");
  t.Write("sub/deeper/special.log", "x");
  t.Write("sub/local.txt", "x");
  t.Write("sub/deeper/local.txt", "x");
  t.Write("local.txt", "x");
  t.Write("main.py", "x");
}

TEST(FileSource, RespectGitignore) {
  TempTree t;
  MakeGitTree(t);
  FileSourceOptions o;
  o.respect_gitignore = true;
  WalkResult r = Enumerate({t.root()}, o);
  EXPECT_EQ(r.Rels(), (Strings{".gitignore", ".ignore", "docs/build", "keep.log", "local.txt",
                               "main.py", "sub/.gitignore", "sub/deeper/local.txt",
                               "sub/deeper/special.log", "sub/root.txt", "sub/special.log"}));
  EXPECT_TRUE(r.skips.empty());
}

TEST(FileSource, WithoutRespectGitignoreEverythingIncludingDotGit) {
  TempTree t;
  MakeGitTree(t);
  Strings rels = Enumerate({t.root()}).Rels();
  EXPECT_EQ(rels.size(), 23u);
  for (const char* rel :
       {".git/HEAD", ".git/config", ".git/info/exclude", "a.log", "build/out.txt", "excluded.txt",
        "by_dot_ignore.txt", "#hash.txt", "root.txt", "sub/local.txt", "special.log"})
    EXPECT_NE(std::find(rels.begin(), rels.end(), rel), rels.end()) << rel;
}

TEST(FileSource, GitignoreInsideSubdirectoryRootIsRead) {
  // Scanning a subdirectory: its own .gitignore applies, relative to it.
  TempTree t;
  t.Write("proj/.gitignore", "/secret.env\n");
  t.Write("proj/secret.env", "x");
  t.Write("proj/app.py", "x");
  FileSourceOptions o;
  o.respect_gitignore = true;
  EXPECT_EQ(Enumerate({t.Path("proj")}, o).Rels(), (Strings{".gitignore", "app.py"}));
}

// ---------------------------------------------------------------------------------------------
// FileSource: symlinks.

std::vector<SkipReason> Reasons(const WalkResult& r) {
  std::vector<SkipReason> out;
  for (const Skip& s : r.skips) out.push_back(s.reason);
  return out;
}

TEST(FileSource, SymlinksNotFollowedByDefault) {
  TempTree t;
  t.Write("outside/secret.txt", "x");
  t.Write("root/real.txt", "x");
  t.Symlink("real.txt", "root/link_file");
  t.Symlink("../outside", "root/link_dir");
  WalkResult r = Enumerate({t.Path("root")});
  EXPECT_EQ(r.Rels(), (Strings{"real.txt"}));
  EXPECT_EQ(Reasons(r),
            (std::vector<SkipReason>{SkipReason::kNotRegular, SkipReason::kNotRegular}));
}

TEST(FileSource, SymlinksFollowedWhenAsked) {
  TempTree t;
  t.Write("outside/secret.txt", "x");
  t.Write("outside/nested/more.txt", "x");
  t.Write("root/real.txt", "x");
  t.Symlink("real.txt", "root/link_file");
  t.Symlink("../outside", "root/link_dir");
  FileSourceOptions o;
  o.follow_symlinks = true;
  WalkResult r = Enumerate({t.Path("root")}, o);
  EXPECT_EQ(r.Rels(),
            (Strings{"link_dir/nested/more.txt", "link_dir/secret.txt", "link_file", "real.txt"}));
  EXPECT_TRUE(r.skips.empty());
}

TEST(FileSource, SymlinkNamedAsRootIsFollowed) {
  TempTree t;
  t.Write("real/a.txt", "x");
  t.Symlink("real", "alias");
  EXPECT_EQ(Enumerate({t.Path("alias")}).Rels(), (Strings{"a.txt"}));
}

TEST(FileSource, DirectoryReachedTwiceIsEnteredOnce) {
  TempTree t;
  t.Write("root/real/a.txt", "x");
  t.Symlink("real", "root/alias");  // "alias" sorts first, so it is the one entered
  FileSourceOptions o;
  o.follow_symlinks = true;
  WalkResult r = Enumerate({t.Path("root")}, o);
  EXPECT_EQ(r.Rels(), (Strings{"alias/a.txt"}));
}

TEST(FileSource, SymlinkLoopTerminates) {
  TempTree t;
  t.Write("root/a/f.txt", "x");
  t.Symlink("..", "root/a/up");      // a directory link to its parent
  t.Symlink(".", "root/a/self");     // and to itself
  t.Symlink("../y", "root/x/to_y");  // a two-step cycle
  t.Symlink("../x", "root/y/to_x");
  FileSourceOptions o;
  o.follow_symlinks = true;
  auto walk = [&] { Enumerate({t.Path("root")}, o); };
  ASSERT_FINISHES(walk);
  WalkResult r = Enumerate({t.Path("root")}, o);
  EXPECT_EQ(r.Rels(), (Strings{"a/f.txt"}));
  EXPECT_TRUE(r.skips.empty());
  EXPECT_FALSE(r.notes.empty()) << "a loop is noted";
}

TEST(FileSource, BrokenSymlink) {
  TempTree t;
  t.Write("root/ok.txt", "x");
  t.Symlink("does-not-exist", "root/dangling");
  {
    WalkResult r = Enumerate({t.Path("root")});
    EXPECT_EQ(r.Rels(), (Strings{"ok.txt"}));
    EXPECT_EQ(Reasons(r), (std::vector<SkipReason>{SkipReason::kNotRegular}));
  }
  {
    FileSourceOptions o;
    o.follow_symlinks = true;
    WalkResult r = Enumerate({t.Path("root")}, o);
    EXPECT_EQ(r.Rels(), (Strings{"ok.txt"}));
    ASSERT_EQ(Reasons(r), (std::vector<SkipReason>{SkipReason::kUnreadable}));
    EXPECT_NE(r.skips[0].detail.find("dangling"), std::string::npos) << r.skips[0].detail;
    EXPECT_NE(r.skips[0].detail.find("broken symlink"), std::string::npos) << r.skips[0].detail;
  }
}

TEST(FileSource, ExcludedSymlinkIsNotCountedAsSkipped) {
  // Regression: a symlink the user excluded (or .gitignore'd) was reported as a skipped input.
  TempTree t;
  t.Write("root/a.txt", "x");
  t.Symlink("a.txt", "root/link.log");
  t.Write("root/.gitignore", "*.tmp\n");
  t.Symlink("a.txt", "root/link.tmp");
  FileSourceOptions o;
  o.exclude = {"*.log"};
  o.respect_gitignore = true;
  WalkResult r = Enumerate({t.Path("root")}, o);
  EXPECT_EQ(r.Rels(), (Strings{".gitignore", "a.txt"}));
  EXPECT_TRUE(r.skips.empty());
}

// ---------------------------------------------------------------------------------------------
// FileSource: FIFOs, permissions, awkward names.

// Counts inotify open events on `path` while alive; works for FIFOs as for files.
class OpenWatch {
 public:
  explicit OpenWatch(const std::string& path) {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ >= 0) wd_ = ::inotify_add_watch(fd_, path.c_str(), IN_OPEN);
  }
  ~OpenWatch() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0 && wd_ >= 0; }
  int Opens() {
    alignas(inotify_event) char buf[4096];
    int n = 0;
    for (;;) {
      ssize_t got = ::read(fd_, buf, sizeof buf);
      if (got <= 0) break;
      for (ssize_t off = 0; off < got;) {
        auto* ev = reinterpret_cast<inotify_event*>(buf + off);
        if (ev->mask & IN_OPEN) ++n;
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      }
    }
    return n;
  }

 private:
  int fd_ = -1, wd_ = -1;
};

TEST(FileSource, FifoSkippedWithNamedWarningAndNeverOpened) {
  TempTree t;
  t.Write("root/a.txt", "x");
  t.Fifo("root/pipe");
  t.Write("root/z.txt", "x");
  auto walk = [&] { Enumerate({t.Path("root")}); };
  ASSERT_FINISHES(walk);
  OpenWatch watch(t.Path("root/pipe"));
  WalkResult r = Enumerate({t.Path("root")});
  EXPECT_EQ(r.Rels(), (Strings{"a.txt", "z.txt"}));
  ASSERT_EQ(Reasons(r), (std::vector<SkipReason>{SkipReason::kNotRegular}));
  EXPECT_NE(r.skips[0].detail.find("pipe"), std::string::npos) << r.skips[0].detail;
  EXPECT_NE(r.skips[0].detail.find("not a regular file"), std::string::npos) << r.skips[0].detail;
  if (!watch.ok()) GTEST_SKIP() << "inotify unavailable: cannot observe opens";
  EXPECT_EQ(watch.Opens(), 0) << "the walker opened the FIFO";
  // Control: the watch does see an open of the FIFO.
  int fd = ::open(t.Path("root/pipe").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_EQ(watch.Opens(), 1);
}

TEST(FileSource, FifoNamedAsRootSkipped) {
  TempTree t;
  t.Fifo("pipe");
  auto walk = [&] { Enumerate({t.Path("pipe")}); };
  ASSERT_FINISHES(walk);
  WalkResult r = Enumerate({t.Path("pipe")});
  EXPECT_TRUE(r.items.empty());
  ASSERT_EQ(Reasons(r), (std::vector<SkipReason>{SkipReason::kNotRegular}));
}

TEST(FileSource, FifoExcludedIsNotReported) {
  TempTree t;
  t.Fifo("root/pipe");
  FileSourceOptions o;
  o.exclude = {"pipe"};
  WalkResult r = Enumerate({t.Path("root")}, o);
  EXPECT_TRUE(r.skips.empty());
}

TEST(FileSource, UnreadableFileAndDirectory) {
  TempTree t;
  t.Write("root/locked.txt", "FAKE_SECRET_0123456789abcdef");
  t.Write("root/closed/inside.txt", "x");
  t.Write("root/open.txt", "x");
  t.Chmod("root/locked.txt", 0);
  t.Chmod("root/closed", 0);
  WalkResult r = Enumerate({t.Path("root")});
  const bool root_user = ::geteuid() == 0;
  std::string buf, detail;
  if (root_user) {
    // Root reads anyway: both are scanned.
    EXPECT_EQ(r.Rels(), (Strings{"closed/inside.txt", "locked.txt", "open.txt"}));
    EXPECT_TRUE(r.skips.empty());
    ASSERT_EQ(r.items.size(), 3u);
    EXPECT_EQ(ReadItem(r.items[1], {}, &buf, &detail), SkipReason::kNone) << detail;
    EXPECT_EQ(buf, "FAKE_SECRET_0123456789abcdef");
  } else {
    EXPECT_EQ(r.Rels(), (Strings{"locked.txt", "open.txt"}));
    ASSERT_EQ(Reasons(r), (std::vector<SkipReason>{SkipReason::kUnreadable}));
    EXPECT_NE(r.skips[0].detail.find("closed"), std::string::npos) << r.skips[0].detail;
    ASSERT_EQ(r.items.size(), 2u);
    EXPECT_EQ(ReadItem(r.items[0], {}, &buf, &detail), SkipReason::kUnreadable);
    EXPECT_NE(detail.find("locked.txt"), std::string::npos) << detail;
    EXPECT_EQ(detail.find("FAKE_SECRET"), std::string::npos) << detail;
  }
}

TEST(FileSource, NamesWithSpacesAndNonUtf8Bytes) {
  TempTree t;
  const std::string odd = "bad\xff\xfe name.txt";
  t.Write("root/my dir/a file.txt", "spaces");
  t.Write("root/" + odd, "odd bytes");
  t.Fifo("root/pipe\x1b[31m\xff");
  WalkResult r = Enumerate({t.Path("root")});
  ASSERT_EQ(r.Rels(), (Strings{odd, "my dir/a file.txt"}));
  std::string buf, detail;
  EXPECT_EQ(ReadItem(r.items[0], {}, &buf, &detail), SkipReason::kNone) << detail;
  EXPECT_EQ(buf, "odd bytes");
  EXPECT_EQ(ReadItem(r.items[1], {}, &buf, &detail), SkipReason::kNone) << detail;
  EXPECT_EQ(buf, "spaces");
  // Messages show the hostile name escaped.
  ASSERT_EQ(r.skips.size(), 1u);
  EXPECT_NE(r.skips[0].detail.find("pipe\\x1b[31m\\xff"), std::string::npos) << r.skips[0].detail;
  EXPECT_EQ(r.skips[0].detail.find('\x1b'), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// ReadItem

Item FileItem(const std::string& fs_path) {
  Item item;
  item.prov.path = fs_path;
  item.prov.rel_path = fs_path;
  item.fs_path = fs_path;
  return item;
}

struct ReadCase {
  std::string name;
  std::string content;
  ReadOptions options;
  SkipReason reason;
};
void PrintTo(const ReadCase& c, std::ostream* os) { *os << c.name; }

class ReadItemTest : public testing::TestWithParam<ReadCase> {};

TEST_P(ReadItemTest, Table) {
  const ReadCase& c = GetParam();
  TempTree t;
  t.Write("f", c.content);
  std::string buf = "stale content from a previous, longer file", detail;
  SkipReason why = ReadItem(FileItem(t.Path("f")), c.options, &buf, &detail);
  EXPECT_EQ(why, c.reason) << detail;
  if (why == SkipReason::kNone) {
    EXPECT_EQ(buf, c.content);
    EXPECT_TRUE(detail.empty()) << detail;
  } else {
    EXPECT_NE(detail.find(t.Path("f")), std::string::npos) << "names the path: " << detail;
    EXPECT_EQ(detail.find("FAKE_SECRET"), std::string::npos) << "never the content: " << detail;
  }
}

std::string WithNulAt(size_t at, size_t size) {
  std::string s(size, 'a');
  s.replace(0, 27, "FAKE_SECRET_0123456789abcde");
  s[at] = '\0';
  return s;
}

ReadOptions Limit(uint64_t max) { return ReadOptions{.max_file_size = max, .scan_binary = false}; }
constexpr ReadOptions kScanBinary{.max_file_size = 50ull << 20, .scan_binary = true};

INSTANTIATE_TEST_SUITE_P(
    Table, ReadItemTest,
    testing::Values(
        ReadCase{"PlainText", "FAKE_SECRET_0123456789abcdef\n", {}, SkipReason::kNone},
        ReadCase{"EmptyFile", "", {}, SkipReason::kNone},
        ReadCase{"NulFirstByteIsBinary", WithNulAt(0, 100), {}, SkipReason::kBinary},
        ReadCase{"NulInSmallFileIsBinary", WithNulAt(50, 100), {}, SkipReason::kBinary},
        ReadCase{"NulAtByte7999IsBinary", WithNulAt(7999, 20000), {}, SkipReason::kBinary},
        ReadCase{"NulAtByte8000IsText", WithNulAt(8000, 20000), {}, SkipReason::kNone},
        ReadCase{"NulLateInBigFileIsText", WithNulAt(900000, 1000000), {}, SkipReason::kNone},
        ReadCase{"ScanBinaryReadsIt", WithNulAt(10, 100), kScanBinary, SkipReason::kNone},
        ReadCase{"ExactlyAtSizeLimit", std::string(64, 'x'), Limit(64), SkipReason::kNone},
        ReadCase{"OneOverSizeLimit", "FAKE_SECRET_" + std::string(53, 'x'), Limit(64),
                 SkipReason::kTooLarge},
        ReadCase{"EmptyFileWithZeroLimit", "", Limit(0), SkipReason::kNone},
        ReadCase{"TooLargeCheckedBeforeBinary", WithNulAt(0, 100), Limit(10),
                 SkipReason::kTooLarge},
        ReadCase{"LargeTextFile", std::string(3 << 20, 'q'), {}, SkipReason::kNone}),
    CaseName());

TEST(ReadItem, MissingFileIsUnreadable) {
  TempTree t;
  std::string buf, detail;
  EXPECT_EQ(ReadItem(FileItem(t.Path("gone")), {}, &buf, &detail), SkipReason::kUnreadable);
  EXPECT_NE(detail.find("gone"), std::string::npos) << detail;
}

TEST(ReadItem, DirectoryIsNotRegular) {
  TempTree t;
  t.MkDir("d");
  std::string buf, detail;
  EXPECT_EQ(ReadItem(FileItem(t.Path("d")), {}, &buf, &detail), SkipReason::kNotRegular);
}

TEST(ReadItem, FifoIsNotRegularAndDoesNotBlock) {
  TempTree t;
  t.Fifo("pipe");
  auto read = [&] {
    std::string buf, detail;
    ReadItem(FileItem(t.Path("pipe")), {}, &buf, &detail);
  };
  ASSERT_FINISHES(read);
  std::string buf, detail;
  EXPECT_EQ(ReadItem(FileItem(t.Path("pipe")), {}, &buf, &detail), SkipReason::kNotRegular);
  EXPECT_NE(detail.find("pipe"), std::string::npos) << detail;
}

TEST(ReadItem, InMemoryItems) {
  Item item;
  item.in_memory = true;
  item.prov.kind = Provenance::Kind::kStdin;
  item.prov.path = "-";
  item.data = "token=FAKE_SECRET_0123456789abcdef";
  std::string buf, detail;
  EXPECT_EQ(ReadItem(item, {}, &buf, &detail), SkipReason::kNone);
  EXPECT_EQ(buf, item.data);

  item.data = std::string("FAKE_SECRET\0bin", 15);
  EXPECT_EQ(ReadItem(item, {}, &buf, &detail), SkipReason::kBinary);
  EXPECT_EQ(detail.find("FAKE_SECRET"), std::string::npos) << detail;
  EXPECT_EQ(ReadItem(item, kScanBinary, &buf, &detail), SkipReason::kNone);
  EXPECT_EQ(buf, item.data);
}

TEST(ReadItem, ReusedBufferHoldsOnlyTheNewFile) {
  TempTree t;
  t.Write("long", std::string(10000, 'L'));
  t.Write("short", "s");
  std::string buf, detail;
  ASSERT_EQ(ReadItem(FileItem(t.Path("long")), {}, &buf, &detail), SkipReason::kNone);
  ASSERT_EQ(ReadItem(FileItem(t.Path("short")), {}, &buf, &detail), SkipReason::kNone);
  EXPECT_EQ(buf, "s");
}

// ---------------------------------------------------------------------------------------------
// LooksBinary

struct BinaryCase {
  std::string name;
  std::string head;
  bool binary;
};
void PrintTo(const BinaryCase& c, std::ostream* os) { *os << c.name; }

class LooksBinaryTest : public testing::TestWithParam<BinaryCase> {};

TEST_P(LooksBinaryTest, Table) { EXPECT_EQ(LooksBinary(GetParam().head), GetParam().binary); }

INSTANTIATE_TEST_SUITE_P(
    Table, LooksBinaryTest,
    testing::Values(BinaryCase{"Empty", "", false}, BinaryCase{"Text", "plain text\n", false},
                    BinaryCase{"Utf8Text", "\xc3\xa9\xe6\x97\xa5", false},
                    BinaryCase{"HighBytesWithoutNul", "\xff\xfe\x80\x01\x02", false},
                    BinaryCase{"OnlyNul", std::string(1, '\0'), true},
                    BinaryCase{"NulAtEnd", std::string("abc\0", 4), true},
                    BinaryCase{"NulAtLastCheckedByte", WithNulAt(7999, 8000), true},
                    BinaryCase{"NulJustBeyondCheckedBytes", WithNulAt(8000, 8001), false}),
    CaseName());

}  // namespace
}  // namespace leakguard::input
