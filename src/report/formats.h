// Internal to the report module: one factory per format, and the helpers two formats share.
//
// Not part of the module's contract; only src/report/*.cc and report_test.cc include this file.
// Everything here is stateless and thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "findings/finding.h"
#include "report/reporter.h"

namespace leakguard::report::internal {

std::unique_ptr<Reporter> MakeTextReporter(ReportOptions options);
std::unique_ptr<Reporter> MakeJsonReporter(ReportOptions options);
std::unique_ptr<Reporter> MakeJsonlReporter(ReportOptions options);
std::unique_ptr<Reporter> MakeSarifReporter(ReportOptions options);
std::unique_ptr<Reporter> MakeCsvReporter(ReportOptions options);

// ---- json.cc (also used by sarif.cc) ----

// A finding as a JSON object with a stable key order: rule_id, description, file, line, column,
// end_line, end_column, secret, match, entropy, fingerprint, secret_id, tags; then decoded (the
// chain of encodings, outermost first) for a secret found inside encoded text; then archive_chain
// inside archives; cell, cell_output (0 = the cell's source) inside notebook cells,
// notebook_metadata in notebook metadata; image, layer, layer_path, in_final_image inside image
// tarballs; then commit, author, email, date, message when `commit` is set; then dropped_by,
// drop_detail when `dropped_by` is set.
// The json and jsonl reports do not build these objects: they write the same text directly
// (FindingsJson). Both follow one field list (json.cc VisitFinding); tests hold the direct text
// equal to DumpJson of these objects.
nlohmann::ordered_json FindingToJson(const findings::Finding& f);

// The json report (`summary` set: {"findings": [...], "summary": {...}}, indented by 2, then a
// newline) or the jsonl one (`summary` null: one compact finding object per line), written
// directly, byte for byte what DumpJson would make of FindingToJson's objects.
std::string FindingsJson(const std::vector<findings::Finding>& all, const Summary* summary,
                         std::string_view version);

// Appends `s` as a JSON string, as DumpJson writes strings.
void AppendJsonString(std::string* out, std::string_view s);

// {files_scanned, bytes_scanned, findings, skipped{binary, too_large, unreadable, other},
//  suppressed[, archives{opened, members, duplicate_members, incomplete, encrypted}], seconds,
//  rules[, version]}; `archives` only when archives or notebooks were met, `version` only when
//  non-empty.
nlohmann::ordered_json SummaryToJson(const Summary& s, std::string_view version);

// Serialises `j`; invalid UTF-8 in any string becomes U+FFFD instead of throwing, so hostile file
// names or binary matches cannot break the document. `indent` < 0 gives the compact form.
std::string DumpJson(const nlohmann::ordered_json& j, int indent);

// Where a finding inside an archive or a notebook is, for formats whose location is a file of
// the scanned tree (SARIF): "in dist/pkg.whl!pkg/settings.py, line 3", "in nb.ipynb, cell 2,
// output 1, line 4"; empty for plain files.
std::string ContainerLocationText(const findings::Finding& f);

// The scanned-tree path of the file holding `f`: rel_path, or for an archive member the
// top-level archive's rel_path.
std::string TopLevelRelPath(const findings::Finding& f);

// ---- text.cc (exposed for tests) ----

// `s` made safe for a terminal: C0 controls, DEL, C1 controls, bidi overrides and invalid UTF-8
// bytes are written as visible escapes (\n, \x1b, \u{202e}, \xff). Printable text (including
// valid non-ASCII UTF-8) is kept as is.
std::string EscapeForTerminal(std::string_view s);

// ---- csv.cc (exposed for tests) ----

// One CSV field per RFC 4180, with the formula-injection guard: a value starting with = + - @
// tab or CR gets a leading single quote.
std::string CsvField(std::string_view value);

// ---- sarif.cc (exposed for tests) ----

// A relative path as a URI reference: '\' becomes '/', a leading "./" is dropped, and every byte
// other than RFC 3986 unreserved characters and '/' is percent-encoded.
std::string PathToUri(std::string_view path);

}  // namespace leakguard::report::internal
