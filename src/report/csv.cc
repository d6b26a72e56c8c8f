// CSV reporter: RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote, CR or LF,
// quotes doubled), one header row, one row per finding.
//
// Spreadsheets evaluate a cell that starts with = + - @ (and, in some, tab or CR) as a formula,
// and the cells here hold text from scanned files and commit metadata, so such a value is
// prefixed with a single quote (the OWASP "CSV injection" advice). Inside archives `file` holds
// the member chain joined with '!'; notebook cells and image layers have their own columns
// (cell_output 0 = the cell's source; in_final_image true/false/empty); `decoded` holds the chain
// of encodings (outermost first, ';'-separated) of a secret found inside encoded text, else
// nothing. In --explain mode two extra columns, dropped_by and drop_detail, are appended.
#include <fmt/format.h>

#include <ostream>
#include <string>
#include <utility>

#include "report/formats.h"

namespace leakguard::report::internal {
namespace {

constexpr std::string_view kHeader =
    "rule_id,description,file,line,column,end_line,end_column,secret,match,entropy,fingerprint,"
    "tags,commit,author,email,date,message,cell,cell_output,image,layer,layer_path,in_final_image,"
    "confidence,validation,decoded";
constexpr std::string_view kEol = "\r\n";

class CsvReporter final : public Reporter {
 public:
  explicit CsvReporter(ReportOptions options) : options_(std::move(options)) {}

  Status Write(const std::vector<findings::Finding>& all, const Summary& /*summary*/,
               std::ostream& out) override {
    std::string buf(kHeader);
    if (options_.explain) buf += ",dropped_by,drop_detail";
    buf += kEol;
    for (const findings::Finding& f : all) {
      std::string tags;
      for (const std::string& t : f.tags) {
        if (!tags.empty()) tags += ';';
        tags += t;
      }
      std::string decoded;
      for (const std::string& e : f.decoded) decoded += (decoded.empty() ? "" : ";") + e;
      const std::string fields[] = {
          CsvField(f.rule_id),
          CsvField(f.description),
          CsvField(f.file),
          fmt::to_string(f.line),
          fmt::to_string(f.column),
          fmt::to_string(f.end_line),
          fmt::to_string(f.end_column),
          CsvField(f.secret),
          CsvField(f.match),
          fmt::format("{:.2f}", f.entropy),
          CsvField(f.fingerprint),
          CsvField(tags),
          CsvField(f.commit),
          CsvField(f.author),
          CsvField(f.email),
          CsvField(f.date),
          CsvField(f.message),
          f.cell > 0 ? fmt::to_string(f.cell) : (f.notebook_metadata ? "metadata" : ""),
          f.cell > 0 ? fmt::to_string(f.cell_output) : "",
          CsvField(f.image),
          CsvField(f.layer),
          CsvField(f.layer_path),
          f.in_final_image ? (*f.in_final_image ? "true" : "false") : "",
          CsvField(f.confidence),
          CsvField(f.validation),
          CsvField(decoded),
      };
      for (size_t i = 0; i < std::size(fields); ++i) {
        if (i > 0) buf += ',';
        buf += fields[i];
      }
      if (options_.explain) {
        buf += ',';
        buf += CsvField(f.dropped_by);
        buf += ',';
        buf += CsvField(f.drop_detail);
      }
      buf += kEol;
    }
    out << buf;
    out.flush();
    if (!out) return IoError("writing csv report failed");
    return Status::Ok();
  }

 private:
  ReportOptions options_;
};

}  // namespace

std::string CsvField(std::string_view value) {
  std::string v;
  v.reserve(value.size() + 3);
  // A lone "-" (standard input's name) cannot be a formula.
  if (!value.empty() && value != "-") {
    switch (value.front()) {
      case '=':
      case '+':
      case '-':
      case '@':
      case '\t':
      case '\r':
        v += '\'';
        break;
      default:
        break;
    }
  }
  v.append(value);
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char c : v) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::unique_ptr<Reporter> MakeCsvReporter(ReportOptions options) {
  return std::make_unique<CsvReporter>(std::move(options));
}

}  // namespace leakguard::report::internal
