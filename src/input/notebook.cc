#include "input/notebook.h"

#include <exception>
#include <nlohmann/json.hpp>

namespace leakguard::input {
namespace {

using nlohmann::json;

// A multiline string: nbformat stores it as a string or as a list of strings (lines with their
// own "\n"), which are concatenated.
std::string MultilineText(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  std::string out;
  if (j.is_array())
    for (const json& s : j)
      if (s.is_string()) out += s.get<std::string>();
  return out;
}

bool IsTextMime(std::string_view mime) {
  return mime.starts_with("text/") || mime == "application/json" ||
         mime == "application/javascript" || mime.ends_with("+json") || mime.ends_with("+xml") ||
         mime == "application/xml" || mime == "application/x-latex";
}

void AppendPart(std::string* out, std::string_view text) {
  if (text.empty()) return;
  if (!out->empty() && out->back() != '\n') *out += '\n';
  out->append(text);
}

// The text of one output (nbformat 4 and 3 shapes).
std::string OutputText(const json& output) {
  std::string out;
  if (!output.is_object()) return out;
  // stream (v4: "text"; v3: "text" too), v3 pyout/display_data keep text at the top level.
  if (auto it = output.find("text"); it != output.end()) AppendPart(&out, MultilineText(*it));
  if (auto data = output.find("data"); data != output.end() && data->is_object()) {
    for (auto it = data->begin(); it != data->end(); ++it) {
      if (!IsTextMime(it.key())) continue;
      if (it->is_string() || it->is_array())
        AppendPart(&out, MultilineText(*it));
      else if (it->is_object())
        AppendPart(&out, it->dump(1, ' ', false, json::error_handler_t::replace));
    }
  }
  for (const char* key : {"html", "latex", "json", "javascript", "svg"})  // nbformat 3
    if (auto it = output.find(key); it != output.end()) AppendPart(&out, MultilineText(*it));
  // error / pyerr
  std::string ename, evalue;
  if (auto it = output.find("ename"); it != output.end() && it->is_string()) ename = *it;
  if (auto it = output.find("evalue"); it != output.end() && it->is_string()) evalue = *it;
  if (!ename.empty() || !evalue.empty()) AppendPart(&out, ename + ": " + evalue);
  if (auto it = output.find("traceback"); it != output.end() && it->is_array())
    for (const json& line : *it)
      if (line.is_string()) AppendPart(&out, line.get<std::string>());
  return out;
}

}  // namespace

std::optional<std::vector<NotebookPart>> ParseNotebook(std::string_view text) {
  try {
    json nb = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (nb.is_discarded() || !nb.is_object()) return std::nullopt;
    const json* cells = nullptr;
    if (auto it = nb.find("cells"); it != nb.end() && it->is_array()) {
      cells = &*it;
    } else if (auto ws = nb.find("worksheets");
               ws != nb.end() && ws->is_array() && !ws->empty() && (*ws)[0].is_object()) {
      // nbformat 3: the cells of the first worksheet (the only one Jupyter ever wrote).
      if (auto c = (*ws)[0].find("cells"); c != (*ws)[0].end() && c->is_array()) cells = &*c;
    }
    if (!cells) return std::nullopt;
    std::vector<NotebookPart> parts;
    uint32_t n = 0;
    for (const json& cell : *cells) {
      ++n;
      if (!cell.is_object()) continue;
      NotebookPart source{n, 0, false, {}};
      if (auto it = cell.find("source"); it != cell.end())
        source.text = MultilineText(*it);
      else if (auto in = cell.find("input"); in != cell.end())  // nbformat 3 code cells
        source.text = MultilineText(*in);
      if (!source.text.empty()) parts.push_back(std::move(source));
      auto outputs = cell.find("outputs");
      if (outputs == cell.end() || !outputs->is_array()) continue;
      uint32_t k = 0;
      for (const json& output : *outputs) {
        ++k;
        NotebookPart part{n, k, false, OutputText(output)};
        if (!part.text.empty()) parts.push_back(std::move(part));
      }
    }
    if (auto meta = nb.find("metadata"); meta != nb.end() && meta->is_object() && !meta->empty()) {
      NotebookPart part{0, 0, true, meta->dump(1, ' ', false, json::error_handler_t::replace)};
      parts.push_back(std::move(part));
    }
    return parts;
  } catch (const std::exception&) {
    // nlohmann throws on type mismatches deep inside odd documents: not a notebook we can read.
    return std::nullopt;
  }
}

}  // namespace leakguard::input
