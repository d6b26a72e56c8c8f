# Generates a .cc holding rules/default.toml as a string literal. Invoked with -DIN= -DOUT=.
file(READ "${IN}" content)
string(LENGTH "${content}" len)
set(chunks "")
# Split into raw-string chunks (compilers cap single literal sizes on some platforms).
set(pos 0)
while(pos LESS len)
  string(SUBSTRING "${content}" ${pos} 16000 chunk)
  string(APPEND chunks "R\"LGRULES(${chunk})LGRULES\"\n")
  math(EXPR pos "${pos} + 16000")
endwhile()
file(WRITE "${OUT}.tmp" "// Generated from rules/default.toml. Do not edit.\n#include <string_view>\nnamespace leakguard::rules {\nstd::string_view DefaultRulesToml() {\n  static const char kText[] =\n${chunks};\n  return std::string_view(kText, sizeof(kText) - 1);\n}\n}  // namespace leakguard::rules\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
