// Every built-in rule's examples (rules/tests/<rule-id>.toml) pass, on both matching paths.
#include <gtest/gtest.h>

#include <filesystem>

#include "match/examples.h"
#include "rules/loader.h"

namespace leakguard::match {
namespace {

TEST(RuleExamples, EveryBuiltInRuleHasPassingPositiveAndNegativeExamples) {
  std::vector<std::string> warnings;
  auto db = RulesDatabase::Build(rules::DefaultRules(), &warnings);
  ASSERT_TRUE(db.has_value());
  auto report = RunRuleExamples(**db, LEAKGUARD_SOURCE_DIR "/rules/tests");
  ASSERT_TRUE(report.has_value()) << report.error().message();
  for (const auto& f : report->failures)
    ADD_FAILURE() << f.rule_id << " (" << f.file << ":" << f.line << "): " << f.what;
  for (const auto& id : report->rules_without_examples)
    ADD_FAILURE() << id << ": no rules/tests/" << id << ".toml";
  for (const auto& [id, counts] : report->per_rule) {
    EXPECT_GE(counts.first, 1u) << id << ": no positive example";
    EXPECT_GE(counts.second, 1u) << id << ": no negative example";
  }
  EXPECT_EQ(report->rules_tested, (*db)->rules().size());
}

TEST(RuleExamples, ExampleFilesOnlyNameExistingRules) {
  const auto& set = rules::DefaultRules();
  for (const auto& e : std::filesystem::directory_iterator(LEAKGUARD_SOURCE_DIR "/rules/tests")) {
    std::string id = e.path().stem().string();
    EXPECT_NE(set.Find(id), nullptr) << e.path() << " names no built-in rule";
  }
}

}  // namespace
}  // namespace leakguard::match
