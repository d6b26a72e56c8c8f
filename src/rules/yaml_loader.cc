#include "rules/yaml_loader.h"

#include <fmt/core.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "rules/loader.h"
#include "rules/pattern_convert.h"

namespace leakguard::rules {
namespace {

int Line(const YAML::Node& n) { return n.Mark().line + 1; }

// Fields of the three formats. Those in kIgnored do not change what is found (metadata, live
// validation); those in kUnsupported would, so they are named in a warning.
constexpr std::string_view kKnown[] = {"name",
                                       "id",
                                       "pattern",
                                       "examples",
                                       "negative_examples",
                                       "categories",
                                       "min_entropy",
                                       "confidence",
                                       "pattern_requirements"};
constexpr std::string_view kIgnored[] = {"references", "description", "validation", "revocation",
                                         "tls_mode"};
constexpr std::string_view kUnsupported[] = {"visible", "depends_on_rule"};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view key) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

class YamlParser {
 public:
  YamlParser(std::string_view file, std::vector<std::string>* warnings)
      : file_(file), warnings_(warnings) {}

  std::string Where(const YAML::Node& n) const { return fmt::format("{}:{}", file_, Line(n)); }

  void Warn(std::string msg) {
    if (warnings_) warnings_->push_back(std::move(msg));
  }

  Status Error(const YAML::Node& n, std::string_view what, std::string_view msg) const {
    return ParseError(fmt::format("{}: {}: {}", Where(n), what, msg));
  }

  Status Strings(const YAML::Node& n, std::string_view key, std::string_view what,
                 std::vector<std::pair<std::string, int>>* out) {
    if (!n || n.IsNull()) return Status::Ok();
    if (!n.IsSequence()) return Error(n, what, fmt::format("'{}' must be a list of strings", key));
    for (const YAML::Node& e : n) {
      if (!e.IsScalar()) return Error(e, what, fmt::format("'{}' must be a list of strings", key));
      out->emplace_back(e.Scalar(), Line(e));
    }
    return Status::Ok();
  }

  Status ParseRule(const YAML::Node& node, Rule* r) {
    r->pos = {std::string(file_), Line(node)};
    if (!node.IsMap()) return Error(node, "rules", "each rule must be a map");
    const YAML::Node id = node["id"];
    if (!id || !id.IsScalar() || id.Scalar().empty())
      return ParseError(fmt::format("{}: rule without an 'id'", Where(node)));
    r->id = id.Scalar();
    const std::string what = fmt::format("rule '{}'", r->id);
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (In(kKnown, key) || In(kIgnored, key)) continue;
      if (In(kUnsupported, key)) {
        // `visible: true` is what leakguard does anyway.
        if (key == "visible" && kv.second.IsScalar() && kv.second.Scalar() == "true") continue;
        NoteUnsupported(key, kv.first);
        continue;
      }
      Warn(fmt::format("{}: {}: unknown field '{}' is ignored", Where(kv.first), what, key));
    }
    if (const YAML::Node name = node["name"]) {
      if (!name.IsScalar()) return Error(name, what, "'name' must be a string");
      r->description = name.Scalar();
    }
    if (r->description.empty()) r->description = r->id;
    const YAML::Node pattern = node["pattern"];
    if (!pattern || !pattern.IsScalar() || pattern.Scalar().empty())
      return Error(pattern ? pattern : node, what, "a rule needs a 'pattern' (a string)");
    auto converted = ConvertPattern(pattern.Scalar());
    if (!converted)
      return Error(pattern, what, fmt::format("pattern: {}", converted.error().message()));
    r->regex = std::move(*converted);
    auto compiled = std::make_shared<RE2>(r->regex, RegexOptions());
    if (!compiled->ok())
      return Error(pattern, what,
                   fmt::format("pattern: RE2 cannot compile it: {}", compiled->error()));
    r->compiled_regex = std::move(compiled);
    r->keywords = DeriveKeywords(r->regex);

    if (const YAML::Node e = node["min_entropy"]; e && !e.IsNull()) {
      double v = 0;
      if (!e.IsScalar() || !YAML::convert<double>::decode(e, v))
        return Error(e, what, "min_entropy must be a number");
      if (v < 0 || v > 8) return Error(e, what, "min_entropy must be between 0 and 8");
      r->entropy = v;
    }
    // Kingfisher's rule confidence (low/medium/high) is ours; other values are its own scale.
    if (const YAML::Node c = node["confidence"]; c && c.IsScalar()) {
      std::string v = c.as<std::string>();
      for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (v == "low" || v == "medium" || v == "high") r->confidence = v;
    }
    if (Status s = PatternRequirements(node["pattern_requirements"], what, r); !s.ok()) return s;
    std::vector<std::pair<std::string, int>> list;
    if (Status s = Strings(node["categories"], "categories", what, &list); !s.ok()) return s;
    for (auto& [t, line] : list) r->tags.push_back(std::move(t));
    for (auto [key, positive] : {std::pair{"examples", true}, {"negative_examples", false}}) {
      list.clear();
      if (Status s = Strings(node[key], key, what, &list); !s.ok()) return s;
      for (auto& [text, line] : list) r->examples.push_back({std::move(text), positive, line});
    }
    return Status::Ok();
  }

  void NoteUnsupported(const std::string& field, const YAML::Node& at) {
    auto [it, first] = unsupported_.try_emplace(field, Line(at), 0);
    ++it->second.second;
  }

  // Kingfisher / Titus `pattern_requirements`: conditions the secret must meet, expressed as an
  // allowlist of the rule — a secret that fails one is dropped, as Kingfisher drops it.
  // min_digits / min_uppercase / min_lowercase / min_special_chars N become a regex matching
  // secrets with fewer than N such characters (special: `special_chars`, by default anything
  // but an ASCII letter or digit); ignore_if_contains becomes stopwords (case-insensitive).
  Status PatternRequirements(const YAML::Node& pr, std::string_view what, Rule* r) {
    if (!pr || pr.IsNull()) return Status::Ok();
    if (!pr.IsMap()) return Error(pr, what, "'pattern_requirements' must be a map");
    Allowlist al;
    al.description = "pattern_requirements";
    std::string special = "[^A-Za-z0-9]", not_special = "[A-Za-z0-9]";
    if (const YAML::Node sc = pr["special_chars"]; sc && sc.IsScalar() && !sc.Scalar().empty()) {
      std::string cls;
      for (char c : sc.Scalar()) {
        if (!std::isalnum(static_cast<unsigned char>(c))) cls += '\\';
        cls += c;
      }
      special = "[" + cls + "]";
      not_special = "[^" + cls + "]";
    }
    for (const auto& kv : pr) {
      const std::string key = kv.first.Scalar();
      const std::string field = "pattern_requirements." + key;
      std::string cls, not_cls;
      if (key == "min_digits") {
        cls = "[0-9]", not_cls = "[^0-9]";
      } else if (key == "min_uppercase") {
        cls = "[A-Z]", not_cls = "[^A-Z]";
      } else if (key == "min_lowercase") {
        cls = "[a-z]", not_cls = "[^a-z]";
      } else if (key == "min_special_chars") {
        cls = special, not_cls = not_special;
      } else if (key == "special_chars") {
        continue;
      } else if (key == "ignore_if_contains") {
        std::vector<std::pair<std::string, int>> words;
        if (Status s = Strings(kv.second, field, what, &words); !s.ok()) return s;
        for (auto& [w, line] : words) {
          for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (!w.empty()) al.stopwords.push_back(std::move(w));
        }
        continue;
      } else {
        NoteUnsupported(field, kv.first);
        continue;
      }
      int n = 0;
      if (!kv.second.IsScalar() || !YAML::convert<int>::decode(kv.second, n) || n < 0 || n > 256)
        return Error(kv.second, what, fmt::format("{} must be a number from 0 to 256", field));
      if (n == 0) continue;
      // Secrets with at most n-1 such characters.
      std::string re = "^" + not_cls + "*";
      if (n > 1) re += fmt::format("(?:{}{}*){{0,{}}}", cls, not_cls, n - 1);
      re += "$";
      auto compiled = std::make_shared<RE2>(re, RegexOptions());
      if (!compiled->ok())
        return Error(kv.second, what, fmt::format("{}: {}", field, compiled->error()));
      al.regexes.push_back(std::move(re));
      al.compiled_regexes.push_back(std::move(compiled));
    }
    if (!al.Empty()) r->allowlists.push_back(std::move(al));
    return Status::Ok();
  }

  // One warning per file and unsupported field, however many rules use it.
  void FlushUnsupported() {
    for (const auto& [key, where] : unsupported_) {
      const auto [line, count] = where;
      Warn(fmt::format("{}:{}: field '{}' ({} rule{}) is not supported and is ignored{}", file_,
                       line, key, count, count == 1 ? "" : "s",
                       key == "visible" ? ": the rule's findings are reported" : ""));
    }
  }

 private:
  std::string_view file_;
  std::vector<std::string>* warnings_;
  std::map<std::string, std::pair<int, int>> unsupported_;  // field -> (first line, rules)
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(IoError(fmt::format("{}: cannot read rule file", path)));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Err(IoError(fmt::format("{}: error reading rule file", path)));
  return ss.str();
}

}  // namespace

Result<RuleSet> LoadYamlRulesText(std::string_view text, std::string_view file_name,
                                  std::vector<std::string>* warnings) {
  YamlParser p(file_name, warnings);
  RuleSet set;
  set.sources.emplace_back(file_name);
  // yaml-cpp reports errors by exceptions; they stop at this boundary.
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) {
      p.Warn(fmt::format("{}: empty rule file", file_name));
      return set;
    }
    if (!root.IsMap())
      return Err(
          ParseError(fmt::format("{}: a rule file is a map with a 'rules' list", p.Where(root))));
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (key == "rules") continue;
      if (key == "rulesets")
        p.Warn(
            fmt::format("{}: 'rulesets' is ignored: every rule loaded is used", p.Where(kv.first)));
      else
        p.Warn(fmt::format("{}: unknown field '{}' is ignored", p.Where(kv.first), key));
    }
    const YAML::Node rules = root["rules"];
    if (!rules || rules.IsNull()) return set;
    if (!rules.IsSequence())
      return Err(ParseError(fmt::format("{}: 'rules' must be a list", p.Where(rules))));
    std::map<std::string, int> lines;
    for (const YAML::Node& n : rules) {
      Rule r;
      if (Status s = p.ParseRule(n, &r); !s.ok()) return Err(s);
      auto [it, inserted] = lines.emplace(r.id, r.pos.line);
      if (!inserted)
        return Err(ParseError(fmt::format("{}: rule '{}' is already defined at line {}", p.Where(n),
                                          r.id, it->second)));
      set.rules.push_back(std::move(r));
    }
    p.FlushUnsupported();
  } catch (const YAML::Exception& e) {
    return Err(ParseError(fmt::format("{}:{}:{}: invalid YAML: {}", file_name, e.mark.line + 1,
                                      e.mark.column + 1, e.msg)));
  }
  return set;
}

Result<RuleSet> LoadYamlRulesFile(const std::string& path, std::vector<std::string>* warnings) {
  auto text = ReadFile(path);
  if (!text) return Err(text.error());
  return LoadYamlRulesText(*text, path, warnings);
}

bool IsYamlRuleFile(std::string_view path) {
  return path.ends_with(".yml") || path.ends_with(".yaml");
}

Result<RuleSet> LoadRuleFile(const std::string& path, std::vector<std::string>* warnings) {
  if (IsYamlRuleFile(path)) return LoadYamlRulesFile(path, warnings);
  return LoadConfigFile(path, warnings);
}

Result<std::vector<std::string>> ExpandRulePaths(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::set<std::string> seen;
  auto add = [&](const std::string& f) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(f, ec);
    if (seen.insert(ec ? f : canonical.string()).second) files.push_back(f);
  };
  for (const auto& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st))
      return Err(NotFound(fmt::format("--rules {}: no such file or directory", path)));
    if (!fs::is_directory(st)) {
      add(path);
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      std::string p = it->path().string();
      if (IsYamlRuleFile(p) && it->is_regular_file(ec)) found.push_back(p);
    }
    if (ec) return Err(IoError(fmt::format("--rules {}: {}", path, ec.message())));
    if (found.empty())
      return Err(
          NotFound(fmt::format("--rules {}: no *.yml or *.yaml file in the directory", path)));
    std::sort(found.begin(), found.end());
    for (const auto& f : found) add(f);
  }
  return files;
}

Status AddRules(RuleSet* set, RuleSet more) {
  std::map<std::string_view, const Rule*> have;
  for (const Rule& r : set->rules) have.emplace(r.id, &r);
  auto same_definition = [](const Rule& a, const Rule& b) {
    return a.pos.file == b.pos.file && a.pos.line == b.pos.line;
  };
  for (const Rule& r : more.rules) {
    auto it = have.find(r.id);
    // The same definition twice (a TOML file with `[extend] useDefault` added to the built-in
    // rules) is not a conflict: it is kept once.
    if (it != have.end() && !same_definition(r, *it->second))
      return ParseError(fmt::format("{}:{}: rule '{}' is already defined at {}:{}", r.pos.file,
                                    r.pos.line, r.id, it->second->pos.file, it->second->pos.line));
  }
  std::erase_if(more.rules, [&](const Rule& r) { return have.count(r.id) != 0; });
  have.clear();  // its keys point into set->rules, which may now move
  for (Rule& r : more.rules) set->rules.push_back(std::move(r));
  for (Allowlist& a : more.allowlists) set->allowlists.push_back(std::move(a));
  for (auto& s : more.sources) set->sources.push_back(std::move(s));
  return Status::Ok();
}

}  // namespace leakguard::rules
