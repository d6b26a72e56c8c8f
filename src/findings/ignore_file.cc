#include "findings/ignore_file.h"

#include <fmt/core.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "base/log.h"

namespace leakguard::findings {
namespace {

bool IsHex(std::string_view s) {
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Status IgnoreList::AddFile(const std::string& path, bool optional) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (optional) return Status::Ok();
    return IoError(fmt::format("{}: cannot read ignore file", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  AddText(ss.str(), path);
  return Status::Ok();
}

void IgnoreList::AddText(std::string_view text, std::string_view origin) {
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
    pos = nl == text.npos ? text.size() : nl + 1;
    ++line_no;
    if (size_t hash = line.find('#'); hash != line.npos && (hash == 0 || line[hash - 1] == ' '))
      line = line.substr(0, hash);
    line = Trim(line);
    if (line.empty()) continue;
    if (line.find(':') == line.npos) {
      if (IsHex(line)) {
        std::string id(line);
        for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ids_.insert(std::move(id));
      } else {
        Warn("{}:{}: not a fingerprint, a secret id or path:rule:line; ignored", origin, line_no);
      }
      continue;
    }
    // gitleaks' form always ends in ":<rule>:<line>"; anything else could never match.
    size_t last = line.rfind(':');
    std::string_view line_field = line.substr(last + 1);
    if (last == line.find(':') || line_field.empty() ||
        line_field.find_first_not_of("0123456789") != line_field.npos) {
      Warn("{}:{}: not a fingerprint, a secret id or path:rule:line; ignored", origin, line_no);
      continue;
    }
    gitleaks_.insert(std::string(line));
  }
}

bool IgnoreList::Suppresses(const Finding& f) const {
  if (ids_.contains(f.fingerprint) || ids_.contains(f.secret_id)) return true;
  if (gitleaks_.empty()) return false;
  for (const std::string* path : {&f.rel_path, &f.file}) {
    std::string key = fmt::format("{}:{}:{}", *path, f.rule_id, f.line);
    if (!f.commit.empty()) key = f.commit + ":" + key;
    if (gitleaks_.contains(key)) return true;
  }
  return false;
}

}  // namespace leakguard::findings
