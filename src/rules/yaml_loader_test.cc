// The YAML rule loader (Nosey Parker / Kingfisher / Titus formats), the pattern converter and the
// keyword derivation. Rule files are real files written by each test into a temporary directory.
#include "rules/yaml_loader.h"

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rules/loader.h"
#include "rules/pattern_convert.h"

namespace leakguard::rules {
namespace {

namespace fs = std::filesystem;

class YamlRules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lg-yaml-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, std::string_view text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  Result<RuleSet> LoadText(std::string_view text, std::vector<std::string>* warnings = nullptr) {
    return LoadYamlRulesFile(Write("rules.yml", text), warnings);
  }

  fs::path dir_;
};

std::string Convert(std::string_view p) {
  auto r = ConvertPattern(p);
  return r ? *r : "ERROR: " + r.error().message();
}

struct ConvertCase {
  const char* what;
  const char* pattern;
  const char* re2;
};

const ConvertCase kConversions[] = {
    {"extended mode: whitespace and comments go",
     "(?x)\n  \\b\n  (ghx_[a-z0-9]{8})   # token\n  \\b\n", "\\b(ghx_[a-z0-9]{8})\\b"},
    {"'#' and whitespace in a class, escaped space and '#', stay",
     "(?x) key [ #=] \\  \\# ( [a-z ]+ ) # end", "key[ #=]\\ \\#([a-z ]+)"},
    {"a leading ']' and a POSIX class in a class", "(?x) [] a] [[:alpha:] ] x",
     "[] a][[:alpha:] ]x"},
    {"\\Q...\\E is literal", "(?x) \\Qa b#c\\E d", "\\Qa b#c\\Ed"},
    {"without x, whitespace and '#' are literal", "a b # c", "a b # c"},
    {"x with i", "(?xi) a b", "(?i)ab"},
    {"i with x", "(?ix) a b", "(?i)ab"},
    {"x with -i", "(?x-i) a b", "(?-i)ab"},
    {"a scoped (?x:...)", "(?i) a (?x: b c ) d e", "(?i) a (?:bc) d e"},
    {"a scoped (?-x:...)", "(?x) a (?-x: b c ) d e", "a(?: b c )de"},
    {"(?x) in a group ends with it", "( (?x) a b ) c d", "( ab) c d"},
    {"the u flag goes (RE2 here matches bytes)", "(?xu) \\w+", "\\w+"},
    {"a scoped -u goes", "(?x-u:\\w)", "(?:\\w)"},
    {"RE2's flags pass through", "(?-i)a(?sm-U:b)", "(?-i)a(?sm-U:b)"},
    {"(?<name>", "(?<key>[a-z]+)", "(?P<key>[a-z]+)"},
    {"(?P<name>", "(?P<key>[a-z]+)", "(?P<key>[a-z]+)"},
    {"(?'name'", "(?'key'[a-z]+)", "(?P<key>[a-z]+)"},
    {"(?#...) comments go", "a(?# a comment )b", "ab"},
};

TEST(PatternConvert, ConvertsToRe2Syntax) {
  for (const auto& c : kConversions) EXPECT_EQ(Convert(c.pattern), c.re2) << c.what;
}

const std::pair<const char*, const char*> kRefusals[] = {
    {"(?<!a)b", "look-around"},
    {"(a)\\1", "a back-reference is not supported by RE2 (at offset 3"},
    {"(?P=n)", "a back-reference"},
    {"(?>ab)", "atomic group"},
    {"[a-z[0-9]]", "nested character class"},
    {"[a-z&&b]", "set operation"},
    {"\\<word\\>", "word-boundary"},
    {"\\b{start}x", "word-boundary"},
    {"(?R)", "recursion"},
    {"(?Rx)a", "the flag 'R'"},
    {"a\\Z", "the escape '\\Z'"},
};

TEST(PatternConvert, RefusesWhatRe2CannotRunWithTheOffset) {
  EXPECT_EQ(Convert("ab(?=cd)"),
            "ERROR: look-around ('(?=', '(?!', '(?<=', '(?<!') is not supported by RE2 (at "
            "offset 2: '(?=cd)')");
  for (const auto& [pattern, message] : kRefusals)
    EXPECT_NE(Convert(pattern).find(message), std::string::npos) << pattern;
}

TEST(PatternConvert, ConvertedPatternsMatchAsIntended) {
  std::string re =
      Convert("(?xi)\n  widget (?:_|-|\\ )? token   # name\n  [\\ =:\"']{1,4}\n  ([0-9a-f]{8})\n");
  RE2 compiled(re, RegexOptions());
  ASSERT_TRUE(compiled.ok()) << re << ": " << compiled.error();
  std::string secret;
  EXPECT_TRUE(RE2::PartialMatch("WIDGET TOKEN = \"0a1b2c3d\"", compiled, &secret));
  EXPECT_EQ(secret, "0a1b2c3d");
  EXPECT_FALSE(RE2::PartialMatch("widgettoken#0a1b2c3d", compiled));
}

TEST(DeriveKeywords, EveryMatchHoldsOneOfTheKeywords) {
  EXPECT_EQ(DeriveKeywords("\\b(ghx_[a-zA-Z0-9]{36})\\b"), std::vector<std::string>{"ghx_"});
  // Case-insensitive literals are lower-cased; alternatives give one keyword each.
  EXPECT_EQ(DeriveKeywords("(?i)(?:AcmeKey|zeta_token)\\s*=\\s*([a-z]{8})"),
            (std::vector<std::string>{"acmekey", "zeta_token"}));
  // Of a sequence of literals one is enough: the longest is kept.
  EXPECT_EQ(DeriveKeywords("abc[0-9]+defghij"), std::vector<std::string>{"defghij"});
  // One required literal beats three alternatives, however long.
  EXPECT_EQ(DeriveKeywords("(?i)aws(?:.|[\\n\\r]){0,32}?(?:secret|private|access)[a-z]{4}"),
            std::vector<std::string>{"aws"});
  // No literal that every match must hold: no keywords.
  EXPECT_TRUE(DeriveKeywords("[a-f0-9]{40}").empty());
  EXPECT_TRUE(DeriveKeywords("(?:abcd|[0-9]{8})").empty());
  EXPECT_TRUE(DeriveKeywords("ab").empty());  // shorter than 3 bytes
}

TEST_F(YamlRules, MapsEveryNoseyParkerField) {
  std::vector<std::string> warnings;
  auto set = LoadText(R"(rules:
  - name: Acme Key
    id: np.acme.1
    pattern: |
      (?x)
      \b
      (acme_[a-z0-9]{16})   # the key
      \b
    categories: [api, secret]
    references:
      - https://example.invalid/docs
    description: >
      Longer text about the rule.
    min_entropy: 3.5
    examples:
      - 'KEY=acme_0123456789abcdef'
      - |
        key:
          acme_fedcba9876543210
    negative_examples:
      - 'KEY=acme_0123'
)",
                      &warnings);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  ASSERT_EQ(set->rules.size(), 1u);
  const Rule& r = set->rules[0];
  EXPECT_EQ(r.id, "np.acme.1");
  EXPECT_EQ(r.description, "Acme Key");
  EXPECT_EQ(r.regex, "\\b(acme_[a-z0-9]{16})\\b");
  EXPECT_EQ(r.secret_group, 0);  // the first non-empty capture group
  EXPECT_DOUBLE_EQ(r.entropy, 3.5);
  EXPECT_EQ(r.keywords, std::vector<std::string>{"acme_"});
  EXPECT_EQ(r.tags, (std::vector<std::string>{"api", "secret"}));
  EXPECT_EQ(r.pos.file, (dir_ / "rules.yml").string());
  EXPECT_EQ(r.pos.line, 2);
  ASSERT_EQ(r.examples.size(), 3u);
  EXPECT_EQ(r.examples[0].text, "KEY=acme_0123456789abcdef");
  EXPECT_TRUE(r.examples[0].positive);
  EXPECT_EQ(r.examples[0].line, 16);
  EXPECT_EQ(r.examples[1].text, "key:\n  acme_fedcba9876543210\n");
  EXPECT_EQ(r.examples[2].text, "KEY=acme_0123");
  EXPECT_FALSE(r.examples[2].positive);
  EXPECT_EQ(r.examples[2].line, 21);
  ASSERT_TRUE(r.compiled_regex != nullptr);
  EXPECT_TRUE(RE2::PartialMatch(r.examples[1].text, *r.compiled_regex));
}

TEST_F(YamlRules, KingfisherFieldsAreAcceptedAndUnknownFieldsWarnWithTheirLine) {
  std::vector<std::string> warnings;
  auto set = LoadText(R"(rules:
  - name: Kf Token
    id: kingfisher.kf.1
    pattern: '(?i)\bkf_([a-z0-9]{20})\b'
    min_entropy: 3
    confidence: medium
    visible: true
    validation:
      type: Http
      content:
        request:
          method: GET
          url: https://example.invalid/
  - name: Kf Helper
    id: kingfisher.kf.2
    pattern: 'kfid_[0-9]{6}'
    visible: false
    pattern_requirements:
      min_digits: 2
      checksum:
        crc32: true
    colour: blue
)",
                      &warnings);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  ASSERT_EQ(set->rules.size(), 2u);
  EXPECT_DOUBLE_EQ(set->rules[0].entropy, 3.0);
  EXPECT_EQ(set->rules[0].confidence, "medium");  // Kingfisher's confidence is ours
  EXPECT_EQ(set->rules[1].confidence, "");
  const std::string f = (dir_ / "rules.yml").string();
  EXPECT_EQ(warnings,
            (std::vector<std::string>{
                f + ":22: rule 'kingfisher.kf.2': unknown field 'colour' is ignored",
                f + ":20: field 'pattern_requirements.checksum' (1 rule) is not supported and is "
                    "ignored",
                f + ":17: field 'visible' (1 rule) is not supported and is ignored: the rule's "
                    "findings are reported"}));
}

TEST_F(YamlRules, PatternRequirementsBecomeAnAllowlistOfTheSecret) {
  std::vector<std::string> warnings;
  auto set = LoadText(R"(rules:
  - name: Req
    id: kf.req.1
    pattern: '\b(req_[A-Za-z0-9_!-]{12})\b'
    pattern_requirements:
      min_digits: 2
      min_uppercase: 1
      min_special_chars: 1
      special_chars: '!-'
      ignore_if_contains: [Dummy, test]
)",
                      &warnings);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_TRUE(warnings.empty());
  const Rule& r = set->rules.at(0);
  ASSERT_EQ(r.allowlists.size(), 1u);
  const Allowlist& a = r.allowlists[0];
  EXPECT_EQ(a.regex_target, RegexTarget::kSecret);
  EXPECT_EQ(a.stopwords, (std::vector<std::string>{"dummy", "test"}));
  EXPECT_EQ(a.regexes, (std::vector<std::string>{"^[^0-9]*(?:[0-9][^0-9]*){0,1}$", "^[^A-Z]*$",
                                                 "^[^\\!\\-]*$"}));
  ASSERT_EQ(a.compiled_regexes.size(), 3u);
  auto allowed = [&](const std::string& secret) {
    for (const auto& re : a.compiled_regexes)
      if (RE2::PartialMatch(secret, *re)) return true;
    return false;
  };
  EXPECT_FALSE(allowed("req_Ab3d5!ghijk"));  // 2 digits, an upper-case letter, a '!': reported
  EXPECT_TRUE(allowed("req_Abcd5!ghijk"));   // one digit
  EXPECT_TRUE(allowed("req_ab3d5!ghijk"));   // no upper-case letter
  EXPECT_TRUE(allowed("req_Ab3d5_ghijk"));   // no special character of the list

  auto bad = LoadText(
      "rules:\n  - id: x.1\n    pattern: abc\n    pattern_requirements:\n"
      "      min_digits: many\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find(
                ":5: rule 'x.1': pattern_requirements.min_digits must be a number from 0 to 256"),
            std::string::npos)
      << bad.error().message();
}

TEST_F(YamlRules, SyntaxErrorNamesFileAndLine) {
  auto set = LoadText("rules:\n  - id: a.1\n    categories: [a, b\n    pattern: abc\n");
  ASSERT_FALSE(set.has_value());
  const std::string f = (dir_ / "rules.yml").string();
  EXPECT_EQ(set.error().message(), f + ":4:12: invalid YAML: end of sequence flow not found");
  auto bad = LoadText("rules:\n  - name: A\n    id: a.1\n     pattern: x\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), f + ":4:13: invalid YAML: illegal map value");
}

TEST_F(YamlRules, UnsupportedPatternNamesFileLineAndRule) {
  auto set = LoadText(R"(rules:
  - name: Fine
    id: a.1
    pattern: 'abc[0-9]+'
  - name: Look-ahead
    id: a.2
    pattern: |
      (?x)
      abc (?= def )
)");
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().message().rfind((dir_ / "rules.yml").string() + ":7: ", 0), 0u);
  EXPECT_NE(set.error().message().find(":7: rule 'a.2': pattern: look-around"), std::string::npos)
      << set.error().message();
  auto re2_error = LoadText("rules:\n  - name: X\n    id: a.3\n    pattern: 'ab++'\n");
  ASSERT_FALSE(re2_error.has_value());
  EXPECT_NE(re2_error.error().message().find(":4: rule 'a.3': pattern: RE2 cannot compile it: "),
            std::string::npos)
      << re2_error.error().message();
}

TEST_F(YamlRules, MissingFieldsAndWrongTypesAreErrors) {
  auto no_id = LoadText("rules:\n  - name: X\n    pattern: abc\n");
  ASSERT_FALSE(no_id.has_value());
  EXPECT_NE(no_id.error().message().find(":2: rule without an 'id'"), std::string::npos);
  auto no_pattern = LoadText("rules:\n  - name: X\n    id: x.1\n");
  ASSERT_FALSE(no_pattern.has_value());
  EXPECT_NE(no_pattern.error().message().find("rule 'x.1': a rule needs a 'pattern'"),
            std::string::npos);
  auto entropy = LoadText("rules:\n  - id: x.1\n    pattern: abc\n    min_entropy: lots\n");
  ASSERT_FALSE(entropy.has_value());
  EXPECT_NE(entropy.error().message().find(":4: rule 'x.1': min_entropy must be a number"),
            std::string::npos);
  auto examples = LoadText("rules:\n  - id: x.1\n    pattern: abc\n    examples: abc\n");
  ASSERT_FALSE(examples.has_value());
  EXPECT_NE(examples.error().message().find("'examples' must be a list of strings"),
            std::string::npos);
}

TEST_F(YamlRules, DuplicateIdsNameBothPlaces) {
  auto same_file =
      LoadText("rules:\n  - id: d.1\n    pattern: abc\n  - id: d.1\n    pattern: def\n");
  ASSERT_FALSE(same_file.has_value());
  EXPECT_EQ(same_file.error().message(),
            (dir_ / "rules.yml").string() + ":4: rule 'd.1' is already defined at line 2");

  std::string a = Write("a.yml", "rules:\n  - id: d.1\n    pattern: abc\n");
  std::string b = Write("b.yaml", "rules:\n\n  - id: d.1\n    pattern: def\n");
  RuleSet set;
  ASSERT_TRUE(AddRules(&set, *LoadRuleFile(a, nullptr)).ok());
  Status s = AddRules(&set, *LoadRuleFile(b, nullptr));
  EXPECT_EQ(s.message(), b + ":3: rule 'd.1' is already defined at " + a + ":2");
  // Against the built-in rules too.
  RuleSet builtin = DefaultRules();
  std::string c = Write("c.yml", "rules:\n  - id: github-pat\n    pattern: abc\n");
  EXPECT_EQ(AddRules(&builtin, *LoadRuleFile(c, nullptr)).message(),
            c + ":2: rule 'github-pat' is already defined at <built-in>:" +
                std::to_string(DefaultRules().Find("github-pat")->pos.line));
  // A TOML config that extends the built-in rules adds only its own to them: the same
  // definition twice is no conflict.
  RuleSet builtin2 = DefaultRules();
  std::string t =
      Write("t.toml", "[extend]\nuseDefault = true\n[[rules]]\nid = \"t.1\"\nregex = 'ttt'\n");
  ASSERT_TRUE(AddRules(&builtin2, *LoadRuleFile(t, nullptr)).ok());
  EXPECT_EQ(builtin2.rules.size(), DefaultRules().rules.size() + 1);
  EXPECT_EQ(builtin2.rules.back().id, "t.1");
}

TEST_F(YamlRules, DirectoriesAreSearchedRecursivelyForYamlFiles) {
  Write("d/b.yml", "rules:\n  - id: b.1\n    pattern: bbb\n");
  Write("d/sub/a.yaml", "rules:\n  - id: a.1\n    pattern: aaa\n");
  Write("d/notes.txt", "not rules");
  std::string toml = Write("extra.toml", "[[rules]]\nid = \"t.1\"\nregex = 'ttt'\n");
  auto files = ExpandRulePaths({(dir_ / "d").string(), toml, (dir_ / "d/b.yml").string()});
  ASSERT_TRUE(files.has_value()) << files.error().message();
  EXPECT_EQ(*files, (std::vector<std::string>{(dir_ / "d/b.yml").string(),
                                              (dir_ / "d/sub/a.yaml").string(), toml}));
  auto toml_set = LoadRuleFile(toml, nullptr);
  ASSERT_TRUE(toml_set.has_value());
  EXPECT_EQ(toml_set->rules.at(0).id, "t.1");

  Write("empty/x.txt", "");
  auto none = ExpandRulePaths({(dir_ / "empty").string()});
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().message().find("no *.yml or *.yaml file"), std::string::npos);
  auto missing = ExpandRulePaths({(dir_ / "nope").string()});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("no such file or directory"), std::string::npos);
}

TEST_F(YamlRules, RulesetsAndEmptyFilesWarn) {
  std::vector<std::string> warnings;
  auto set = LoadText("rulesets:\n  - id: default\n    include_rule_ids: [a.1]\n", &warnings);
  ASSERT_TRUE(set.has_value());
  EXPECT_TRUE(set->rules.empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(":1: 'rulesets' is ignored"), std::string::npos);
}

TEST_F(YamlRules, TomlRulesAcceptExamplesSilently) {
  std::vector<std::string> warnings;
  auto set = LoadConfigText(R"([[rules]]
id = "t.1"
regex = 'tok_[0-9]{4}'
examples = ["x tok_1234", "tok_9876"]
negative_examples = ['tok_12']
)",
                            "t.toml", &warnings);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_TRUE(warnings.empty());
  const auto& ex = set->rules.at(0).examples;
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0].text, "x tok_1234");
  EXPECT_TRUE(ex[1].positive);
  EXPECT_FALSE(ex[2].positive);
  EXPECT_EQ(ex[2].line, 5);
}

TEST_F(YamlRules, TheSampleRuleFileLoads) {
  std::vector<std::string> warnings;
  auto set =
      LoadYamlRulesFile(LEAKGUARD_SOURCE_DIR "/testdata/rules/np-style-rules.yml", &warnings);
  ASSERT_TRUE(set.has_value()) << set.error().message();
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(set->rules.size(), 3u);
  for (const Rule& r : set->rules) EXPECT_FALSE(r.keywords.empty()) << r.id;
}

}  // namespace
}  // namespace leakguard::rules
