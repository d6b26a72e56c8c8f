#include "audit/file_kinds.h"

#include <fmt/core.h>
#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/glob.h"
#include "match/placeholder.h"
#include "rules/loader.h"
#include "rules/toml_fields.h"

namespace leakguard::audit {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string Where(std::string_view file, const toml::node& n) { return rules::TomlWhere(file, n); }

class SectionParser {
 public:
  SectionParser(std::string_view file, std::vector<std::string>* warnings)
      : file_(file), warnings_(warnings) {}

  void CheckKeys(const toml::table& t, std::initializer_list<std::string_view> known,
                 std::string_view what) {
    for (auto&& [k, v] : t) {
      if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
      if (warnings_)
        warnings_->push_back(
            fmt::format("{}: {}: unknown field '{}' is ignored", Where(file_, v), what, k.str()));
    }
  }

  // A string or an array of strings.
  Status Strings(const toml::table& t, std::string_view key, std::vector<std::string>* out,
                 std::string_view what) {
    return rules::ReadTomlStrings(file_, t, key, out, what, /*single_ok=*/true);
  }

  Status String(const toml::table& t, std::string_view key, std::string* out,
                std::string_view what) {
    return rules::ReadTomlString(file_, t, key, out, what);
  }

  Result<std::shared_ptr<const re2::RE2>> Regex(const toml::node& at, const std::string& re,
                                                std::string_view what) {
    auto compiled = std::make_shared<re2::RE2>(re, rules::RegexOptions());
    if (!compiled->ok())
      return Err(ParseError(fmt::format("{}: {}: invalid regex '{}': {}", Where(file_, at), what,
                                        re, compiled->error())));
    return std::shared_ptr<const re2::RE2>(std::move(compiled));
  }

  Result<FileKind> Kind(const toml::table& t) {
    FileKind k;
    k.origin = Where(file_, t);
    if (Status s = String(t, "id", &k.id, "sensitive-file kind"); !s.ok()) return Err(s);
    if (k.id.empty())
      return Err(ParseError(fmt::format("{}: sensitive-file kind without an 'id'", k.origin)));
    const std::string what = fmt::format("kind '{}'", k.id);
    CheckKeys(t, {"id", "description", "severity", "paths", "exclude", "ignore", "content"}, what);
    if (Status s = String(t, "description", &k.description, what); !s.ok()) return Err(s);
    if (k.description.empty()) k.description = k.id;
    std::string severity = "high";
    if (Status s = String(t, "severity", &severity, what); !s.ok()) return Err(s);
    auto sev = ParseSeverity(severity);
    if (!sev)
      return Err(ParseError(fmt::format("{}: {}: {}", k.origin, what, sev.error().message())));
    k.severity = *sev;
    if (Status s = Strings(t, "paths", &k.paths, what); !s.ok()) return Err(s);
    if (k.paths.empty())
      return Err(ParseError(fmt::format("{}: {}: 'paths' is missing or empty", k.origin, what)));
    if (Status s = Strings(t, "exclude", &k.exclude, what); !s.ok()) return Err(s);
    for (auto* list : {&k.paths, &k.exclude})
      for (std::string& g : *list) {
        if (g.empty() || g.find('\n') != g.npos)
          return Err(ParseError(fmt::format("{}: {}: empty or multi-line glob", k.origin, what)));
        g = Lower(g);
      }
    if (Status s = Strings(t, "ignore", &k.ignore, what); !s.ok()) return Err(s);
    for (const std::string& line : k.ignore)
      if (line.empty() || line.find_first_of("\r\n") != line.npos || line.front() == '#' ||
          line.front() == '!')
        return Err(ParseError(
            fmt::format("{}: {}: 'ignore' lines must be single .gitignore patterns (no '#', '!')",
                        k.origin, what)));
    if (const toml::node* cn = t.get("content")) {
      const toml::table* ct = cn->as_table();
      if (!ct)
        return Err(
            ParseError(fmt::format("{}: {}: 'content' must be a table", Where(file_, *cn), what)));
      CheckKeys(*ct, {"rules", "tags", "patterns"}, what + " content");
      ContentCriteria c;
      if (Status s = Strings(*ct, "rules", &c.rules, what); !s.ok()) return Err(s);
      if (Status s = Strings(*ct, "tags", &c.tags, what); !s.ok()) return Err(s);
      if (Status s = Strings(*ct, "patterns", &c.patterns, what); !s.ok()) return Err(s);
      for (const std::string& p : c.patterns) {
        auto re = Regex(*cn, p, what);
        if (!re) return Err(re.error());
        c.compiled.push_back(std::move(*re));
      }
      if (c.rules.empty() && c.tags.empty() && c.patterns.empty())
        return Err(ParseError(fmt::format("{}: {}: 'content' needs 'rules', 'tags' or 'patterns'",
                                          Where(file_, *cn), what)));
      k.content = std::move(c);
    }
    return k;
  }

  // Adds the kinds of a `files` array to `cfg`: a kind with an existing id replaces it in place.
  Status Files(const toml::node& n, AuditConfig* cfg) {
    const toml::array* arr = n.as_array();
    if (!arr || !arr->is_array_of_tables())
      return ParseError(
          fmt::format("{}: 'files' must be an array of tables ([[...files]])", Where(file_, n)));
    std::vector<std::string> seen;
    for (const toml::node& e : *arr) {
      auto kind = Kind(*e.as_table());
      if (!kind) return kind.error();
      if (std::find(seen.begin(), seen.end(), kind->id) != seen.end())
        return ParseError(fmt::format("{}: kind '{}' is defined twice", Where(file_, e), kind->id));
      seen.push_back(kind->id);
      auto same = std::find_if(cfg->kinds.begin(), cfg->kinds.end(),
                               [&](const FileKind& k) { return k.id == kind->id; });
      if (same != cfg->kinds.end())
        *same = std::move(*kind);
      else
        cfg->kinds.push_back(std::move(*kind));
    }
    return Status::Ok();
  }

  // The [audit] section of a config file.
  Status AuditSection(const toml::node& n, AuditConfig* cfg) {
    const toml::table* t = n.as_table();
    if (!t) return ParseError(fmt::format("{}: 'audit' must be a table", Where(file_, n)));
    CheckKeys(*t, {"files", "disable", "allow"}, "audit");
    if (const toml::node* files = t->get("files"))
      if (Status s = Files(*files, cfg); !s.ok()) return s;
    std::vector<std::string> disable, allow;
    if (Status s = Strings(*t, "disable", &disable, "audit"); !s.ok()) return s;
    if (Status s = Strings(*t, "allow", &allow, "audit"); !s.ok()) return s;
    for (const std::string& id : disable) {
      size_t before = cfg->kinds.size();
      std::erase_if(cfg->kinds, [&](const FileKind& k) { return k.id == id; });
      if (before == cfg->kinds.size() && warnings_)
        warnings_->push_back(fmt::format("{}: audit.disable names unknown kind '{}'",
                                         Where(file_, *t->get("disable")), id));
    }
    for (const std::string& a : allow) {
      auto re = Regex(*t->get("allow"), a, "audit.allow");
      if (!re) return re.error();
      cfg->allow.push_back(a);
      cfg->compiled_allow.push_back(std::move(*re));
    }
    return Status::Ok();
  }

 private:
  std::string_view file_;
  std::vector<std::string>* warnings_;
};

Result<toml::table> ParseToml(std::string_view text, std::string_view name) {
  // Debian's toml++ is built with exceptions; they stop at this boundary.
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return Err(ParseError(fmt::format("{}:{}:{}: invalid TOML: {}", name, e.source().begin.line,
                                      e.source().begin.column, e.description())));
  }
}

Status ParseBuiltin(std::string_view text, AuditConfig* cfg, std::vector<std::string>* warnings) {
  auto root = ParseToml(text, "<built-in sensitive-files.toml>");
  if (!root) return root.error();
  SectionParser p("<built-in sensitive-files.toml>", warnings);
  p.CheckKeys(*root, {"files"}, "sensitive files");
  if (const toml::node* files = root->get("files"))
    if (Status s = p.Files(*files, cfg); !s.ok()) return s;
  return Status::Ok();
}

Status ParseUserText(std::string_view text, const std::string& name, int depth, AuditConfig* cfg,
                     std::vector<std::string>* warnings);

Status ParseUserFile(const std::string& path, int depth, AuditConfig* cfg,
                     std::vector<std::string>* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(fmt::format("{}: cannot read config file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return IoError(fmt::format("{}: error reading config file", path));
  return ParseUserText(ss.str(), path, depth, cfg, warnings);
}

Status ParseUserText(std::string_view text, const std::string& name, int depth, AuditConfig* cfg,
                     std::vector<std::string>* warnings) {
  auto root = ParseToml(text, name);
  if (!root) return root.error();
  // A file this one extends contributes its [audit] section first, as it does its rules.
  if (const toml::table* ext = root->get_as<toml::table>("extend")) {
    if (const toml::node* pn = ext->get("path"); pn && pn->is_string()) {
      if (depth >= 8)
        return ParseError(fmt::format("{}: [extend] nests too deep (a cycle?)", Where(name, *pn)));
      std::filesystem::path full(pn->as_string()->get());
      if (full.is_relative()) full = std::filesystem::path(name).parent_path() / full;
      if (Status s = ParseUserFile(full.lexically_normal().string(), depth + 1, cfg, warnings);
          !s.ok())
        return ParseError(fmt::format("{}: in extend.path: {}", Where(name, *pn), s.message()));
    }
  }
  if (const toml::node* audit = root->get("audit")) {
    SectionParser p(name, warnings);
    if (Status s = p.AuditSection(*audit, cfg); !s.ok()) return s;
  }
  return Status::Ok();
}

// Whether `glob` (lower-case, gitignore syntax) matches `lower_path` or, without a '/', its name.
bool GlobMatches(std::string_view glob, std::string_view lower_path) {
  if (glob.find('/') == glob.npos) {
    std::string_view name = lower_path;
    if (size_t slash = name.rfind('/'); slash != name.npos) name.remove_prefix(slash + 1);
    return GlobMatch(glob, name);
  }
  if (glob.front() == '/') glob.remove_prefix(1);
  return GlobMatch(glob, lower_path);
}

// NameMatches for a path already lower-cased.
bool NameMatchesLower(const FileKind& kind, std::string_view lower, std::string* glob) {
  const std::string* hit = nullptr;
  for (const std::string& g : kind.paths)
    if (GlobMatches(g, lower)) {
      hit = &g;
      break;
    }
  if (!hit) return false;
  for (const std::string& g : kind.exclude)
    if (GlobMatches(g, lower)) return false;
  if (glob) *glob = *hit;
  return true;
}

size_t LineOf(ByteView text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

bool RegexSearch(const re2::RE2& re, std::string_view text) {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re);
}

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "unknown";
}

Result<Severity> ParseSeverity(std::string_view name) {
  std::string n = Lower(name);
  if (n == "low") return Severity::kLow;
  if (n == "medium") return Severity::kMedium;
  if (n == "high") return Severity::kHigh;
  if (n == "critical") return Severity::kCritical;
  return Err(
      InvalidArgument(fmt::format("'{}' is not a severity (critical, high, medium or low)", name)));
}

Severity OneLower(Severity s) {
  return s == Severity::kLow ? s : static_cast<Severity>(static_cast<uint8_t>(s) - 1);
}

Result<AuditConfig> ParseAuditConfig(std::string_view builtin, std::string_view user,
                                     std::string_view user_name,
                                     std::vector<std::string>* warnings) {
  AuditConfig cfg;
  if (Status s = ParseBuiltin(builtin, &cfg, warnings); !s.ok()) return Err(s);
  if (!user.empty())
    if (Status s = ParseUserText(user, std::string(user_name), 0, &cfg, warnings); !s.ok())
      return Err(s);
  return cfg;
}

Result<AuditConfig> LoadAuditConfig(const std::string& config_path,
                                    std::vector<std::string>* warnings) {
  AuditConfig cfg;
  if (Status s = ParseBuiltin(SensitiveFilesToml(), &cfg, warnings); !s.ok()) return Err(s);
  if (!config_path.empty())
    if (Status s = ParseUserFile(config_path, 0, &cfg, warnings); !s.ok()) return Err(s);
  return cfg;
}

bool NameMatches(const FileKind& kind, std::string_view rel_path, std::string* glob) {
  return NameMatchesLower(kind, Lower(rel_path), glob);
}

Classifier::Classifier(const AuditConfig& config, std::shared_ptr<const match::RulesDatabase> db)
    : config_(config), db_(std::move(db)) {
  if (db_) matcher_ = std::make_unique<match::Matcher>(db_);
  name_only_.assign(config_.kinds.size(), false);
  for (size_t i = 0; i < config_.kinds.size(); ++i) {
    const FileKind& k = config_.kinds[i];
    if (!k.content || !k.content->patterns.empty()) continue;
    bool usable = false;
    if (db_) {
      for (const auto& cr : db_->rules()) {
        if (cr.rule->PathOnly()) continue;
        for (const std::string& id : k.content->rules) usable |= id == "*" || id == cr.rule->id;
        for (const std::string& tag : k.content->tags) usable |= cr.rule->HasTag(tag);
      }
    }
    if (!usable) {
      name_only_[i] = true;
      warnings_.push_back(fmt::format(
          "audit kind '{}' ({}): none of the rules its content check names is loaded; such files "
          "are reported by name alone",
          k.id, k.origin));
    }
  }
}

Classifier::~Classifier() = default;

std::vector<size_t> Classifier::Candidates(std::string_view rel_path) const {
  std::vector<size_t> out;
  const std::string lower = Lower(rel_path);
  for (size_t i = 0; i < config_.kinds.size(); ++i)
    if (NameMatchesLower(config_.kinds[i], lower, nullptr)) out.push_back(i);
  return out;
}

bool Classifier::NeedsContent(const std::vector<size_t>& kinds) const {
  for (size_t i : kinds)
    if (config_.kinds[i].content && !name_only_[i]) return true;
  return false;
}

std::string Classifier::ContentReason(const FileKind& kind, std::string_view rel_path,
                                      ByteView content,
                                      const std::vector<match::Candidate>& cands) {
  const ContentCriteria& c = *kind.content;
  if (db_ && (!c.rules.empty() || !c.tags.empty())) {
    for (const match::Candidate& cand : cands) {
      if (cand.drop != match::DropReason::kNone) continue;
      const rules::Rule& rule = *db_->rules()[cand.rule].rule;
      bool selected = false;
      for (const std::string& id : c.rules) selected |= id == "*" || id == rule.id;
      for (const std::string& tag : c.tags) selected |= rule.HasTag(tag);
      if (!selected) continue;
      if (match::LocationDropReason(
              *db_, cand.rule, rel_path, "", cand.Secret(content), cand.Match(content),
              match::LineAround(content, cand.start, cand.end)) != match::DropReason::kNone)
        continue;
      return fmt::format("holds a secret found by rule '{}' (line {})", rule.id,
                         LineOf(content, cand.start));
    }
  }
  for (size_t p = 0; p < c.compiled.size(); ++p) {
    const re2::RE2& re = *c.compiled[p];
    const int groups = std::min(re.NumberOfCapturingGroups(), 1);
    re2::StringPiece sub[2];
    const re2::StringPiece text(content.data(), content.size());
    size_t pos = 0;
    while (pos <= content.size() &&
           re.Match(text, pos, content.size(), re2::RE2::UNANCHORED, sub, 1 + groups)) {
      const size_t start = static_cast<size_t>(sub[0].data() - content.data());
      const size_t end = start + sub[0].size();
      if (groups == 0 ||
          (sub[1].data() && !sub[1].empty() &&
           match::PlaceholderReason(std::string_view(sub[1].data(), sub[1].size())).empty()))
        return fmt::format("its content matches the {} pattern (line {})", kind.id,
                           LineOf(content, start));
      pos = end > pos ? end : pos + 1;
    }
  }
  return {};
}

std::optional<Classifier::Verdict> Classifier::Classify(std::string_view rel_path,
                                                        const std::vector<size_t>& kinds,
                                                        std::optional<ByteView> content) {
  std::optional<Verdict> best;
  std::vector<match::Candidate> cands;
  bool scanned = false;
  for (size_t i : kinds) {
    const FileKind& k = config_.kinds[i];
    if (best && best->kind->severity >= k.severity) continue;
    std::string reason;
    if (!k.content || name_only_[i]) {
      std::string glob;
      NameMatches(k, rel_path, &glob);
      reason = fmt::format("named like '{}'", glob);
    } else {
      if (!content) continue;
      if (!scanned && matcher_) {
        matcher_->Scan(*content, &cands);
        scanned = true;
      }
      reason = ContentReason(k, rel_path, *content, cands);
      if (reason.empty()) continue;
    }
    best = Verdict{&k, std::move(reason)};
  }
  return best;
}

bool Classifier::Allowed(std::string_view rel_path, std::string* why) const {
  for (size_t i = 0; i < config_.compiled_allow.size(); ++i)
    if (RegexSearch(*config_.compiled_allow[i], rel_path)) {
      if (why) *why = fmt::format("[audit] allow '{}'", config_.allow[i]);
      return true;
    }
  if (!db_) return false;
  for (const match::CompiledAllowlist& al : db_->global_allowlists()) {
    if (al.src->paths.empty() || al.src->HasContentCriteria() || !al.src->commits.empty() ||
        !al.target_rules.empty())
      continue;
    for (const auto& re : al.Paths())
      if (RegexSearch(*re, rel_path)) {
        if (why) *why = fmt::format("allowlist '{}'", al.src->description);
        return true;
      }
  }
  return false;
}

}  // namespace leakguard::audit
