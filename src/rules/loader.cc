#include "rules/loader.h"

#include <fmt/core.h>
#include <re2/re2.h>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "rules/toml_fields.h"

namespace leakguard::rules {
namespace {}  // namespace

RE2::Options RegexOptions() {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  // Bytes, not UTF-8: scanned content is arbitrary bytes, and Vectorscan (the prefilter) matches
  // bytes too. With both engines byte-oriented, `.` and `[^"]` mean one byte in both, so the
  // prefilter cannot miss what RE2 would match on non-ASCII or invalid UTF-8 input.
  opts.set_encoding(RE2::Options::EncodingLatin1);
  return opts;
}

namespace {

std::string Where(std::string_view file, const toml::node& n) { return TomlWhere(file, n); }

// Go's regexp (used by gitleaks) accepts `(?<name>` since Go 1.22; RE2 here wants `(?P<name>`.
std::string NormalizeRegex(std::string_view re) {
  std::string out;
  out.reserve(re.size());
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\' && i + 1 < re.size()) {
      out += re[i];
      out += re[++i];
      continue;
    }
    if (re.substr(i, 3) == "(?<" && i + 3 < re.size() && re[i + 3] != '=' && re[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += re[i];
  }
  return out;
}

class Parser {
 public:
  Parser(std::string_view file, std::vector<std::string>* warnings)
      : file_(file), warnings_(warnings) {}

  void Warn(const toml::node& n, std::string msg) {
    if (warnings_) warnings_->push_back(fmt::format("{}: {}", Where(file_, n), msg));
  }

  void CheckKeys(const toml::table& t, std::initializer_list<std::string_view> known,
                 std::initializer_list<std::string_view> unsupported, std::string_view what) {
    for (auto&& [k, v] : t) {
      std::string_view key = k.str();
      bool is_known = false;
      for (auto kk : known) is_known |= kk == key;
      if (is_known) continue;
      bool is_unsupported = false;
      for (auto kk : unsupported) is_unsupported |= kk == key;
      if (is_unsupported)
        Warn(v, fmt::format("{}: field '{}' is not supported yet and is ignored", what, key));
      else
        Warn(v, fmt::format("{}: unknown field '{}' is ignored", what, key));
    }
  }

  Status String(const toml::table& t, std::string_view key, std::string* out,
                std::string_view what) {
    return ReadTomlString(file_, t, key, out, what);
  }

  Status StringArray(const toml::table& t, std::string_view key, std::vector<std::string>* out,
                     std::string_view what) {
    return ReadTomlStrings(file_, t, key, out, what);
  }

  Status CheckRegex(const toml::node& n, std::string_view what, std::string_view re,
                    CompiledRegex* out, int* groups = nullptr) {
    auto compiled = std::make_shared<RE2>(re, RegexOptions());
    if (!compiled->ok())
      return ParseError(
          fmt::format("{}: {}: invalid regex: {}", Where(file_, n), what, compiled->error()));
    if (groups) *groups = compiled->NumberOfCapturingGroups();
    *out = std::move(compiled);
    return Status::Ok();
  }

  Status ParseAllowlist(const toml::table& t, bool global, std::string_view what, Allowlist* al) {
    CheckKeys(t,
              {"description", "condition", "commits", "paths", "regexTarget", "regexes",
               "stopwords", "targetRules"},
              {}, what);
    if (auto s = String(t, "description", &al->description, what); !s.ok()) return s;
    std::string cond, target;
    if (auto s = String(t, "condition", &cond, what); !s.ok()) return s;
    if (!cond.empty()) {
      std::string up;
      for (char c : cond) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (up == "OR")
        al->condition = Condition::kOr;
      else if (up == "AND")
        al->condition = Condition::kAnd;
      else
        return ParseError(fmt::format("{}: {}: condition must be \"OR\" or \"AND\", not \"{}\"",
                                      Where(file_, *t.get("condition")), what, cond));
    }
    if (auto s = String(t, "regexTarget", &target, what); !s.ok()) return s;
    if (target.empty() || target == "secret")
      al->regex_target = RegexTarget::kSecret;
    else if (target == "match")
      al->regex_target = RegexTarget::kMatch;
    else if (target == "line")
      al->regex_target = RegexTarget::kLine;
    else
      return ParseError(
          fmt::format("{}: {}: regexTarget must be \"secret\", \"match\" or \"line\", not \"{}\"",
                      Where(file_, *t.get("regexTarget")), what, target));
    for (auto [key, vec] : {std::pair{"commits", &al->commits},
                            {"paths", &al->paths},
                            {"regexes", &al->regexes},
                            {"stopwords", &al->stopwords},
                            {"targetRules", &al->target_rules}}) {
      if (auto s = StringArray(t, key, vec, what); !s.ok()) return s;
    }
    if (!global && !al->target_rules.empty())
      Warn(*t.get("targetRules"),
           fmt::format("{}: targetRules only applies to global allowlists", what));
    for (size_t i = 0; i < al->regexes.size(); ++i) {
      al->regexes[i] = NormalizeRegex(al->regexes[i]);
      const toml::node& n = *t.get("regexes")->as_array()->get(i);
      if (!compile_) continue;
      al->compiled_regexes.emplace_back();
      if (auto s = CheckRegex(n, what, al->regexes[i], &al->compiled_regexes.back()); !s.ok())
        return s;
    }
    for (size_t i = 0; i < al->paths.size(); ++i) {
      al->paths[i] = NormalizeRegex(al->paths[i]);
      const toml::node& n = *t.get("paths")->as_array()->get(i);
      if (!compile_) continue;
      al->compiled_paths.emplace_back();
      if (auto s = CheckRegex(n, what, al->paths[i], &al->compiled_paths.back()); !s.ok()) return s;
    }
    for (auto& w : al->stopwords)
      for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (al->Empty())
      Warn(t, fmt::format("{}: allowlist has no regexes, paths, stopwords or commits", what));
    return Status::Ok();
  }

  // Reads `[allowlist]` (table, older form) and `[[allowlists]]` (array of tables) from `t`.
  Status ParseAllowlists(const toml::table& t, bool global, std::string_view what,
                         std::vector<Allowlist>* out) {
    if (const toml::node* n = t.get("allowlist")) {
      const toml::table* al = n->as_table();
      if (!al)
        return ParseError(
            fmt::format("{}: {}: 'allowlist' must be a table", Where(file_, *n), what));
      Allowlist a;
      if (auto s = ParseAllowlist(*al, global, what, &a); !s.ok()) return s;
      out->push_back(std::move(a));
    }
    if (const toml::node* n = t.get("allowlists")) {
      const toml::array* arr = n->as_array();
      if (!arr || !arr->is_array_of_tables())
        return ParseError(
            fmt::format("{}: {}: 'allowlists' must be an array of tables", Where(file_, *n), what));
      for (const toml::node& e : *arr) {
        Allowlist a;
        if (auto s = ParseAllowlist(*e.as_table(), global, what, &a); !s.ok()) return s;
        out->push_back(std::move(a));
      }
    }
    return Status::Ok();
  }

  Status ParseRule(const toml::table& t, Rule* r) {
    r->pos = {std::string(file_), static_cast<int>(t.source().begin.line)};
    const toml::node* idn = t.get("id");
    if (!idn || !idn->is_string() || idn->as_string()->get().empty())
      return ParseError(fmt::format("{}: rule without an 'id'", Where(file_, t)));
    r->id = idn->as_string()->get();
    std::string what = fmt::format("rule '{}'", r->id);
    CheckKeys(
        t,
        {"id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags",
         "allowlist", "allowlists", "validator", "confidence", "examples", "negative_examples"},
        {"required", "skipReport", "validate", "report", "verify"}, what);
    if (auto s = String(t, "description", &r->description, what); !s.ok()) return s;
    if (auto s = String(t, "regex", &r->regex, what); !s.ok()) return s;
    if (auto s = String(t, "path", &r->path, what); !s.ok()) return s;
    if (auto s = StringArray(t, "keywords", &r->keywords, what); !s.ok()) return s;
    if (auto s = StringArray(t, "tags", &r->tags, what); !s.ok()) return s;
    if (auto s = String(t, "validator", &r->validator, what); !s.ok()) return s;
    if (auto s = String(t, "confidence", &r->confidence, what); !s.ok()) return s;
    if (!r->confidence.empty() && r->confidence != "low" && r->confidence != "medium" &&
        r->confidence != "high")
      return ParseError(fmt::format("{}: {}: confidence must be \"low\", \"medium\" or \"high\"",
                                    Where(file_, *t.get("confidence")), what));
    for (auto& k : r->keywords)
      for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::erase_if(r->keywords, [](const std::string& k) { return k.empty(); });
    // leakguard's extension, as in Nosey Parker's YAML: examples run by `leakguard rules check`.
    for (auto [key, positive] : {std::pair{"examples", true}, {"negative_examples", false}}) {
      std::vector<std::string> texts;
      if (auto s = StringArray(t, key, &texts, what); !s.ok()) return s;
      for (size_t i = 0; i < texts.size(); ++i)
        r->examples.push_back(
            {std::move(texts[i]), positive,
             static_cast<int>(t.get(key)->as_array()->get(i)->source().begin.line)});
    }
    if (const toml::node* n = t.get("secretGroup")) {
      if (!n->is_integer())
        return ParseError(
            fmt::format("{}: {}: secretGroup must be an integer", Where(file_, *n), what));
      int64_t g = n->as_integer()->get();
      if (g < 0 || g > 1000)
        return ParseError(
            fmt::format("{}: {}: secretGroup {} is out of range", Where(file_, *n), what, g));
      r->secret_group = static_cast<int>(g);
    }
    if (const toml::node* n = t.get("entropy")) {
      if (!n->is_number())
        return ParseError(fmt::format("{}: {}: entropy must be a number", Where(file_, *n), what));
      r->entropy = n->is_integer() ? static_cast<double>(n->as_integer()->get())
                                   : n->as_floating_point()->get();
      if (r->entropy < 0 || r->entropy > 8)
        return ParseError(
            fmt::format("{}: {}: entropy must be between 0 and 8", Where(file_, *n), what));
    }
    if (r->regex.empty() && r->path.empty())
      return ParseError(
          fmt::format("{}: {}: a rule needs a 'regex' or a 'path'", Where(file_, t), what));
    if (!r->regex.empty()) {
      r->regex = NormalizeRegex(r->regex);
      int groups = 1000;
      if (compile_) {
        if (auto s = CheckRegex(*t.get("regex"), what, r->regex, &r->compiled_regex, &groups);
            !s.ok())
          return s;
      }
      if (r->secret_group > groups)
        return ParseError(
            fmt::format("{}: {}: secretGroup {} but the regex has only {} capture group{}",
                        Where(file_, *t.get("secretGroup")), what, r->secret_group, groups,
                        groups == 1 ? "" : "s"));
    } else if (r->secret_group > 0) {
      return ParseError(fmt::format("{}: {}: secretGroup without a regex",
                                    Where(file_, *t.get("secretGroup")), what));
    }
    if (!r->path.empty()) {
      r->path = NormalizeRegex(r->path);
      if (auto s = CheckRegex(*t.get("path"), what, r->path, &r->compiled_path); !s.ok()) return s;
    }
    return ParseAllowlists(t, false, what, &r->allowlists);
  }

  std::string_view file_;
  std::vector<std::string>* warnings_;
  bool compile_ = true;
};

std::string ParentDir(std::string_view file) {
  std::filesystem::path p(file);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

}  // namespace

Result<RuleSet> LoadConfigText(std::string_view text, std::string_view file_name,
                               std::vector<std::string>* warnings, int depth,
                               bool compile_regexes) {
  // Debian's toml++ is built with exceptions; they stop at this boundary.
  toml::table parsed;
  try {
    parsed = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    return Err(
        ParseError(fmt::format("{}:{}:{}: invalid TOML: {}", file_name, e.source().begin.line,
                               e.source().begin.column, e.description())));
  }
  const toml::table& root = parsed;
  Parser p(file_name, warnings);
  p.compile_ = compile_regexes;
  // `audit` is leakguard's own section, read by `leakguard audit` (audit/file_kinds.h).
  p.CheckKeys(root, {"title", "description", "rules", "allowlist", "allowlists", "extend", "audit"},
              {"minVersion"}, "config");

  RuleSet set;
  set.sources.emplace_back(file_name);
  if (const toml::node* n = root.get("title"); n && n->is_string())
    set.title = n->as_string()->get();

  // [extend] first: the rules it brings are overridden by this file's.
  std::vector<std::string> disabled;
  if (const toml::node* en = root.get("extend")) {
    const toml::table* ext = en->as_table();
    if (!ext)
      return Err(ParseError(fmt::format("{}: 'extend' must be a table", Where(file_name, *en))));
    p.CheckKeys(*ext, {"useDefault", "path", "disabledRules"}, {"url"}, "extend");
    if (auto s = p.StringArray(*ext, "disabledRules", &disabled, "extend"); !s.ok()) return Err(s);
    if (depth >= 8)
      return Err(
          ParseError(fmt::format("{}: [extend] nests too deep (a cycle?)", Where(file_name, *en))));
    if (const toml::node* u = ext->get("useDefault")) {
      if (!u->is_boolean())
        return Err(ParseError(
            fmt::format("{}: extend.useDefault must be true or false", Where(file_name, *u))));
      if (u->as_boolean()->get()) {
        const RuleSet& d = DefaultRules();
        set.rules = d.rules;
        set.allowlists = d.allowlists;
        set.sources.insert(set.sources.begin(), std::string(kBuiltInFile));
      }
    }
    std::string path;
    if (auto s = p.String(*ext, "path", &path, "extend"); !s.ok()) return Err(s);
    if (!path.empty()) {
      std::filesystem::path full(path);
      if (full.is_relative()) full = std::filesystem::path(ParentDir(file_name)) / full;
      auto base = LoadConfigFile(full.lexically_normal().string(), warnings, depth + 1);
      if (!base)
        return Err(
            ParseError(fmt::format("{}: in extend.path: {}", Where(file_name, *ext->get("path")),
                                   base.error().message())));
      for (auto& r : base->rules) {
        std::erase_if(set.rules, [&](const Rule& x) { return x.id == r.id; });
        set.rules.push_back(std::move(r));
      }
      for (auto& a : base->allowlists) set.allowlists.push_back(std::move(a));
      for (auto& s : base->sources) set.sources.insert(set.sources.end() - 1, s);
    }
  }

  if (auto s = p.ParseAllowlists(root, true, "global allowlist", &set.allowlists); !s.ok())
    return Err(s);

  std::set<std::string> ids_here;
  if (const toml::node* rn = root.get("rules")) {
    const toml::array* arr = rn->as_array();
    if (!arr || !arr->is_array_of_tables())
      return Err(ParseError(fmt::format("{}: 'rules' must be an array of tables ([[rules]])",
                                        Where(file_name, *rn))));
    for (const toml::node& e : *arr) {
      Rule r;
      if (auto s = p.ParseRule(*e.as_table(), &r); !s.ok()) return Err(s);
      if (!ids_here.insert(r.id).second)
        return Err(
            ParseError(fmt::format("{}: rule '{}' is defined twice", Where(file_name, e), r.id)));
      std::erase_if(set.rules, [&](const Rule& x) { return x.id == r.id; });
      set.rules.push_back(std::move(r));
    }
  }
  for (const auto& id : disabled) {
    size_t before = set.rules.size();
    std::erase_if(set.rules, [&](const Rule& x) { return x.id == id; });
    if (before == set.rules.size() && warnings)
      warnings->push_back(
          fmt::format("{}: extend.disabledRules names unknown rule '{}'", file_name, id));
  }
  return set;
}

Result<RuleSet> LoadConfigFile(const std::string& path, std::vector<std::string>* warnings,
                               int depth) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(IoError(fmt::format("{}: cannot read config file", path)));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Err(IoError(fmt::format("{}: error reading config file", path)));
  return LoadConfigText(ss.str(), path, warnings, depth);
}

Result<RuleSet> LoadDefaultRulesToml() {
  std::vector<std::string> warnings;
  auto r = LoadConfigText(DefaultRulesToml(), kBuiltInFile, &warnings, 0,
                          /*compile_regexes=*/false);
  if (r && !warnings.empty())
    return Err(
        ParseError(fmt::format("{} warning(s), the first: {}", warnings.size(), warnings[0])));
  return r;
}

}  // namespace leakguard::rules
