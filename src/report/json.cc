// JSON and JSON Lines reporters.
//
// Keys come out in a fixed order (ordered_json) so reports diff cleanly between runs. Scanned
// text is arbitrary bytes, so strings may hold invalid UTF-8; nlohmann throws on those by default,
// which would lose the whole report, so every dump replaces bad bytes with U+FFFD instead.
#include <exception>
#include <ostream>
#include <string>
#include <utility>

#include "report/formats.h"

namespace leakguard::report::internal {
namespace {

using nlohmann::ordered_json;

class JsonReporter final : public Reporter {
 public:
  JsonReporter(ReportOptions options, bool lines) : options_(std::move(options)), lines_(lines) {}

  Status Write(const std::vector<findings::Finding>& all, const Summary& summary,
               std::ostream& out) override {
    try {
      if (lines_) {
        std::string buf;
        for (const findings::Finding& f : all) {
          buf += DumpJson(FindingToJson(f), -1);
          buf += '\n';
        }
        out << buf;
      } else {
        ordered_json doc = ordered_json::object();
        ordered_json list = ordered_json::array();
        for (const findings::Finding& f : all) list.push_back(FindingToJson(f));
        doc["findings"] = std::move(list);
        doc["summary"] = SummaryToJson(summary, options_.tool_version);
        out << DumpJson(doc, 2) << '\n';
      }
    } catch (const std::exception& e) {
      return Internal(std::string("building JSON report: ") + e.what());
    }
    out.flush();
    if (!out) return IoError(lines_ ? "writing jsonl report failed" : "writing json report failed");
    return Status::Ok();
  }

 private:
  ReportOptions options_;
  bool lines_;
};

}  // namespace

ordered_json FindingToJson(const findings::Finding& f) {
  ordered_json j = ordered_json::object();
  j["rule_id"] = f.rule_id;
  j["description"] = f.description;
  j["file"] = f.file;
  j["line"] = f.line;
  j["column"] = f.column;
  j["end_line"] = f.end_line;
  j["end_column"] = f.end_column;
  j["secret"] = f.secret;
  j["match"] = f.match;
  j["entropy"] = f.entropy;
  if (!f.confidence.empty()) j["confidence"] = f.confidence;
  if (!f.validation.empty()) j["validation"] = f.validation;
  j["fingerprint"] = f.fingerprint;
  j["secret_id"] = f.secret_id;
  j["tags"] = f.tags;
  if (!f.decoded.empty()) j["decoded"] = f.decoded;
  if (!f.archive_chain.empty()) j["archive_chain"] = f.archive_chain;
  if (f.cell > 0) {
    j["cell"] = f.cell;
    j["cell_output"] = f.cell_output;
  }
  if (f.notebook_metadata) j["notebook_metadata"] = true;
  if (!f.image.empty()) {
    j["image"] = f.image;
    if (!f.layer.empty()) j["layer"] = f.layer;
    if (!f.layer_path.empty()) j["layer_path"] = f.layer_path;
    if (f.in_final_image) j["in_final_image"] = *f.in_final_image;
  }
  if (!f.commit.empty()) {
    j["commit"] = f.commit;
    j["author"] = f.author;
    j["email"] = f.email;
    j["date"] = f.date;
    j["message"] = f.message;
  }
  if (!f.blob.empty()) j["blob"] = f.blob;
  if (f.unreachable) j["unreachable"] = true;
  if (!f.dropped_by.empty()) {
    j["dropped_by"] = f.dropped_by;
    j["drop_detail"] = f.drop_detail;
  }
  return j;
}

ordered_json SummaryToJson(const Summary& s, std::string_view version) {
  ordered_json j = ordered_json::object();
  if (s.git) {
    j["commits_scanned"] = s.commits;
    j["blobs_scanned"] = s.files_scanned;
  } else {
    j["files_scanned"] = s.files_scanned;
  }
  j["bytes_scanned"] = s.bytes_scanned;
  j["findings"] = s.findings;
  ordered_json skipped = ordered_json::object();
  skipped["binary"] = s.skipped_binary;
  skipped["too_large"] = s.skipped_too_large;
  skipped["unreadable"] = s.skipped_unreadable;
  skipped["other"] = s.skipped_other;
  j["skipped"] = std::move(skipped);
  j["suppressed"] = s.suppressed;
  if (s.archives > 0 || s.archive_members > 0 || s.archives_incomplete > 0 ||
      s.skipped_encrypted > 0) {
    ordered_json archives = ordered_json::object();
    archives["opened"] = s.archives;
    archives["members"] = s.archive_members;
    archives["duplicate_members"] = s.duplicate_members;
    archives["incomplete"] = s.archives_incomplete;
    archives["encrypted"] = s.skipped_encrypted;
    j["archives"] = std::move(archives);
  }
  j["seconds"] = s.seconds;
  j["rules"] = s.rules;
  if (!version.empty()) j["version"] = version;
  return j;
}

std::string DumpJson(const ordered_json& j, int indent) {
  return j.dump(indent, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace);
}

std::unique_ptr<Reporter> MakeJsonReporter(ReportOptions options) {
  return std::make_unique<JsonReporter>(std::move(options), /*lines=*/false);
}

std::unique_ptr<Reporter> MakeJsonlReporter(ReportOptions options) {
  return std::make_unique<JsonReporter>(std::move(options), /*lines=*/true);
}

}  // namespace leakguard::report::internal
