#include "rules/toml_fields.h"

#include <fmt/core.h>

namespace leakguard::rules {

std::string TomlWhere(std::string_view file, const toml::node& n) {
  return fmt::format("{}:{}", file, n.source().begin.line);
}

Status ReadTomlString(std::string_view file, const toml::table& t, std::string_view key,
                      std::string* out, std::string_view what) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  if (!n->is_string())
    return ParseError(fmt::format("{}: {}: '{}' must be a string", TomlWhere(file, *n), what, key));
  *out = n->as_string()->get();
  return Status::Ok();
}

Status ReadTomlStrings(std::string_view file, const toml::table& t, std::string_view key,
                       std::vector<std::string>* out, std::string_view what, bool single_ok) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  if (single_ok && n->is_string()) {
    out->push_back(n->as_string()->get());
    return Status::Ok();
  }
  const toml::array* a = n->as_array();
  if (!a)
    return ParseError(
        fmt::format("{}: {}: '{}' must be an array of strings", TomlWhere(file, *n), what, key));
  for (const toml::node& e : *a) {
    if (!e.is_string())
      return ParseError(
          fmt::format("{}: {}: '{}' must be an array of strings", TomlWhere(file, e), what, key));
    out->push_back(e.as_string()->get());
  }
  return Status::Ok();
}

}  // namespace leakguard::rules
