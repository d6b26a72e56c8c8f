// JSON and JSON Lines reporters.
//
// Keys come out in a fixed order (ordered_json) so reports diff cleanly between runs. Scanned
// text is arbitrary bytes, so strings may hold invalid UTF-8; nlohmann throws on those by default,
// which would lose the whole report, so every dump replaces bad bytes with U+FFFD instead.
#include <fmt/format.h>

#include <exception>
#include <ostream>
#include <string>
#include <type_traits>
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
      out << FindingsJson(all, lines_ ? nullptr : &summary, options_.tool_version);
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

// The fields of a finding, in report order, each present under the condition the format sets:
// one list for both writers below (the nlohmann object, and the direct writer reports use).
template <class Out>
void VisitFinding(const findings::Finding& f, Out& o) {
  o.Field("rule_id", f.rule_id);
  o.Field("description", f.description);
  o.Field("file", f.file);
  o.Field("line", f.line);
  o.Field("column", f.column);
  o.Field("end_line", f.end_line);
  o.Field("end_column", f.end_column);
  o.Field("secret", f.secret);
  o.Field("match", f.match);
  o.Field("entropy", f.entropy);
  if (!f.confidence.empty()) o.Field("confidence", f.confidence);
  if (!f.validation.empty()) o.Field("validation", f.validation);
  o.Field("fingerprint", f.fingerprint);
  o.Field("secret_id", f.secret_id);
  o.Field("tags", f.tags);
  if (!f.decoded.empty()) o.Field("decoded", f.decoded);
  if (!f.archive_chain.empty()) o.Field("archive_chain", f.archive_chain);
  if (f.cell > 0) {
    o.Field("cell", f.cell);
    o.Field("cell_output", f.cell_output);
  }
  if (f.notebook_metadata) o.Field("notebook_metadata", true);
  if (!f.image.empty()) {
    o.Field("image", f.image);
    if (!f.layer.empty()) o.Field("layer", f.layer);
    if (!f.layer_path.empty()) o.Field("layer_path", f.layer_path);
    if (f.in_final_image) o.Field("in_final_image", *f.in_final_image);
  }
  if (!f.commit.empty()) {
    o.Field("commit", f.commit);
    o.Field("author", f.author);
    o.Field("email", f.email);
    o.Field("date", f.date);
    o.Field("message", f.message);
  }
  if (!f.blob.empty()) o.Field("blob", f.blob);
  if (f.unreachable) o.Field("unreachable", true);
  if (!f.dropped_by.empty()) {
    o.Field("dropped_by", f.dropped_by);
    o.Field("drop_detail", f.drop_detail);
  }
}

struct ObjectBuilder {
  ordered_json& j;
  template <class T>
  void Field(const char* key, const T& value) {
    j[key] = value;
  }
};

// Writes JSON text straight into a string, byte for byte as nlohmann's dump (`indent` < 0:
// compact) would write the same values: building an nlohmann object per finding cost ~5 us a
// finding (bench/report_bench), more than the rest of a small scan's reporting.
class JsonWriter {
 public:
  JsonWriter(std::string* out, int indent) : out_(out), indent_(indent) {}

  void Open(char bracket) {
    out_->push_back(bracket);
    ++level_;
    first_ = true;
  }
  void Close(char bracket) {
    --level_;
    if (!first_) Newline();  // an empty container is "{}" / "[]"
    out_->push_back(bracket);
    first_ = false;
  }
  // Starts an array element.
  void Element() {
    if (!first_) out_->push_back(',');
    Newline();
    first_ = false;
  }
  void Key(std::string_view key) {
    Element();
    AppendJsonString(out_, key);
    *out_ += indent_ >= 0 ? ": " : ":";
  }
  // Text that is already JSON at this level (its own lines carry their relative indentation;
  // compact text has none).
  void Raw(std::string_view json) {
    if (indent_ < 0) {
      *out_ += json;
      return;
    }
    for (char c : json) {
      out_->push_back(c);
      if (c == '\n') out_->append(static_cast<size_t>(level_ * indent_), ' ');
    }
  }

  void Value(std::string_view s) { AppendJsonString(out_, s); }
  void Value(bool b) { *out_ += b ? "true" : "false"; }
  void Value(double d) { *out_ += ordered_json(d).dump(); }  // nlohmann's own float format
  template <class T>
  requires std::is_unsigned_v<T>
  void Value(T n) { *out_ += fmt::format_int(n).str(); }
  void Value(const std::vector<std::string>& list) {
    Open('[');
    for (const std::string& s : list) {
      Element();
      Value(s);
    }
    Close(']');
  }

  template <class T>
  void Field(const char* key, const T& value) {
    Key(key);
    Value(value);
  }

 private:
  void Newline() {
    if (indent_ < 0) return;
    out_->push_back('\n');
    out_->append(static_cast<size_t>(level_ * indent_), ' ');
  }

  std::string* out_;
  int indent_;
  int level_ = 0;
  bool first_ = true;  // nothing written yet in the innermost open container
};

void WriteFinding(JsonWriter& w, const findings::Finding& f) {
  w.Open('{');
  VisitFinding(f, w);
  w.Close('}');
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  // Printable ASCII other than the quote and the backslash is written as it is; anything else
  // (escapes, UTF-8, invalid bytes replaced by U+FFFD) goes through nlohmann, so the rules for
  // those stay exactly its own.
  bool plain = true;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || u == '"' || u == '\\') {
      plain = false;
      break;
    }
  }
  if (!plain) {
    *out += DumpJson(ordered_json(std::string(s)), -1);
    return;
  }
  out->push_back('"');
  out->append(s);
  out->push_back('"');
}

std::string FindingsJson(const std::vector<findings::Finding>& all, const Summary* summary,
                         std::string_view version) {
  std::string out;
  out.reserve(all.size() * 640 + 512);
  if (!summary) {  // JSON Lines: one compact object per line
    for (const findings::Finding& f : all) {
      JsonWriter w(&out, -1);
      WriteFinding(w, f);
      out += '\n';
    }
    return out;
  }
  JsonWriter w(&out, 2);
  w.Open('{');
  w.Key("findings");
  w.Open('[');
  for (const findings::Finding& f : all) {
    w.Element();
    WriteFinding(w, f);
  }
  w.Close(']');
  w.Key("summary");
  w.Raw(DumpJson(SummaryToJson(*summary, version), 2));
  w.Close('}');
  out += '\n';
  return out;
}

ordered_json FindingToJson(const findings::Finding& f) {
  ordered_json j = ordered_json::object();
  ObjectBuilder b{j};
  VisitFinding(f, b);
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
