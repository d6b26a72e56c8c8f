#include "match/examples.h"

#include <fmt/core.h>
#include <re2/re2.h>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "match/matcher.h"

namespace leakguard::match {
namespace {

struct Outcome {
  bool found = false;
  bool secret_ok = false;
  bool group_ok = false;  // some found match has a non-empty capture group (or the rule has none)
  std::vector<std::string> secrets;
};

Outcome Evaluate(Matcher& m, const RulesDatabase& db, uint32_t rule, std::string_view text,
                 std::string_view path, const std::string* want_secret, bool simple) {
  std::vector<Candidate> cands;
  if (simple)
    m.ScanSimple(text, &cands);
  else
    m.Scan(text, &cands);
  Outcome o;
  const CompiledRule& cr = db.rules()[rule];
  if (cr.mode == PrefilterMode::kPathOnly) {
    o.found = o.secret_ok = o.group_ok = PathRuleMatches(db, rule, path);
    return o;
  }
  for (const Candidate& c : cands) {
    if (c.rule != rule || c.drop != DropReason::kNone) continue;
    std::string_view secret = c.Secret(text);
    if (LocationDropReason(db, rule, path, "", secret, c.Match(text),
                           LineAround(text, c.start, c.end)) != DropReason::kNone)
      continue;
    o.found = true;
    o.secrets.emplace_back(secret);
    if (!want_secret || secret == *want_secret) o.secret_ok = true;
    const int n = cr.num_groups();
    if (n == 0) {
      o.group_ok = true;
      continue;
    }
    std::vector<re2::StringPiece> g(static_cast<size_t>(n) + 1);
    if (cr.Regex().Match(re2::StringPiece(text.data(), text.size()), c.start, c.end,
                         re2::RE2::ANCHOR_BOTH, g.data(), n + 1))
      for (int k = 1; k <= n; ++k) o.group_ok |= !g[static_cast<size_t>(k)].empty();
  }
  return o;
}

struct Example {
  std::string text, path;
  std::optional<std::string> secret;
  bool positive = true;
  bool check_groups = false;
  std::string file;
  int line = 0;
};

void RunExample(Matcher& matcher, const RulesDatabase& db, uint32_t r, const Example& ex,
                ExampleReport* report) {
  const rules::Rule& rule = *db.rules()[r].rule;
  auto fail = [&](ExampleProblem problem, std::string what, std::vector<std::string> secrets) {
    report->failures.push_back(
        {rule.id, ex.file, ex.line, std::move(what), problem, ex.text, std::move(secrets)});
  };
  ex.positive ? ++report->positives : ++report->negatives;
  auto& counts = report->per_rule[rule.id];
  ex.positive ? ++counts.first : ++counts.second;
  const std::string* want = ex.secret ? &*ex.secret : nullptr;
  Outcome fast = Evaluate(matcher, db, r, ex.text, ex.path, want, false);
  Outcome simple = Evaluate(matcher, db, r, ex.text, ex.path, want, true);
  if (fast.secrets != simple.secrets)
    fail(ExampleProblem::kEnginesDisagree,
         "the fast path (vectorscan) and the reference path (RE2) disagree", fast.secrets);
  if (ex.positive && !fast.found) {
    fail(ExampleProblem::kNotFound, fmt::format("positive not found: {}", ex.text), {});
  } else if (ex.positive && !fast.secret_ok) {
    std::string got;
    for (auto& s : fast.secrets) got += (got.empty() ? "" : ", ") + s;
    fail(ExampleProblem::kWrongSecret,
         fmt::format("wrong secret: want '{}', got '{}'", *ex.secret, got), fast.secrets);
  } else if (ex.positive && ex.check_groups && !fast.group_ok) {
    fail(ExampleProblem::kEmptySecret,
         fmt::format("found, but no capture group holds a secret: {}", ex.text), fast.secrets);
  } else if (!ex.positive && fast.found) {
    fail(ExampleProblem::kNegativeReported,
         fmt::format("negative reported (secret '{}'): {}", fast.secrets.front(), ex.text),
         fast.secrets);
  }
}

// The examples of rules/tests/<id>.toml. Returns false when there is no such file.
Result<bool> ReadExampleFile(const std::string& dir, const rules::Rule& rule,
                             std::vector<Example>* out, ExampleReport* report) {
  std::filesystem::path file = std::filesystem::path(dir) / (rule.id + ".toml");
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return false;
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  toml::table t;
  try {
    t = toml::parse(ss.str(), file.string());
  } catch (const toml::parse_error& e) {
    return Err(ParseError(fmt::format("{}:{}: invalid TOML: {}", file.string(),
                                      e.source().begin.line, e.description())));
  }
  for (const auto& [key, positive] : {std::pair{"positive", true}, {"negative", false}}) {
    const toml::array* arr = t[key].as_array();
    if (!arr) continue;
    for (const toml::node& n : *arr) {
      const toml::table* ex = n.as_table();
      int line = static_cast<int>(n.source().begin.line);
      if (!ex || !(*ex)["text"].is_string()) {
        report->failures.push_back({rule.id,
                                    file.string(),
                                    line,
                                    fmt::format("{} example without a string 'text'", key),
                                    ExampleProblem::kMalformed,
                                    "",
                                    {}});
        continue;
      }
      Example e;
      e.text = (*ex)["text"].value_or(std::string());
      e.path = (*ex)["path"].value_or(std::string());
      e.secret = (*ex)["secret"].value<std::string>();
      e.positive = positive;
      e.file = file.string();
      e.line = line;
      out->push_back(std::move(e));
    }
  }
  return true;
}

}  // namespace

Result<ExampleReport> RunRuleExamples(const RulesDatabase& db, const std::string& dir,
                                      const ExampleOptions& options) {
  ExampleReport report;
  Matcher matcher(std::shared_ptr<const RulesDatabase>(&db, [](const RulesDatabase*) {}));
  for (uint32_t r = 0; r < db.rules().size(); ++r) {
    const rules::Rule& rule = *db.rules()[r].rule;
    if (options.select && !options.select(rule)) continue;
    std::vector<Example> examples;
    bool has_file = false;
    if (!dir.empty()) {
      auto read = ReadExampleFile(dir, rule, &examples, &report);
      if (!read) return Err(read.error());
      has_file = *read;
    }
    if (options.inline_examples) {
      for (const rules::RuleExample& x : rule.examples) {
        Example e;
        e.text = x.text;
        e.positive = x.positive;
        e.check_groups = true;
        e.file = rule.pos.file;
        e.line = x.line;
        examples.push_back(std::move(e));
      }
    }
    if (!has_file && examples.empty()) {
      report.rules_without_examples.push_back(rule.id);
      continue;
    }
    ++report.rules_tested;
    for (const Example& e : examples) RunExample(matcher, db, r, e, &report);
  }
  return report;
}

}  // namespace leakguard::match
