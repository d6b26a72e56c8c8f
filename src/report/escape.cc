#include "report/escape.h"

#include "report/formats.h"

namespace leakguard::report {

std::string EscapeForTerminal(std::string_view s) { return internal::EscapeForTerminal(s); }

std::string PathToUri(std::string_view path) { return internal::PathToUri(path); }

}  // namespace leakguard::report
