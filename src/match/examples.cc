#include "match/examples.h"

#include <fmt/core.h>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "match/matcher.h"

namespace leakguard::match {
namespace {

struct Outcome {
  bool found = false;
  bool secret_ok = false;
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
    o.found = o.secret_ok = PathRuleMatches(db, rule, path);
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
  }
  return o;
}

}  // namespace

Result<ExampleReport> RunRuleExamples(const RulesDatabase& db, const std::string& dir) {
  ExampleReport report;
  Matcher matcher(std::shared_ptr<const RulesDatabase>(&db, [](const RulesDatabase*) {}));
  for (uint32_t r = 0; r < db.rules().size(); ++r) {
    const rules::Rule& rule = *db.rules()[r].rule;
    std::filesystem::path file = std::filesystem::path(dir) / (rule.id + ".toml");
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      report.rules_without_examples.push_back(rule.id);
      continue;
    }
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
    ++report.rules_tested;
    for (const auto& [key, expect_found] : {std::pair{"positive", true}, {"negative", false}}) {
      const toml::array* arr = t[key].as_array();
      if (!arr) continue;
      for (const toml::node& n : *arr) {
        const toml::table* ex = n.as_table();
        int line = static_cast<int>(n.source().begin.line);
        auto fail = [&](std::string what) {
          report.failures.push_back({rule.id, file.string(), line, std::move(what)});
        };
        if (!ex || !(*ex)["text"].is_string()) {
          fail(fmt::format("{} example without a string 'text'", key));
          continue;
        }
        std::string text = (*ex)["text"].value_or(std::string());
        std::string path = (*ex)["path"].value_or(std::string());
        std::optional<std::string> secret = (*ex)["secret"].value<std::string>();
        expect_found ? ++report.positives : ++report.negatives;
        auto& counts = report.per_rule[rule.id];
        expect_found ? ++counts.first : ++counts.second;
        Outcome fast = Evaluate(matcher, db, r, text, path, secret ? &*secret : nullptr, false);
        Outcome simple = Evaluate(matcher, db, r, text, path, secret ? &*secret : nullptr, true);
        if (fast.secrets != simple.secrets)
          fail("the fast path (vectorscan) and the reference path (RE2) disagree");
        if (expect_found && !fast.found) {
          fail(fmt::format("positive not found: {}", text));
        } else if (expect_found && !fast.secret_ok) {
          std::string got;
          for (auto& s : fast.secrets) got += (got.empty() ? "" : ", ") + s;
          fail(fmt::format("wrong secret: want '{}', got '{}'", *secret, got));
        } else if (!expect_found && fast.found) {
          fail(fmt::format("negative reported (secret '{}'): {}", fast.secrets.front(), text));
        }
      }
    }
  }
  return report;
}

}  // namespace leakguard::match
