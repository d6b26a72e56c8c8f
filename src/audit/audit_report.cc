#include "audit/audit_report.h"

#include <fmt/core.h>

#include <map>
#include <nlohmann/json.hpp>

#include "report/escape.h"

namespace leakguard::audit {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kReset = "\x1b[0m";

std::string_view SeverityColor(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "\x1b[1;35m";
    case Severity::kHigh:
      return "\x1b[1;31m";
    case Severity::kMedium:
      return "\x1b[33m";
    case Severity::kLow:
      return "\x1b[36m";
  }
  return "";
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return out;
}

std::string Esc(std::string_view s) { return report::EscapeForTerminal(s); }

std::string JoinScanners(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string Shown(const Report& r, const std::string& path) {
  const std::string& w = r.repo.workdir;
  return Esc(!w.empty() && path.size() > w.size() && path.starts_with(w) ? path.substr(w.size())
                                                                         : path);
}

std::string ProtectionLine(const Report& r) {
  const HookStatus& h = r.hook;
  if (!h.checked) return {};
  if (h.Protected())
    return fmt::format("Protection: the pre-commit hook {} runs {}{}", Shown(r, h.path),
                       Esc(JoinScanners(h.scanners)),
                       h.via.empty() ? "" : " (through " + Esc(h.via) + ")");
  if (!h.exists)
    return fmt::format("Protection: none (no pre-commit hook at {})", Shown(r, h.path));
  if (!h.executable)
    return fmt::format("Protection: none ({} is not executable)", Shown(r, h.path));
  return fmt::format("Protection: none ({} runs no secret scanner)", Shown(r, h.path));
}

std::string RenderText(const Report& r, const RenderOptions& o) {
  std::string out;
  out += fmt::format("leakguard audit of {}\n", Esc(r.repo.bare ? r.repo.gitdir : r.repo.workdir));
  const std::string indent(10, ' ');
  for (const Finding& f : r.findings) {
    out += '\n';
    std::string sev = fmt::format("{:<9}", Upper(SeverityName(f.severity)));
    if (o.color) sev = fmt::format("{}{}{}", SeverityColor(f.severity), sev, kReset);
    out += fmt::format("{} {:<12} {}", sev, CheckName(f.check), Esc(f.path));
    if (!f.config_key.empty()) out += "  " + Esc(f.config_key);
    out += '\n';
    out += indent + Esc(f.title) + '\n';
    if (!f.masked_value.empty()) out += indent + "value: " + Esc(f.masked_value) + '\n';
    out += indent + "why: " + Esc(f.reason) + '\n';
    if (!f.commit.empty())
      out += fmt::format(
          "{}{}: {} {} {} \"{}\"\n", indent, f.check == Check::kHistory ? "commit" : "introduced",
          Esc(f.commit.substr(0, 12)), Esc(f.date), Esc(f.author), Esc(f.commit_summary));
    if (!f.fix.empty()) out += indent + "fix: " + Esc(f.fix) + '\n';
    for (const std::string& c : f.commands) out += indent + "run: " + Esc(c) + '\n';
  }
  out += '\n';
  if (std::string p = ProtectionLine(r); !p.empty()) out += p + '\n';
  if (r.fix) {
    if (r.fix->added.empty()) {
      out += fmt::format("Fixed: nothing to add to {}\n", Esc(r.fix->file));
    } else {
      std::string lines;
      for (const std::string& l : r.fix->added) lines += (lines.empty() ? "'" : ", '") + l + "'";
      out += fmt::format("Fixed: {} {} line(s) to {}: {}\n",
                         r.fix->created ? "created with" : "appended", r.fix->added.size(),
                         Esc(r.fix->file), Esc(lines));
    }
  }
  for (const std::string& n : r.summary.notes) out += "Note: " + Esc(n) + '\n';
  out += SummaryLine(r) + '\n';
  return out;
}

ordered_json FindingJson(const Finding& f) {
  ordered_json j = ordered_json::object();
  j["check"] = CheckName(f.check);
  j["severity"] = SeverityName(f.severity);
  j["kind"] = f.kind;
  j["title"] = f.title;
  j["path"] = f.path;
  j["reason"] = f.reason;
  j["fix"] = f.fix;
  j["commands"] = f.commands;
  if (f.check == Check::kTracked) j["ignored"] = f.ignored;
  if (f.gitignore) {
    ordered_json g = ordered_json::object();
    g["file"] = f.gitignore->file;
    g["line"] = f.gitignore->line;
    g["applicable"] = f.gitignore->applicable;
    if (!f.gitignore->blocked_by.empty()) g["blocked_by"] = f.gitignore->blocked_by;
    j["gitignore"] = std::move(g);
  }
  if (f.check == Check::kConfig) {
    ordered_json c = ordered_json::object();
    c["key"] = f.config_key;
    c["scope"] = f.config_scope;
    c["value"] = f.masked_value;
    j["config"] = std::move(c);
  }
  if (!f.commit.empty()) {
    ordered_json c = ordered_json::object();
    c["id"] = f.commit;
    c["author"] = f.author;
    c["email"] = f.email;
    c["date"] = f.date;
    c["summary"] = f.commit_summary;
    j["commit"] = std::move(c);
  }
  j["fingerprint"] = f.fingerprint;
  return j;
}

std::map<Severity, uint64_t> Counts(const Report& r) {
  std::map<Severity, uint64_t> c;
  for (const Finding& f : r.findings) ++c[f.severity];
  return c;
}

ordered_json HookJson(const HookStatus& h) {
  ordered_json j = ordered_json::object();
  j["checked"] = h.checked;
  j["protected"] = h.Protected();
  j["hooks_dir"] = h.hooks_dir;
  j["hooks_path_configured"] = h.hooks_path_configured;
  j["pre_commit_hook"] = h.path;
  j["exists"] = h.exists;
  j["executable"] = h.executable;
  j["scanners"] = h.scanners;
  j["via"] = h.via;
  return j;
}

std::string Dump(const ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string RenderJson(const Report& r, const RenderOptions& o) {
  ordered_json j = ordered_json::object();
  ordered_json repo = ordered_json::object();
  repo["workdir"] = r.repo.workdir;
  repo["gitdir"] = r.repo.gitdir;
  repo["bare"] = r.repo.bare;
  j["repository"] = std::move(repo);
  ordered_json findings = ordered_json::array();
  for (const Finding& f : r.findings) findings.push_back(FindingJson(f));
  j["findings"] = std::move(findings);
  j["protection"] = HookJson(r.hook);
  if (r.fix) {
    ordered_json fx = ordered_json::object();
    fx["file"] = r.fix->file;
    fx["added"] = r.fix->added;
    fx["created"] = r.fix->created;
    fx["warnings"] = r.fix->warnings;
    j["fix"] = std::move(fx);
  }
  auto counts = Counts(r);
  ordered_json s = ordered_json::object();
  s["problems"] = r.findings.size();
  for (Severity sev : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow})
    s[std::string(SeverityName(sev))] = counts[sev];
  s["tracked_files"] = r.summary.tracked_files;
  s["untracked_files"] = r.summary.untracked_files;
  s["commits"] = r.summary.commits;
  s["allowed"] = r.summary.allowed;
  s["not_checked"] = r.summary.not_checked;
  s["notes"] = r.summary.notes;
  s["fail_severity"] = o.fail_severity;
  if (!o.tool_version.empty()) s["version"] = o.tool_version;
  j["summary"] = std::move(s);
  return Dump(j);
}

std::string_view SarifLevel(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
      return "note";
  }
  return "note";
}

// GitHub's scale: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
std::string_view SecuritySeverity(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.5";
    case Severity::kLow:
      return "3.0";
  }
  return "3.0";
}

std::string Uri(const std::string& path) {
  if (path.starts_with("/")) return "file://" + report::PathToUri(path);
  return report::PathToUri(path);
}

ordered_json Text(std::string_view t) {
  ordered_json j = ordered_json::object();
  j["text"] = t;
  return j;
}

std::string RenderSarif(const Report& r, const RenderOptions& o) {
  std::map<std::string, size_t> index;
  ordered_json rules = ordered_json::array();
  ordered_json results = ordered_json::array();
  for (const Finding& f : r.findings) {
    const std::string id = fmt::format("{}/{}", CheckName(f.check), f.kind);
    if (!index.contains(id)) {
      // The rule's severity is the most severe of its findings (they are sorted that way).
      index[id] = rules.size();
      ordered_json rule = ordered_json::object();
      rule["id"] = id;
      rule["name"] = id;
      rule["shortDescription"] = Text(f.title);
      rule["fullDescription"] = Text(fmt::format("{} ({} check)", f.title, CheckName(f.check)));
      rule["help"] = Text(f.fix.empty() ? f.title : f.fix);
      ordered_json config = ordered_json::object();
      config["level"] = SarifLevel(f.severity);
      rule["defaultConfiguration"] = std::move(config);
      ordered_json props = ordered_json::object();
      props["tags"] = ordered_json::array({"security", "hygiene"});
      props["security-severity"] = SecuritySeverity(f.severity);
      rule["properties"] = std::move(props);
      rules.push_back(std::move(rule));
    }
    ordered_json res = ordered_json::object();
    res["ruleId"] = id;
    res["ruleIndex"] = index[id];
    res["level"] = SarifLevel(f.severity);
    std::string msg = fmt::format("{}: {}", f.title, f.reason);
    if (!f.masked_value.empty()) msg += fmt::format(" (value: {})", f.masked_value);
    if (!f.fix.empty()) msg += fmt::format(". Fix: {}", f.fix);
    res["message"] = Text(msg);
    ordered_json artifact = ordered_json::object();
    artifact["uri"] = Uri(f.path.empty() ? std::string(".") : f.path);
    ordered_json physical = ordered_json::object();
    physical["artifactLocation"] = std::move(artifact);
    ordered_json location = ordered_json::object();
    location["physicalLocation"] = std::move(physical);
    res["locations"] = ordered_json::array({std::move(location)});
    ordered_json fp = ordered_json::object();
    fp["leakguard/audit/v1"] = f.fingerprint;
    res["partialFingerprints"] = std::move(fp);
    ordered_json props = ordered_json::object();
    props["severity"] = SeverityName(f.severity);
    props["check"] = CheckName(f.check);
    props["commands"] = f.commands;
    if (f.gitignore) props["gitignore_line"] = f.gitignore->line;
    if (!f.config_key.empty()) props["config_key"] = f.config_key;
    if (!f.commit.empty()) props["commit"] = f.commit;
    res["properties"] = std::move(props);
    results.push_back(std::move(res));
  }
  ordered_json driver = ordered_json::object();
  driver["name"] = "leakguard";
  driver["informationUri"] = "https://github.com/leakguard/leakguard";
  if (!o.tool_version.empty()) driver["semanticVersion"] = o.tool_version;
  driver["rules"] = std::move(rules);
  ordered_json tool = ordered_json::object();
  tool["driver"] = std::move(driver);
  ordered_json invocation = ordered_json::object();
  invocation["executionSuccessful"] = true;
  ordered_json inv_props = ordered_json::object();
  inv_props["protection"] = HookJson(r.hook);
  inv_props["summary"] = SummaryLine(r);
  invocation["properties"] = std::move(inv_props);
  ordered_json run = ordered_json::object();
  run["tool"] = std::move(tool);
  run["invocations"] = ordered_json::array({std::move(invocation)});
  run["results"] = std::move(results);
  ordered_json doc = ordered_json::object();
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = ordered_json::array({std::move(run)});
  return Dump(doc);
}

}  // namespace

Result<Format> ParseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  if (name == "sarif") return Format::kSarif;
  return Err(
      InvalidArgument(fmt::format("audit: unknown format '{}' (use text, json or sarif)", name)));
}

std::string SummaryLine(const Report& r) {
  const auto counts = Counts(r);
  std::string files = fmt::format("{} tracked and {} untracked file(s)", r.summary.tracked_files,
                                  r.summary.untracked_files);
  if (r.summary.commits > 0) files += fmt::format(", {} commit(s)", r.summary.commits);
  std::string s;
  if (r.findings.empty()) {
    s = fmt::format("leakguard audit: no problems in {}", files);
  } else {
    std::string by;
    for (Severity sev : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow}) {
      auto it = counts.find(sev);
      if (it == counts.end()) continue;
      by += fmt::format("{}{} {}", by.empty() ? "" : ", ", it->second, SeverityName(sev));
    }
    s = fmt::format("leakguard audit: {} problem(s) ({}) in {}", r.findings.size(), by, files);
  }
  if (r.summary.not_checked > 0) s += fmt::format("; {} not checked", r.summary.not_checked);
  if (r.summary.allowed > 0) s += fmt::format("; {} accepted by allow rules", r.summary.allowed);
  return s;
}

std::string Render(const Report& report, Format format, const RenderOptions& options) {
  switch (format) {
    case Format::kText:
      return RenderText(report, options);
    case Format::kJson:
      return RenderJson(report, options);
    case Format::kSarif:
      return RenderSarif(report, options);
  }
  return {};
}

}  // namespace leakguard::audit
