// `leakguard rules list|show|test|check`: inspect and test rule sets.
#include <fmt/core.h>

#include <cctype>
#include <memory>
#include <set>
#include <string>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "match/examples.h"
#include "match/rules_database.h"
#include "redact/redact.h"
#include "rules/yaml_loader.h"
#include "scan/config.h"

namespace leakguard::cli {
namespace {

struct RulesOptions {
  CommonFlags common;  // --config, --rules, --rules-only
  std::string id;
  std::string dir;
  bool verbose = false;
  std::vector<std::string> check_files;  // rules check FILE...
  OutputFlags out;                       // rules check: --redact, --no-redact
};

Result<scan::LoadedRules> Load(const RulesOptions& o) {
  scan::ConfigChoice c;
  c.explicit_path = o.common.config;
  c.rule_files = o.common.rules;
  c.rules_only = o.common.rules_only;
  c.auto_discover = false;
  return scan::LoadRules(c);
}

void AddRuleSourceFlags(CLI::App* cmd, RulesOptions* o) {
  cmd->add_option("-c,--config", o->common.config,
                  "Rules config (gitleaks/Betterleaks TOML); default: built-in");
  AddRuleFileFlags(cmd, &o->common);
}

// An example as a failure line shows it: on one line, at most 160 bytes, with the secrets the
// rule extracted masked, or, when it extracted none, every token-like run (8+ letters, digits
// and _+/.- with both a letter and a digit), so a line never shows a whole secret.
std::string ShowExample(std::string_view text, const std::vector<std::string>& secrets,
                        const redact::MaskPolicy& mask) {
  std::string s(text);
  if (mask.enabled) {
    for (const auto& secret : secrets)
      if (!secret.empty()) s = redact::MaskIn(s, secret, mask);
    if (secrets.empty()) {
      auto token_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '/' ||
               c == '.' || c == '-';
      };
      std::string masked;
      for (size_t i = 0; i < s.size();) {
        size_t j = i;
        while (j < s.size() && token_char(s[j])) ++j;
        if (j == i) {
          masked += s[i++];
          continue;
        }
        std::string_view run(s.data() + i, j - i);
        bool alpha = false, digit = false;
        for (char c : run) {
          alpha |= std::isalpha(static_cast<unsigned char>(c)) != 0;
          digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
        }
        masked +=
            run.size() >= 8 && alpha && digit ? redact::MaskSecret(run, mask) : std::string(run);
        i = j;
      }
      s = std::move(masked);
    }
  }
  std::string line;
  for (char c : s) {
    if (c == '\n')
      line += "\\n";
    else if (c == '\r')
      line += "\\r";
    else if (static_cast<unsigned char>(c) < 0x20)
      line += ' ';
    else
      line += c;
  }
  if (line.size() > 160) line = line.substr(0, 157) + "...";
  return line;
}

std::string DescribeFailure(const match::ExampleFailure& f, const redact::MaskPolicy& mask) {
  using match::ExampleProblem;
  std::string example = ShowExample(f.example, f.secrets, mask);
  std::string first = f.secrets.empty() ? "" : redact::MaskSecret(f.secrets.front(), mask);
  switch (f.problem) {
    case ExampleProblem::kNotFound:
      return fmt::format("example not found: {}", example);
    case ExampleProblem::kWrongSecret:
      return fmt::format("wrong secret (got {}): {}", first, example);
    case ExampleProblem::kEmptySecret:
      return fmt::format("matched, but no capture group holds a secret: {}", example);
    case ExampleProblem::kNegativeReported:
      return fmt::format("negative example reported (secret {}): {}", first, example);
    case ExampleProblem::kEnginesDisagree:
      return fmt::format("the Vectorscan and RE2 paths disagree: {}", example);
    case ExampleProblem::kMalformed:
      break;
  }
  return f.what;
}

// `rules check FILE...`: each file is loaded on its own (a TOML file as a config, with its
// [extend]; a YAML file as --rules-only) and the rules it defines run their own examples, and
// those of --dir.
int Check(const RulesOptions& o) {
  auto mask = MaskFromFlags(o.out);
  if (!mask) return UsageError(mask.error().message());
  size_t passed = 0, failed = 0, without = 0;
  for (const auto& file : o.check_files) {
    scan::ConfigChoice c;
    c.auto_discover = false;
    if (rules::IsYamlRuleFile(file)) {
      c.rule_files = {file};
      c.rules_only = true;
    } else {
      c.explicit_path = file;
    }
    auto loaded = scan::LoadRules(c);
    if (!loaded) return ConfigError(loaded.error().message());
    match::ExampleOptions eo;
    eo.inline_examples = true;
    eo.select = [&](const rules::Rule& r) { return r.pos.file == file; };
    auto report = match::RunRuleExamples(*loaded->db, o.dir, eo);
    if (!report) return ConfigError(report.error().message());
    std::set<std::string> missing(report->rules_without_examples.begin(),
                                  report->rules_without_examples.end());
    for (const auto& cr : loaded->db->rules()) {
      const rules::Rule& r = *cr.rule;
      if (r.pos.file != file) continue;
      if (missing.count(r.id)) {
        fmt::print("SKIP {}: no examples\n", r.id);
        ++without;
        continue;
      }
      bool ok = true;
      for (const auto& f : report->failures) {
        if (f.rule_id != r.id) continue;
        ok = false;
        fmt::print("FAIL {} ({}:{}): {}\n", r.id, f.file, f.line, DescribeFailure(f, *mask));
      }
      if (!ok) {
        ++failed;
        continue;
      }
      ++passed;
      auto counts = report->per_rule.count(r.id) ? report->per_rule.at(r.id)
                                                 : std::pair<size_t, size_t>{0, 0};
      fmt::print("PASS {} ({} example{}, {} negative)\n", r.id, counts.first,
                 counts.first == 1 ? "" : "s", counts.second);
    }
  }
  fmt::print("{} rules checked: {} passed, {} failed, {} without examples\n",
             passed + failed + without, passed, failed, without);
  return failed == 0 ? kExitClean : kExitFindings;
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
    if (!r.examples.empty()) {
      size_t positives = 0;
      for (const auto& e : r.examples) positives += e.positive;
      fmt::print("examples:    {} positive, {} negative (leakguard rules check)\n", positives,
                 r.examples.size() - positives);
    }
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
  AddRuleSourceFlags(list, o.get());
  CLI::App* show = cmd->add_subcommand("show", "Show one rule");
  show->add_option("id", o->id, "Rule id")->required();
  AddRuleSourceFlags(show, o.get());
  CLI::App* test = cmd->add_subcommand(
      "test", "Run each rule's examples (DIR/<rule-id>.toml with [[positive]] and [[negative]])");
  test->add_option("dir", o->dir, "Directory of example files")->required();
  AddRuleSourceFlags(test, o.get());
  CLI::App* check = cmd->add_subcommand(
      "check",
      "Load rule files (gitleaks/Betterleaks TOML, or Nosey Parker / Kingfisher / Titus YAML)\n"
      "and test each rule they define against its own examples: `examples` must each yield a\n"
      "finding of the rule (with a non-empty capture group when the regex has groups),\n"
      "`negative_examples` none. In TOML rules these are the optional fields `examples = [...]`\n"
      "and `negative_examples = [...]`. Exit code: 0 all pass, 1 a failure, 2 a config error.");
  check->add_option("files", o->check_files, "Rule files")->required();
  check->add_option("--dir", o->dir,
                    "Also run DIR/<rule-id>.toml examples ([[positive]], [[negative]])");
  check
      ->add_option("--redact", o->out.redact,
                   "--redact=PERCENT: percent of each secret to hide (0-100); default: show at "
                   "most the first 4 characters")
      ->expected(0, 1)
      ->default_str("");
  check->add_flag("--no-redact", o->out.no_redact, "Show failing examples in full");
  return [o, list, show, test, check]() {
    if (list->parsed()) return List(*o);
    if (show->parsed()) return Show(*o);
    if (test->parsed()) return Test(*o);
    if (check->parsed()) return Check(*o);
    return kExitError;
  };
}

}  // namespace leakguard::cli
