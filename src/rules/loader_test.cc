#include "rules/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "rules/test_configs.h"
#include "rules/toml_fields.h"

namespace leakguard::rules {
namespace {

Result<RuleSet> Load(std::string_view text, std::vector<std::string>* warnings = nullptr) {
  return LoadConfigText(text, "test.toml", warnings);
}

TEST(Loader, ReadsEveryGitleaksRuleField) {
  auto set = Load(kEveryGitleaksRuleField);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  ASSERT_EQ(set->rules.size(), 1u);
  const Rule& r = set->rules[0];
  EXPECT_EQ(set->title, "custom");
  EXPECT_EQ(r.id, "acme-token");
  EXPECT_EQ(r.description, "Acme token");
  EXPECT_EQ(r.secret_group, 1);
  EXPECT_DOUBLE_EQ(r.entropy, 3.5);
  EXPECT_EQ(r.keywords, (std::vector<std::string>{"acme_", "acme-token"}));  // lower-cased
  EXPECT_EQ(r.path, "\\.env$");
  EXPECT_EQ(r.tags, (std::vector<std::string>{"acme", "saas"}));
  EXPECT_EQ(r.pos.line, 3);
  ASSERT_EQ(r.allowlists.size(), 1u);
  const Allowlist& a = r.allowlists[0];
  EXPECT_EQ(a.condition, Condition::kAnd);
  EXPECT_EQ(a.regex_target, RegexTarget::kLine);
  EXPECT_EQ(a.regexes, std::vector<std::string>{"fixture"});
  EXPECT_EQ(a.paths, std::vector<std::string>{"^test/"});
  EXPECT_EQ(a.stopwords, std::vector<std::string>{"dummy"});
  EXPECT_EQ(a.commits, std::vector<std::string>{"abc123"});
  EXPECT_TRUE(r.compiled_regex != nullptr);
}

TEST(Loader, ReadsOlderAllowlistTableAndGlobalAllowlists) {
  auto set = Load(R"(
[allowlist]
paths = ['''vendor/''']
[[allowlists]]
targetRules = ["r1"]
stopwords = ["sample"]
[[rules]]
id = "r1"
regex = '''r1_[a-z]{8}'''
  [rules.allowlist]
  regexes = ['''r1_aaaa''']
)");
  ASSERT_TRUE(set.has_value()) << set.error().message();
  ASSERT_EQ(set->allowlists.size(), 2u);
  EXPECT_EQ(set->allowlists[0].paths, std::vector<std::string>{"vendor/"});
  EXPECT_EQ(set->allowlists[1].target_rules, std::vector<std::string>{"r1"});
  ASSERT_EQ(set->rules[0].allowlists.size(), 1u);
  EXPECT_EQ(set->rules[0].allowlists[0].regexes, std::vector<std::string>{"r1_aaaa"});
}

TEST(Loader, AcceptsGoNamedGroupSyntax) {
  auto set = Load(R"(
[[rules]]
id = "named"
regex = '''key=(?<value>[a-z]{8})'''
)");
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_EQ(set->rules[0].regex, "key=(?P<value>[a-z]{8})");
}

TEST(Loader, PathOnlyRule) {
  auto set = Load(R"(
[[rules]]
id = "p12-file"
path = '''\.p12$'''
)");
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_TRUE(set->rules[0].PathOnly());
}

struct ErrorCase {
  std::string name;
  std::string toml;
  std::string want;  // substring of the message
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class LoaderErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(LoaderErrors, NamesFileLineAndRule) {
  auto set = Load(GetParam().toml);
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message().find(GetParam().want), std::string::npos)
      << set.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    All, LoaderErrors,
    testing::Values(
        ErrorCase{"InvalidToml", "[[rules]]\nid = \"x\nregex = 'a'\n", "test.toml:2:"},
        ErrorCase{"InvalidRegex", "\n[[rules]]\nid = \"bad\"\nregex = '''a(b'''\n",
                  "test.toml:4: rule 'bad': invalid regex: missing )"},
        ErrorCase{"SecretGroupBeyondGroups",
                  "[[rules]]\nid = \"g\"\nregex = '''(a)(b)'''\nsecretGroup = 3\n",
                  "test.toml:4: rule 'g': secretGroup 3 but the regex has only 2 capture groups"},
        ErrorCase{"MissingId", "[[rules]]\nregex = 'a'\n", "test.toml:1: rule without an 'id'"},
        ErrorCase{"NoRegexNoPath", "[[rules]]\nid = \"empty\"\n",
                  "rule 'empty': a rule needs a 'regex' or a 'path'"},
        ErrorCase{"BadCondition",
                  "[[rules]]\nid = \"c\"\nregex = 'a'\n[[rules.allowlists]]\ncondition = \"XOR\"\n"
                  "regexes = ['b']\n",
                  "test.toml:5: rule 'c': condition must be \"OR\" or \"AND\""},
        ErrorCase{"BadRegexTarget",
                  "[[rules]]\nid = \"t\"\nregex = 'a'\n[rules.allowlist]\nregexTarget = \"file\"\n"
                  "regexes = ['b']\n",
                  "regexTarget must be \"secret\", \"match\" or \"line\""},
        ErrorCase{"KeywordsNotStrings", "[[rules]]\nid = \"k\"\nregex = 'a'\nkeywords = [1]\n",
                  "rule 'k': 'keywords' must be an array of strings"},
        ErrorCase{"DuplicateId",
                  "[[rules]]\nid = \"d\"\nregex = 'a'\n[[rules]]\nid = \"d\"\nregex = 'b'\n",
                  "rule 'd' is defined twice"},
        ErrorCase{"BadAllowlistRegex", "[allowlist]\nregexes = ['''(''']\n",
                  "test.toml:2: global allowlist: invalid regex"},
        ErrorCase{"EntropyOutOfRange", "[[rules]]\nid = \"e\"\nregex = 'a'\nentropy = 9\n",
                  "rule 'e': entropy must be between 0 and 8"}),
    [](const testing::TestParamInfo<ErrorCase>& i) { return i.param.name; });

TEST(Loader, UnknownAndUnsupportedFieldsWarn) {
  std::vector<std::string> warnings;
  auto set = Load(R"(
[[rules]]
id = "w"
regex = 'a'
colour = "blue"
[[rules.required]]
id = "other"
)",
                  &warnings);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("rule 'w': unknown field 'colour' is ignored"), std::string::npos);
  EXPECT_NE(warnings[1].find("rule 'w': field 'required' is not supported yet"), std::string::npos);
}

TEST(Loader, AuditSectionIsLeakguardsOwnAndDoesNotWarn) {
  std::vector<std::string> warnings;
  auto set = Load(R"(
[[rules]]
id = "w"
regex = 'a'
[audit]
allow = ['^testdata/']
[[audit.files]]
id = "x"
paths = ["*.x"]
)",
                  &warnings);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  EXPECT_EQ(set->rules.size(), 1u);
}

TEST(Loader, WithoutExtendTheDefaultsAreReplaced) {
  auto set = Load("[[rules]]\nid = \"only\"\nregex = 'x_[a-z]{9}'\n");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->rules.size(), 1u);
}

TEST(Loader, ExtendUseDefaultAddsBuiltInRulesAndDisabledRulesRemovesThem) {
  const RuleSet& defaults = DefaultRules();
  ASSERT_GE(defaults.rules.size(), 2u);
  const std::string disabled = defaults.rules[0].id;
  auto set = Load("[extend]\nuseDefault = true\ndisabledRules = [\"" + disabled +
                  "\"]\n[[rules]]\nid = \"mine\"\nregex = 'mine_[a-z]{9}'\n");
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_EQ(set->rules.size(), defaults.rules.size());  // one removed, one added
  EXPECT_EQ(set->Find(disabled), nullptr);
  EXPECT_NE(set->Find("mine"), nullptr);
}

TEST(Loader, ExtendPathIsRelativeToTheExtendingFileAndOverridesById) {
  auto dir = std::filesystem::temp_directory_path() / "lg_loader_extend";
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "base.toml") << "[[rules]]\nid = \"a\"\nregex = 'a_[0-9]{4}'\n"
                                              "[[rules]]\nid = \"b\"\nregex = 'b_[0-9]{4}'\n";
  std::ofstream(dir / "top.toml")
      << "[extend]\npath = \"sub/base.toml\"\n[[rules]]\nid = \"b\"\nregex = 'b_[0-9]{6}'\n";
  std::vector<std::string> warnings;
  auto set = LoadConfigFile((dir / "top.toml").string(), &warnings);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  ASSERT_EQ(set->rules.size(), 2u);
  EXPECT_EQ(set->Find("a")->regex, "a_[0-9]{4}");
  EXPECT_EQ(set->Find("b")->regex, "b_[0-9]{6}");
  std::filesystem::remove_all(dir);
}

TEST(Loader, ExtendCycleIsAnError) {
  auto dir = std::filesystem::temp_directory_path() / "lg_loader_cycle";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.toml") << "[extend]\npath = \"b.toml\"\n";
  std::ofstream(dir / "b.toml") << "[extend]\npath = \"a.toml\"\n";
  auto set = LoadConfigFile((dir / "a.toml").string(), nullptr);
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message().find("nests too deep"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Loader, MissingFileIsAnError) {
  auto set = LoadConfigFile("/nonexistent/leakguard.toml", nullptr);
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message().find("/nonexistent/leakguard.toml: cannot read"),
            std::string::npos);
}

TEST(DefaultRules, AtLeast120RulesWithUniqueIdsKeywordsAndTags) {
  const RuleSet& set = DefaultRules();
  EXPECT_GE(set.rules.size(), 120u);
  std::set<std::string> ids;
  for (const Rule& r : set.rules) {
    EXPECT_TRUE(ids.insert(r.id).second) << "duplicate id " << r.id;
    EXPECT_FALSE(r.description.empty()) << r.id;
    EXPECT_FALSE(r.tags.empty()) << r.id;
    if (!r.PathOnly()) {
      EXPECT_FALSE(r.keywords.empty()) << r.id << " has no keywords";
      // The built-in rules are not compiled when loaded (the matcher compiles them on use), so
      // this test is what checks they are valid.
      RE2 re(r.regex, RegexOptions());
      EXPECT_TRUE(re.ok()) << r.id << ": " << re.error();
      EXPECT_LE(r.secret_group, re.NumberOfCapturingGroups()) << r.id;
    }
    for (const auto& al : r.allowlists)
      for (const auto& x : al.regexes)
        EXPECT_TRUE(RE2(x, RegexOptions()).ok()) << r.id << ": " << x;
  }
}

TEST(TomlFields, StringsAndArraysWithFileAndLineInErrors) {
  const toml::table t = toml::parse("a = \"x\"\nb = [\"y\", \"z\"]\nc = [\"y\", 3]\nd = 4\n");
  std::string s;
  EXPECT_TRUE(ReadTomlString("f.toml", t, "a", &s, "what").ok());
  EXPECT_EQ(s, "x");
  EXPECT_TRUE(ReadTomlString("f.toml", t, "missing", &s, "what").ok());  // absent: unchanged
  EXPECT_EQ(s, "x");
  EXPECT_EQ(ReadTomlString("f.toml", t, "d", &s, "what").message(),
            "f.toml:4: what: 'd' must be a string");
  std::vector<std::string> v;
  EXPECT_TRUE(ReadTomlStrings("f.toml", t, "b", &v, "what").ok());
  EXPECT_EQ(v, (std::vector<std::string>{"y", "z"}));
  EXPECT_EQ(ReadTomlStrings("f.toml", t, "a", &v, "what").message(),
            "f.toml:1: what: 'a' must be an array of strings");
  EXPECT_TRUE(ReadTomlStrings("f.toml", t, "a", &v, "what", /*single_ok=*/true).ok());
  EXPECT_EQ(v, (std::vector<std::string>{"y", "z", "x"}));
  EXPECT_EQ(ReadTomlStrings("f.toml", t, "c", &v, "what").message(),
            "f.toml:3: what: 'c' must be an array of strings");
}

}  // namespace
}  // namespace leakguard::rules
