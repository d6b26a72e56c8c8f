// SARIF 2.1.0 reporter, shaped for GitHub code scanning.
//
// GitHub rejects an upload that lacks version, runs[].tool.driver.name, results[].message.text or
// results[].locations[].physicalLocation.artifactLocation.uri, or whose region has startLine < 1.
// So: a finding without a line (a path-only rule) gets a location with no region at all; every
// rule a result points at is present in tool.driver.rules (rules the options did not list are
// added from the finding); URIs are relative to the scan root with '/' separators and
// percent-encoded, so names with spaces, '#', '%' or non-ASCII bytes survive.
//
// Columns: the finding's columns count UTF-8 characters, hence columnKind "unicodeCodePoints";
// SARIF's endColumn is exclusive, the finding's end_column inclusive, hence the +1.
//
// The message text is what GitHub shows in alert lists and pull-request annotations, so the
// secret in it is always masked, even under --no-redact (the snippet carries the match as given).
// Candidates dropped in --explain mode are emitted with a SARIF suppression, so viewers that
// honour suppressions do not raise them as alerts.
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <ostream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "redact/redact.h"
#include "report/formats.h"

namespace leakguard::report::internal {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kInformationUri = "https://github.com/leakguard/leakguard";

ordered_json Text(std::string_view text) {
  ordered_json j = ordered_json::object();
  j["text"] = text;
  return j;
}

// SARIF property-bag tags must be distinct; keeps the first of each, in order.
std::vector<std::string> UniqueTags(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const std::string& t : tags)
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  return out;
}

ordered_json RuleToJson(const RuleInfo& rule) {
  std::string description = rule.description.empty() ? rule.id : rule.description;
  // GitHub files a rule under "security" only when the tag is present.
  std::vector<std::string> tags = UniqueTags(rule.tags);
  if (std::find(tags.begin(), tags.end(), "security") == tags.end()) tags.push_back("security");

  ordered_json j = ordered_json::object();
  j["id"] = rule.id;
  j["name"] = rule.id;
  j["shortDescription"] = Text(description);
  j["fullDescription"] = Text(description);
  j["help"] = Text(fmt::format(
      "{} ({}). Revoke and rotate the exposed credential, then remove it from the code and its "
      "history.",
      description, rule.id));
  ordered_json props = ordered_json::object();
  props["tags"] = std::move(tags);
  j["properties"] = std::move(props);
  ordered_json config = ordered_json::object();
  config["level"] = "error";
  j["defaultConfiguration"] = std::move(config);
  return j;
}

// Inside an archive or a notebook, the finding's line is a line of the member or the cell, not
// of the file the SARIF location names (the archive, the .ipynb): the location then has no
// region, and the message and properties say where in the file it is.
bool InsideContainer(const findings::Finding& f) {
  return !f.archive_chain.empty() || f.cell > 0 || f.notebook_metadata;
}

std::string Message(const findings::Finding& f) {
  std::string_view what = f.description.empty() ? std::string_view(f.rule_id) : f.description;
  std::string where = ContainerLocationText(f);
  if (!where.empty()) where = " " + where;
  if (f.secret.empty()) return fmt::format("{} found{}", what, where);
  // Already masked by the pipeline unless --no-redact; masking twice would hide the prefix.
  std::string shown = f.redacted ? f.secret : redact::MaskSecret(f.secret);
  return fmt::format("{} found: {}{}", what, shown, where);
}

ordered_json Location(const findings::Finding& f) {
  ordered_json artifact = ordered_json::object();
  const std::string path = TopLevelRelPath(f);
  artifact["uri"] = PathToUri(path.empty() ? f.file : path);
  ordered_json physical = ordered_json::object();
  physical["artifactLocation"] = std::move(artifact);
  if (f.line > 0 && !InsideContainer(f)) {
    ordered_json region = ordered_json::object();
    region["startLine"] = f.line;
    if (f.column > 0) region["startColumn"] = f.column;
    size_t end_line = f.end_line >= f.line ? f.end_line : f.line;
    region["endLine"] = end_line;
    if (f.end_column > 0) region["endColumn"] = f.end_column + 1;
    if (!f.match.empty()) region["snippet"] = Text(f.match);
    physical["region"] = std::move(region);
  }
  ordered_json location = ordered_json::object();
  location["physicalLocation"] = std::move(physical);
  return location;
}

class SarifReporter final : public Reporter {
 public:
  explicit SarifReporter(ReportOptions options) : options_(std::move(options)) {}

  Status Write(const std::vector<findings::Finding>& all, const Summary& summary,
               std::ostream& out) override {
    try {
      out << DumpJson(Build(all, summary), 2) << '\n';
    } catch (const std::exception& e) {
      return Internal(std::string("building SARIF report: ") + e.what());
    }
    out.flush();
    if (!out) return IoError("writing sarif report failed");
    return Status::Ok();
  }

 private:
  ordered_json Build(const std::vector<findings::Finding>& all, const Summary& summary) const {
    // Rules: the configured ones first, in order, without duplicates; then any rule a finding
    // names that the options did not list, so every ruleIndex is valid.
    std::unordered_map<std::string, size_t> index;
    ordered_json rules = ordered_json::array();
    auto add_rule = [&](const RuleInfo& rule) {
      if (index.emplace(rule.id, rules.size()).second) rules.push_back(RuleToJson(rule));
    };
    for (const RuleInfo& rule : options_.rules) add_rule(rule);
    for (const findings::Finding& f : all) {
      if (!index.contains(f.rule_id)) add_rule(RuleInfo{f.rule_id, f.description, f.tags});
    }

    ordered_json results = ordered_json::array();
    for (const findings::Finding& f : all) {
      ordered_json r = ordered_json::object();
      r["ruleId"] = f.rule_id;
      r["ruleIndex"] = index.at(f.rule_id);
      r["level"] = f.confidence == "low" ? "warning" : "error";
      r["message"] = Text(Message(f));
      r["locations"] = ordered_json::array({Location(f)});
      ordered_json fingerprints = ordered_json::object();
      fingerprints["leakguard/v1"] = f.fingerprint;
      r["partialFingerprints"] = std::move(fingerprints);
      if (!f.dropped_by.empty()) {
        ordered_json suppression = ordered_json::object();
        suppression["kind"] = "external";
        suppression["status"] = "accepted";
        suppression["justification"] = f.drop_detail.empty()
                                           ? f.dropped_by
                                           : fmt::format("{}: {}", f.dropped_by, f.drop_detail);
        r["suppressions"] = ordered_json::array({std::move(suppression)});
      }
      ordered_json props = ordered_json::object();
      props["secret_id"] = f.secret_id;
      props["entropy"] = f.entropy;
      if (!f.confidence.empty()) props["confidence"] = f.confidence;
      if (!f.validation.empty()) props["validation"] = f.validation;
      props["tags"] = UniqueTags(f.tags);
      if (!f.decoded.empty()) props["decoded"] = f.decoded;
      if (InsideContainer(f)) {
        if (!f.archive_chain.empty()) props["archive_chain"] = f.archive_chain;
        if (f.cell > 0) {
          props["cell"] = f.cell;
          props["cell_output"] = f.cell_output;
        }
        if (f.notebook_metadata) props["notebook_metadata"] = true;
        if (f.line > 0) {
          props["line"] = f.line;
          props["column"] = f.column;
        }
        if (!f.image.empty()) {
          props["image"] = f.image;
          if (!f.layer.empty()) props["layer"] = f.layer;
          if (!f.layer_path.empty()) props["layer_path"] = f.layer_path;
          if (f.in_final_image) props["in_final_image"] = *f.in_final_image;
        }
      }
      if (!f.commit.empty()) {
        props["commit"] = f.commit;
        props["author"] = f.author;
        props["email"] = f.email;
        props["date"] = f.date;
        props["message"] = f.message;
      }
      if (!f.blob.empty()) props["blob"] = f.blob;
      if (f.unreachable) props["unreachable"] = true;
      r["properties"] = std::move(props);
      results.push_back(std::move(r));
    }

    ordered_json driver = ordered_json::object();
    driver["name"] = "leakguard";
    driver["informationUri"] = kInformationUri;
    if (!options_.tool_version.empty()) driver["semanticVersion"] = options_.tool_version;
    driver["rules"] = std::move(rules);
    ordered_json tool = ordered_json::object();
    tool["driver"] = std::move(driver);

    // The run summary rides along so a SARIF consumer can tell "clean" from "skipped".
    ordered_json invocation = ordered_json::object();
    invocation["executionSuccessful"] = true;
    ordered_json inv_props = ordered_json::object();
    inv_props["summary"] = SummaryToJson(summary, "");
    invocation["properties"] = std::move(inv_props);

    ordered_json run = ordered_json::object();
    run["tool"] = std::move(tool);
    run["invocations"] = ordered_json::array({std::move(invocation)});
    run["columnKind"] = "unicodeCodePoints";
    run["results"] = std::move(results);

    ordered_json doc = ordered_json::object();
    doc["$schema"] = kSchema;
    doc["version"] = "2.1.0";
    doc["runs"] = ordered_json::array({std::move(run)});
    return doc;
  }

  ReportOptions options_;
};

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string PathToUri(std::string_view path) {
  std::string slashed(path);
  for (char& c : slashed)
    if (c == '\\') c = '/';
  std::string_view p = slashed;
  while (p.starts_with("./")) p.remove_prefix(2);
  std::string out;
  out.reserve(p.size());
  for (char ch : p) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || c == '/')
      out += ch;
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::unique_ptr<Reporter> MakeSarifReporter(ReportOptions options) {
  return std::make_unique<SarifReporter>(std::move(options));
}

}  // namespace leakguard::report::internal
