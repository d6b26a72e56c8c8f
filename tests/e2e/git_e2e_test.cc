// End-to-end tests of `leakguard git` and `leakguard hook install` on real repositories built by
// the git CLI (fixed authors and dates): exact findings with their commits, ranges, stashes,
// unreachable objects, staged changes, the pre-push protocol, and the installed hooks stopping a
// real `git commit` and `git push`.
//
// Planted secrets are assembled at run time, so this file holds no literal token.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "git_fixture.h"

namespace {

namespace fs = std::filesystem;
using leakguard::testing::GitRepoBuilder;
using leakguard::testing::Quote;
using leakguard::testing::Sh;
using leakguard::testing::TempDir;
using nlohmann::json;

std::string Pat() { return std::string("gh") + "p_" + "aB3dE5fG7hJ9kL1mN2" + "pQ4rS6tU8vW00snvpY"; }
std::string Pat2() {
  return std::string("gh") + "p_" + "Zx9Wv8Ut7Sr6Qp5On4" + "Ml3Kj2Ih1Gf01dIj2O";
}
std::string Aws() { return std::string("AK") + "IA" + "QZ7XW3LK" + "P4RTY2NV"; }

struct Outcome {
  int code = -1;
  std::string out, err;
  json doc;
  const json& findings() const { return doc.at("findings"); }
};

// Runs leakguard with `args` (already shell-quoted where needed) in `cwd`, optional stdin.
Outcome Leakguard(const std::string& args, const std::string& cwd = ".",
                  const std::string& stdin_text = "") {
  TempDir io;
  const fs::path out = io.path() / "out", err = io.path() / "err", in = io.path() / "in";
  std::ofstream(in, std::ios::binary) << stdin_text;
  int status = 0;
  Sh("cd " + Quote(cwd) + " && timeout 120 " + Quote(LEAKGUARD_BIN) + " " + args + " <" +
         Quote(in.string()) + " >" + Quote(out.string()) + " 2>" + Quote(err.string()),
     true, &status);
  Outcome r;
  r.code = status;
  std::ifstream o(out, std::ios::binary), e(err, std::ios::binary);
  r.out.assign(std::istreambuf_iterator<char>(o), {});
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  if (args.find("-f json") != std::string::npos && r.code != 2) {
    r.doc = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(r.doc.is_discarded()) << r.out << r.err;
  }
  return r;
}

class GitE2E : public ::testing::Test {
 protected:
  TempDir tmp;
  GitRepoBuilder repo{tmp.path() / "repo"};
  std::string dir() const { return repo.dir().string(); }
  Outcome Git(const std::string& flags = "") {
    return Leakguard("git " + Quote(dir()) + " -f json " + flags);
  }
};

TEST_F(GitE2E, SecretAddedThenRemovedIsFoundInHistoryWithTheAddingCommit) {
  repo.Write("app.py", "print('hello')\n");
  repo.Commit("start");
  repo.Write("config.py", "# settings\nGITHUB_TOKEN = '" + Pat() + "'\n");
  const std::string added = repo.Commit("add config");
  fs::remove(repo.dir() / "config.py");
  repo.Commit("remove the token");

  Outcome r = Git();
  ASSERT_EQ(r.code, 1) << r.err;
  ASSERT_EQ(r.findings().size(), 1u) << r.out;
  const json& f = r.findings()[0];
  EXPECT_EQ(f["rule_id"], "github-pat");
  EXPECT_EQ(f["file"], "config.py");
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(f["column"], 17);
  EXPECT_EQ(f["commit"], added);
  EXPECT_EQ(f["author"], "Ada Lovelace");
  EXPECT_EQ(f["email"], "ada@example.com");
  EXPECT_EQ(f["date"], "2024-01-02T10:00:00+02:00");
  EXPECT_EQ(f["message"], "add config");
  EXPECT_EQ(f["blob"], repo.Git("rev-parse " + added + ":config.py"));
  EXPECT_EQ(f["secret"].get<std::string>().find(Pat()), std::string::npos);  // redacted
  EXPECT_EQ(r.doc["summary"]["commits_scanned"], 3);
  EXPECT_EQ(r.doc["summary"]["blobs_scanned"], 2);
  EXPECT_EQ(r.out.find(Pat()), std::string::npos);
  EXPECT_EQ(r.err.find(Pat()), std::string::npos);

  // The work tree is clean: only history holds it.
  EXPECT_EQ(Leakguard("scan " + Quote(dir()) + " -q").code, 0);

  // Text output names the commit.
  Outcome text = Leakguard("git " + Quote(dir()));
  EXPECT_EQ(text.code, 1);
  EXPECT_NE(text.out.find("Commit:      " + added), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("scanned 3 commits, 2 unique blobs"), std::string::npos) << text.out;
}

TEST_F(GitE2E, OneBlobTwoPathsIsReportedOnceOrAtEveryLocation) {
  repo.Write("a.env", "TOKEN=" + Pat() + "\n");
  const std::string c1 = repo.Commit("a");
  repo.Git("mv a.env b.env");
  const std::string c2 = repo.Commit("rename");
  repo.Write("other/branch.txt", "key " + Aws() + "\n");
  repo.Git("checkout -q -b side");
  repo.Write("side.txt", "side " + Pat2() + "\n");
  const std::string side = repo.Commit("side work");
  repo.Git("checkout -q main");

  Outcome once = Git();
  ASSERT_EQ(once.code, 1);
  std::map<std::string, std::string> by_file;
  for (const auto& f : once.findings()) by_file[f["file"]] = f["commit"];
  EXPECT_EQ(by_file, (std::map<std::string, std::string>{
                         {"a.env", c1}, {"other/branch.txt", side}, {"side.txt", side}}));

  Outcome all = Git("--all-locations");
  std::multimap<std::string, std::string> locs;
  for (const auto& f : all.findings())
    if (f["rule_id"] == "github-pat" && f["secret_id"] == once.findings()[0]["secret_id"])
      locs.emplace(f["file"], f["commit"]);
  EXPECT_EQ(locs, (std::multimap<std::string, std::string>{{"a.env", c1}, {"b.env", c2}}));
}

TEST_F(GitE2E, ASecretKeptAcrossEditsIsReportedOnceAtTheCommitThatIntroducedIt) {
  repo.Write("config.py", "TOKEN = '" + Pat() + "'\nA = 1\n");
  const std::string c1 = repo.Commit("add");
  repo.Write("config.py", "TOKEN = '" + Pat() + "'\nA = 2\n");
  repo.Commit("edit");
  repo.Write("config.py", "B = 0\nTOKEN = '" + Pat() + "'\nA = 3\n");
  const std::string c3 = repo.Commit("edit again");

  Outcome r = Git();
  ASSERT_EQ(r.findings().size(), 1u) << r.out;
  EXPECT_EQ(r.findings()[0]["commit"], c1);
  EXPECT_EQ(r.doc["summary"]["blobs_scanned"], 3);
  // Every version is listed with --all-locations.
  EXPECT_EQ(Git("--all-locations").findings().size(), 3u);
  // Ignoring the introducing finding does not surface the later versions.
  std::ofstream(repo.dir() / ".leakguardignore")
      << r.findings()[0]["fingerprint"].get<std::string>() << "\n";
  Outcome ignored = Git();
  EXPECT_EQ(ignored.code, 0) << ignored.out;
  EXPECT_TRUE(ignored.findings().empty());
  EXPECT_EQ(ignored.doc["summary"]["suppressed"], 1);
  Outcome explained = Git("--explain");
  int pats = 0;
  for (const auto& x : explained.findings())
    if (x["rule_id"] == "github-pat") {
      ++pats;
      EXPECT_EQ(x["dropped_by"], "ignore-file");
      EXPECT_EQ(x["commit"], c1);
    }
  EXPECT_EQ(pats, 1) << explained.out;
  // A range starting after the introduction does not report it again.
  EXPECT_EQ(Git("--range " + c1 + ".." + c3).code, 0);
}

// Standard base64 with padding (to plant an encoded secret).
std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k)
      v = (v << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

TEST_F(GitE2E, AnEncodedSecretKeptAcrossEditsIsReportedOnceWithItsChain) {
  const std::string encoded = Base64(Pat());
  repo.Write("secret.yaml", "data:\n  token: " + encoded + "\n");
  const std::string c1 = repo.Commit("add");
  repo.Write("secret.yaml", "# edited\ndata:\n  token: " + encoded + "\n");
  repo.Commit("edit");

  Outcome r = Git("--no-redact");
  ASSERT_EQ(r.findings().size(), 1u) << r.out;
  EXPECT_EQ(r.findings()[0]["commit"], c1);
  EXPECT_EQ(r.findings()[0]["rule_id"], "github-pat");
  EXPECT_EQ(r.findings()[0]["secret"], Pat());
  EXPECT_EQ(r.findings()[0]["decoded"], json::array({"base64"}));
  EXPECT_EQ(r.findings()[0]["line"], 2);
  EXPECT_EQ(r.findings()[0]["column"], 10);
  EXPECT_EQ(Git("--all-locations").findings().size(), 2u);
  const Outcome off = Git("--decode-depth 0");  // kept: findings() refers into it
  for (const auto& x : off.findings())          // the encoded value is not decoded
    EXPECT_FALSE(x.contains("decoded")) << x.dump();
}

TEST_F(GitE2E, ArchivesCommittedToHistoryAreOpened) {
  // A zip committed and deleted again: its member is scanned, with the commit and the chain.
  Sh("cd " + Quote(dir()) +
     " && python3 -c \"import zipfile,sys; z=zipfile.ZipFile('bundle.zip','w'); "
     "z.writestr('conf/app.env', 'x=1\\nTOKEN=' + sys.argv[1] + '\\n'); z.close()\" " +
     Quote(Pat()));
  const std::string added = repo.Commit("add bundle");
  fs::remove(repo.dir() / "bundle.zip");
  repo.Commit("remove bundle");

  Outcome r = Git();
  ASSERT_EQ(r.code, 1) << r.err;
  ASSERT_EQ(r.findings().size(), 1u) << r.out;
  const json& f = r.findings()[0];
  EXPECT_EQ(f["file"], "bundle.zip!conf/app.env");
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(f["commit"], added);
  EXPECT_EQ(f["archive_chain"], json::array({"bundle.zip", "conf/app.env"}));
}

TEST_F(GitE2E, APathRuleFiresWhereThePathAppearsNotAtEveryEdit) {
  repo.Write(".leakguard.toml",
             "[[rules]]\nid = \"p12-file\"\ndescription = \"PKCS#12\"\npath = '''\\.p12$'''\n");
  repo.Write("certs/a.p12", "v1");
  const std::string added = repo.Commit("add a.p12");
  repo.Write("certs/a.p12", "v2");
  repo.Commit("edit");
  repo.Write("certs/a.p12", "v3");
  repo.Commit("edit again");
  Outcome r = Git("--scan-binary");
  ASSERT_EQ(r.findings().size(), 1u) << r.out << r.err;
  EXPECT_EQ(r.findings()[0]["rule_id"], "p12-file");
  EXPECT_EQ(r.findings()[0]["commit"], added);
  EXPECT_EQ(Git("--all-locations").findings().size(), 3u);
}

TEST_F(GitE2E, YamlRulesFromRulesAreAddedToTheBuiltinRules) {
  const std::string acme = std::string("acme_") + "live_" + "p0o9i8u7y6t5r4e3" + "w2q1a0s9d8f7g6h5";
  repo.Write("settings.py", "ACME = '" + acme + "'\nGITHUB = '" + Pat() + "'\n");
  const std::string added = repo.Commit("settings");
  const std::string rules = LEAKGUARD_SOURCE_DIR "/testdata/rules/np-style-rules.yml";
  Outcome r = Git("--rules " + Quote(rules));
  ASSERT_EQ(r.code, 1) << r.err;
  std::multiset<std::string> ids;
  for (const auto& f : r.findings()) ids.insert(f["rule_id"].get<std::string>());
  EXPECT_EQ(ids, (std::multiset<std::string>{"github-pat", "lg.sample.acme.1"})) << r.out;
  Outcome only = Git("--rules-only --rules " + Quote(rules));
  ASSERT_EQ(only.findings().size(), 1u) << only.out << only.err;
  EXPECT_EQ(only.findings()[0]["rule_id"], "lg.sample.acme.1");
  EXPECT_EQ(only.findings()[0]["commit"], added);
  EXPECT_EQ(only.findings()[0]["line"], 1);
}

TEST_F(GitE2E, RangesSinceBranchAndMaxCommits) {
  repo.Write("a.txt", "nothing\n");
  const std::string c1 = repo.Commit("1");
  repo.Write("s.txt", "token: " + Pat() + "\n");
  const std::string c2 = repo.Commit("2");
  repo.Write("b.txt", "more\n");
  const std::string c3 = repo.Commit("3");

  EXPECT_EQ(Git("--range " + c2 + ".." + c3).code, 0);  // the range excludes the adding commit
  Outcome in = Git("--range " + c1 + ".." + c3);
  ASSERT_EQ(in.code, 1);
  EXPECT_EQ(in.findings()[0]["commit"], c2);
  EXPECT_EQ(in.doc["summary"]["commits_scanned"], 2);
  EXPECT_EQ(Git("--since " + c2).code, 0);
  EXPECT_EQ(Git("--since " + c1).code, 1);
  EXPECT_EQ(Git("--max-commits 1").code, 0);
  EXPECT_EQ(Git("--max-commits 2").code, 1);
  EXPECT_EQ(Git("--branch " + c1).code, 0);
  EXPECT_EQ(Git("--branch main").code, 1);

  Outcome bad = Git("--range nope..main");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("nope..main"), std::string::npos) << bad.err;
  EXPECT_EQ(Git("--range a..b --since c").code, 2);
  EXPECT_EQ(Git("--staged --all-objects").code, 2);
}

TEST_F(GitE2E, StashIsScannedDroppedStashAndAmendedCommitOnlyWithAllObjects) {
  repo.Write("a.txt", "base\n");
  repo.Commit("base");
  repo.Write("a.txt", "stashed " + Pat() + "\n");
  repo.Tick();
  repo.Git("stash -q");
  Outcome stash = Git();
  ASSERT_EQ(stash.code, 1) << stash.err;
  EXPECT_EQ(stash.findings()[0]["commit"], repo.Git("rev-parse stash@{0}"));
  EXPECT_FALSE(stash.findings()[0].contains("unreachable"));

  repo.Git("stash drop -q");
  repo.Write("a.txt", "amended " + Aws() + "\n");
  const std::string amended = repo.Commit("oops");
  repo.Write("a.txt", "clean\n");
  repo.Tick();
  repo.Git("commit -q -a --amend -m fixed");

  EXPECT_EQ(Git().code, 0);
  Outcome all = Git("--all-objects");
  ASSERT_EQ(all.code, 1);
  ASSERT_EQ(all.findings().size(), 2u) << all.out;
  for (const auto& f : all.findings()) {
    EXPECT_EQ(f["unreachable"], true);
    if (f["rule_id"] == "aws-access-key-id") {
      EXPECT_EQ(f["commit"], amended);
    }
  }
}

TEST_F(GitE2E, BareRepositoryAndNotARepository) {
  repo.Write("k.txt", "k " + Pat() + "\n");
  repo.Commit("k");
  const std::string bare = (tmp.path() / "bare.git").string();
  Sh("git clone -q --bare " + Quote(dir()) + " " + Quote(bare));
  Outcome r = Leakguard("git " + Quote(bare) + " -f json");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.findings().size(), 1u);

  Outcome none = Leakguard("git " + Quote(tmp.path().string()));
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("not a git repository"), std::string::npos) << none.err;
  EXPECT_EQ(Leakguard("git " + Quote(bare) + " --staged").code, 2);
}

TEST_F(GitE2E, CommitAllowlistsIgnoreFilesAndMaskedCommitMessages) {
  repo.Write("a.txt", "one " + Pat() + "\n");
  const std::string c1 = repo.Commit("first, with the key " + Aws() + " in the message");
  repo.Write("b.txt", "two " + Pat2() + "\n");
  const std::string c2 = repo.Commit("second");

  Outcome r = Git();
  ASSERT_EQ(r.findings().size(), 2u);
  for (const auto& f : r.findings())
    if (f["commit"] == c1) {
      const std::string msg = f["message"];
      EXPECT_EQ(msg.find(Aws()), std::string::npos) << msg;
      EXPECT_NE(msg.find("first, with the key AKIA"), std::string::npos) << msg;
    }
  EXPECT_EQ(r.out.find(Aws()), std::string::npos);

  // [[allowlists]] commits = [...] drops the first commit's finding.
  repo.Write(".leakguard.toml",
             "[extend]\nuseDefault = true\n[[allowlists]]\ncommits = [\"" + c1 + "\"]\n");
  Outcome allowed = Git();
  ASSERT_EQ(allowed.findings().size(), 1u) << allowed.out;
  EXPECT_EQ(allowed.findings()[0]["commit"], c2);

  // An ignore file with the fingerprint (which includes the commit) drops the other.
  std::ofstream(repo.dir() / ".leakguardignore")
      << allowed.findings()[0]["fingerprint"].get<std::string>() << "\n";
  Outcome ignored = Git();
  EXPECT_EQ(ignored.code, 0) << ignored.out;
  // gitleaks' commit:path:rule:line form too.
  std::ofstream(repo.dir() / ".leakguardignore") << c2 << ":b.txt:github-pat:1\n";
  EXPECT_EQ(Git().code, 0);
}

TEST_F(GitE2E, CorruptObjectIsNamedAndTheScanGoesOn) {
  repo.Write("good.txt", "g " + Pat() + "\n");
  repo.Write("bad.txt", "b " + Pat2() + "\n");
  repo.Commit("1");
  const std::string bad = repo.Git("rev-parse HEAD:bad.txt");
  const fs::path obj = repo.dir() / ".git/objects" / bad.substr(0, 2) / bad.substr(2);
  fs::permissions(obj, fs::perms::owner_all);
  std::ofstream(obj, std::ios::binary | std::ios::trunc) << "garbage";
  Outcome r = Git();
  EXPECT_EQ(r.code, 1);
  ASSERT_EQ(r.findings().size(), 1u);
  EXPECT_EQ(r.findings()[0]["file"], "good.txt");
  EXPECT_NE(r.err.find("bad.txt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad.substr(0, 12)), std::string::npos) << r.err;
  EXPECT_EQ(r.doc["summary"]["skipped"]["unreadable"], 1);
}

TEST_F(GitE2E, StagedReportsOnlyAddedLinesWithWorkTreeLineNumbers) {
  repo.Write("settings.py", "OLD = '" + Pat() + "'\nx = 1\n");  // already committed
  repo.Commit("old secret");
  repo.Write("settings.py", "OLD = '" + Pat() + "'\nx = 1\nNEW = '" + Aws() + "'\n");
  repo.Write("unstaged.py", "U = '" + Pat2() + "'\n");
  repo.Git("add settings.py");

  Outcome r = Leakguard("git --staged -f json", dir());
  ASSERT_EQ(r.code, 1) << r.err;
  ASSERT_EQ(r.findings().size(), 1u) << r.out;
  EXPECT_EQ(r.findings()[0]["file"], "settings.py");
  EXPECT_EQ(r.findings()[0]["line"], 3);
  EXPECT_EQ(r.findings()[0]["rule_id"], "aws-access-key-id");
  EXPECT_FALSE(r.findings()[0].contains("commit"));

  repo.Git("reset -q");
  EXPECT_EQ(Leakguard("git --staged -q", dir()).code, 0);
}

TEST_F(GitE2E, PrePushScansExactlyWhatIsPushed) {
  repo.Write("a.txt", "pushed already " + Pat() + "\n");
  repo.Commit("1");
  const std::string remote = (tmp.path() / "remote.git").string();
  Sh("git init -q --bare " + Quote(remote));
  repo.Git("remote add origin " + Quote(remote));
  repo.Git("push -q origin main");
  const std::string old = repo.Git("rev-parse HEAD");
  repo.Write("b.txt", "new " + Aws() + "\n");
  const std::string head = repo.Commit("2");
  const std::string z(40, '0');

  Outcome r = Leakguard("git --pre-push --remote origin -f json", dir(),
                        "refs/heads/main " + head + " refs/heads/main " + old + "\n");
  ASSERT_EQ(r.code, 1) << r.err;
  ASSERT_EQ(r.findings().size(), 1u) << r.out;
  EXPECT_EQ(r.findings()[0]["file"], "b.txt");
  EXPECT_EQ(r.findings()[0]["commit"], head);

  // A new branch: compared with what the remote's tracking refs hold.
  repo.Git("fetch -q origin");
  Outcome fresh = Leakguard("git --pre-push --remote origin -f json", dir(),
                            "refs/heads/topic " + head + " refs/heads/topic " + z + "\n");
  ASSERT_EQ(fresh.findings().size(), 1u) << fresh.out;
  EXPECT_EQ(fresh.findings()[0]["file"], "b.txt");

  // Deleting a remote branch pushes nothing; nothing to push at all is clean.
  EXPECT_EQ(
      Leakguard("git --pre-push -q", dir(), "(delete) " + z + " refs/heads/gone " + old + "\n")
          .code,
      0);
  EXPECT_EQ(Leakguard("git --pre-push -q", dir(), "").code, 0);
  EXPECT_EQ(Leakguard("git --pre-push -q", dir(), "garbage\n").code, 2);
}

TEST_F(GitE2E, InstalledHooksStopARealCommitAndPush) {
  repo.Write("readme.md", "hi\n");
  repo.Commit("1");
  const std::string remote = (tmp.path() / "remote.git").string();
  Sh("git init -q --bare " + Quote(remote));
  repo.Git("remote add origin " + Quote(remote));
  repo.Git("push -q origin main");

  Outcome inst = Leakguard("hook install --pre-commit --pre-push", dir());
  ASSERT_EQ(inst.code, 0) << inst.err;
  EXPECT_NE(inst.out.find("installed"), std::string::npos);
  const fs::path hook = repo.dir() / ".git/hooks/pre-commit";
  ASSERT_TRUE(fs::exists(hook));
  EXPECT_NE(fs::status(hook).permissions() & fs::perms::owner_exec, fs::perms::none);

  // The pre-commit hook refuses a commit that adds a secret...
  repo.Write("leak.txt", "t " + Pat() + "\n");
  repo.Git("add leak.txt");
  repo.Tick();
  int status = 0;
  Sh("cd " + Quote(dir()) + " && git commit -q -m leak", true, &status);
  EXPECT_NE(status, 0);
  EXPECT_EQ(repo.Git("rev-list --count HEAD"), "1");
  // ...and lets a clean one through.
  repo.Git("rm -q --cached leak.txt");
  fs::remove(repo.dir() / "leak.txt");
  repo.Write("ok.txt", "fine\n");
  repo.Commit("ok");
  EXPECT_EQ(repo.Git("rev-list --count HEAD"), "2");

  // The pre-push hook refuses a push of a commit that carries a secret (committed bypassing
  // the pre-commit hook), and the remote does not move.
  repo.Write("leak2.txt", "a " + Aws() + "\n");
  repo.Git("add leak2.txt");
  repo.Tick();
  repo.Git("commit -q --no-verify -m sneaky");
  const std::string before = Sh("git --git-dir=" + Quote(remote) + " rev-parse main");
  Sh("cd " + Quote(dir()) + " && git push -q origin main", true, &status);
  EXPECT_NE(status, 0);
  EXPECT_EQ(Sh("git --git-dir=" + Quote(remote) + " rev-parse main"), before);

  // The audit sees the protection the hook gives (issue 7's check 4).
  Outcome audit = Leakguard("audit -f json", dir());
  ASSERT_FALSE(audit.doc.is_discarded());
  EXPECT_EQ(audit.doc["protection"]["protected"], true) << audit.out;
  EXPECT_EQ(audit.doc["protection"]["scanners"], json::array({"leakguard"}));

  // Installing again updates our own hooks in place.
  Outcome again = Leakguard("hook install --pre-commit", dir());
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("updated"), std::string::npos) << again.out;
}

TEST_F(GitE2E, HookInstallNeverOverwritesAForeignHookSilently) {
  repo.Commit("1");
  const fs::path hooks = repo.dir() / ".git/hooks";
  fs::create_directories(hooks);
  std::ofstream(hooks / "pre-commit") << "#!/bin/sh\necho mine\n";
  Outcome refused = Leakguard("hook install", dir());
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("not written by leakguard"), std::string::npos) << refused.err;
  std::ifstream in(hooks / "pre-commit");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "#!/bin/sh\necho mine\n");

  Outcome forced = Leakguard("hook install --force", dir());
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_TRUE(fs::exists(hooks / "pre-commit.leakguard-backup"));
  std::ifstream now(hooks / "pre-commit");
  std::string script((std::istreambuf_iterator<char>(now)), {});
  EXPECT_NE(script.find("git --staged"), std::string::npos);

  // core.hooksPath is honoured (relative to the work tree).
  repo.Git("config core.hooksPath .githooks");
  EXPECT_EQ(Leakguard("hook install --pre-push -q", dir()).code, 0);
  EXPECT_TRUE(fs::exists(repo.dir() / ".githooks/pre-push"));
  EXPECT_EQ(Leakguard("hook install /nonexistent").code, 2);
}

}  // namespace
