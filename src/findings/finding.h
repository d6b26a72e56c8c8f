// Findings: a confirmed secret at a location, as reporters and ignore files see it.
//
// A `Finding` is built from a match::Candidate plus where the blob was found. Its `secret`,
// `match` and `line_text` hold the raw text until `Redact` is applied; the scan pipeline redacts
// every finding before it reaches a reporter (unless --no-redact), so reporters print what they
// are given and never need to think about secrets.
//
// Identity: `secret_id` = hash(rule, secret) — the same secret under the same rule anywhere;
// `fingerprint` = hash(rule, secret, path[, commit]) — that secret at that path, stable across
// runs and machines (the path is relative to the scan root) and across edits that move lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "redact/redact.h"

namespace leakguard::findings {

struct Finding {
  std::string rule_id;
  std::string description;
  std::vector<std::string> tags;

  std::string file;      // path for display: as the user named it, joined with the relative path
  std::string rel_path;  // relative to the scan root, '/' separators ("-" for stdin)
  // 1-based; columns count UTF-8 characters; end_column is the column of the last character.
  size_t line = 0, column = 0, end_line = 0, end_column = 0;
  size_t offset = 0, end_offset = 0;  // byte offsets of the secret in the blob

  std::string secret;
  std::string match;
  std::string line_text;  // the line(s) holding the match, clipped
  double entropy = 0;
  bool redacted = false;
  // "high" (a checksum or structure verified offline), "medium" (a specific format), "low"
  // (generic and entropy rules); `validation`: what the rule's offline check found, if it has one.
  std::string confidence;
  std::string validation;

  std::string secret_id;
  std::string fingerprint;

  // Found inside encoded text (--decode-depth): the encodings undone to reach the secret,
  // outermost first ("base64", "base64url", "hex", "percent", "escape"). The location (line,
  // column, offsets, line_text) is then the encoded span in the blob, `secret` and `match` are the
  // decoded texts, and `encoded` is the encoded span itself (masked in line_text by Redact; used
  // by git to find the secret in older versions of the file). Both empty for a raw finding.
  std::vector<std::string> decoded;
  std::string encoded;

  // Git provenance (empty outside `leakguard git`): the commit that introduced the blob at this
  // path, its author, e-mail, author date (ISO 8601) and summary line; the blob's id; whether
  // the commit or blob is reachable from no ref (found by --all-objects).
  std::string commit, author, email, date, message;
  std::string blob;
  bool unreachable = false;

  // Inside archives: the top-level input, then each member name, outermost first (`file` is the
  // same chain joined with '!'); `line`/`column` are within the innermost member. Empty outside.
  std::vector<std::string> archive_chain;
  // Inside a container image tarball (input/image.h): image name(s), layer digest, path in the
  // layer, and whether that file is still in the final image (unset for image metadata).
  std::string image, layer, layer_path;
  std::optional<bool> in_final_image;
  // Inside a notebook: the cell (1-based) and output (1-based; 0 = the cell's source); `line` and
  // `column` are within that part. `notebook_metadata`: in the notebook-level metadata.
  uint32_t cell = 0, cell_output = 0;
  bool notebook_metadata = false;

  // --explain: the filter that dropped this candidate (empty when reported).
  std::string dropped_by;
  std::string drop_detail;
};

// Fills secret_id and fingerprint from rule_id, secret, rel_path and commit (and the `decoded`
// chain: a decoded finding's fingerprint differs from a raw finding of the same secret).
void ComputeIds(Finding* f);

// Masks secret, match and line_text (and the encoded span, in line_text and `encoded`) in place.
void Redact(Finding* f, const redact::MaskPolicy& policy);

// Orders findings for output: by file, line, column, rule.
void SortFindings(std::vector<Finding>* findings);

// Converts byte offsets in `blob` to 1-based line and character columns. Offsets must be fed in
// non-decreasing order for linear total cost; going backwards restarts from the blob's start.
class LineCounter {
 public:
  explicit LineCounter(ByteView blob) : blob_(blob) {}
  void Locate(size_t offset, size_t* line, size_t* column);
  // Sets f's line and column from `start`, and its end_line and end_column (the last character)
  // from the bytes of [start, end), which need not be sorted like the starts.
  void LocateSpan(size_t start, size_t end, Finding* f);

 private:
  ByteView blob_;
  size_t pos_ = 0, line_ = 1, line_start_ = 0, col_ = 1;
};

}  // namespace leakguard::findings
