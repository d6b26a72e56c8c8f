// `leakguard rules list|show|test`: inspect and test rule sets.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "base/log.h"
#include "cli/commands.h"
#include "match/examples.h"
#include "match/rules_database.h"
#include "scan/config.h"

namespace leakguard::cli {
namespace {

struct RulesOptions {
  std::string config;
  std::string id;
  std::string dir;
  bool verbose = false;
};

Result<scan::LoadedRules> Load(const RulesOptions& o) {
  scan::ConfigChoice c;
  c.explicit_path = o.config;
  c.auto_discover = false;
  return scan::LoadRules(c);
}

int List(const RulesOptions& o) {
  auto loaded = Load(o);
  if (!loaded) {
    fmt::print(stderr, "leakguard: {}\n", loaded.error().message());
    return kExitError;
  }
  for (const auto& cr : loaded->db->rules()) {
    std::string tags;
    for (const auto& t : cr.rule->tags) tags += (tags.empty() ? "" : ",") + t;
    fmt::print("{:<40} {:<22} {:<24} {}\n", cr.rule->id, match::PrefilterModeName(cr.mode), tags,
               cr.rule->description);
  }
  fmt::print(stderr, "{} rules from {}\n", loaded->db->rules().size(), loaded->origin);
  return kExitClean;
}

int Show(const RulesOptions& o) {
  auto loaded = Load(o);
  if (!loaded) {
    fmt::print(stderr, "leakguard: {}\n", loaded.error().message());
    return kExitError;
  }
  for (const auto& cr : loaded->db->rules()) {
    const rules::Rule& r = *cr.rule;
    if (r.id != o.id) continue;
    fmt::print("id:          {}\ndescription: {}\n", r.id, r.description);
    if (!r.regex.empty()) fmt::print("regex:       {}\n", r.regex);
    if (!r.path.empty()) fmt::print("path:        {}\n", r.path);
    if (r.secret_group) fmt::print("secretGroup: {}\n", r.secret_group);
    if (r.entropy > 0) fmt::print("entropy:     {}\n", r.entropy);
    std::string kw, tags;
    for (const auto& k : r.keywords) kw += (kw.empty() ? "" : ", ") + k;
    for (const auto& t : r.tags) tags += (tags.empty() ? "" : ", ") + t;
    fmt::print("keywords:    {}\ntags:        {}\nconfidence:  {}\n", kw, tags,
               match::ConfidenceName(cr.confidence));
    if (cr.validator != match::ValidatorId::kNone)
      fmt::print("validator:   {} (offline check; a token that fails it is not reported)\n",
                 match::ValidatorName(cr.validator));
    fmt::print("prefilter:   {}\nallowlists:  {}\ndefined at:  {}:{}\n",
               match::PrefilterModeName(cr.mode), r.allowlists.size(), r.pos.file, r.pos.line);
    return kExitClean;
  }
  fmt::print(stderr, "leakguard: no rule with id '{}'\n", o.id);
  return kExitError;
}

int Test(const RulesOptions& o) {
  auto loaded = Load(o);
  if (!loaded) {
    fmt::print(stderr, "leakguard: {}\n", loaded.error().message());
    return kExitError;
  }
  auto report = match::RunRuleExamples(*loaded->db, o.dir);
  if (!report) {
    fmt::print(stderr, "leakguard: {}\n", report.error().message());
    return kExitError;
  }
  for (const auto& f : report->failures)
    fmt::print("FAIL {} ({}:{}): {}\n", f.rule_id, f.file, f.line, f.what);
  for (const auto& id : report->rules_without_examples)
    fmt::print("MISSING {}: no {}/{}.toml\n", id, o.dir, id);
  fmt::print(
      "{} rules tested, {} positives, {} negatives: {} failures, {} rules without examples\n",
      report->rules_tested, report->positives, report->negatives, report->failures.size(),
      report->rules_without_examples.size());
  return report->failures.empty() && report->rules_without_examples.empty() ? kExitClean
                                                                            : kExitFindings;
}

}  // namespace

std::function<int()> RegisterRules(CLI::App& app) {
  auto o = std::make_shared<RulesOptions>();
  CLI::App* cmd = app.add_subcommand("rules", "List, show and test detection rules");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "List the rules with their prefilter mode and tags");
  list->add_option("-c,--config", o->config,
                   "Rules config (gitleaks/Betterleaks TOML); default: built-in");
  CLI::App* show = cmd->add_subcommand("show", "Show one rule");
  show->add_option("id", o->id, "Rule id")->required();
  show->add_option("-c,--config", o->config, "Rules config; default: built-in");
  CLI::App* test = cmd->add_subcommand(
      "test", "Run each rule's examples (DIR/<rule-id>.toml with [[positive]] and [[negative]])");
  test->add_option("dir", o->dir, "Directory of example files")->required();
  test->add_option("-c,--config", o->config, "Rules config; default: built-in");
  return [o, list, show, test]() {
    if (list->parsed()) return List(*o);
    if (show->parsed()) return Show(*o);
    if (test->parsed()) return Test(*o);
    return kExitError;
  };
}

}  // namespace leakguard::cli
