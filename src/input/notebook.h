// Jupyter notebooks (.ipynb): the text a person would read, cell by cell.
//
// A notebook is JSON; a secret in it is stored with JSON escapes (`\"`, `\n`) that hide it from
// rules written for source code, and a line of the file is not a line of the cell. So a notebook
// is parsed and each part is scanned on its own: every cell's source (code, markdown, raw), every
// output of a code cell that is text (stream output, `text/*`, JSON and JavaScript data, error
// name, value and traceback; images and other binary data are left out), and the notebook-level
// metadata (re-serialised, where widget state may hold typed-in values). Findings then report the
// cell (1-based, in file order) and the line within the cell or output.
// nbformat 4 and the older nbformat 3 (worksheets, `input`, `pyout`) are understood.
//
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakguard::input {

struct NotebookPart {
  uint32_t cell = 0;      // 1-based; 0 for the notebook metadata
  uint32_t output = 0;    // 1-based output of the cell; 0 for its source
  bool metadata = false;  // the notebook-level metadata
  std::string text;
};

// The parts of notebook `json`, empty ones left out; nullopt when `json` is not a notebook (not
// JSON, or no cells), in which case the caller scans it as a plain file.
std::optional<std::vector<NotebookPart>> ParseNotebook(std::string_view json);

}  // namespace leakguard::input
