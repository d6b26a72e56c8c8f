// leakguard_rules_gen OUT.cc: loads the embedded rules/default.toml with the loader and writes
// the C++ tables DefaultRules() decodes at run time (rules_table.h). A build tool: the output is
// rewritten only when it changes. Any loader error or warning fails the build.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "rules/loader.h"
#include "rules/rules_table.h"

namespace leakguard::rules {

// The loader's `[extend] useDefault` needs the built-in set, which is what this tool makes.
const RuleSet& DefaultRules() {
  std::fprintf(stderr, "leakguard_rules_gen: rules/default.toml must not extend the defaults\n");
  std::exit(1);
}

}  // namespace leakguard::rules

int main(int argc, char** argv) {
  using namespace leakguard::rules;
  if (argc != 2) {
    std::fprintf(stderr, "usage: leakguard_rules_gen OUT.cc\n");
    return 2;
  }
  auto set = LoadDefaultRulesToml();
  if (!set) {
    std::fprintf(stderr, "leakguard_rules_gen: rules/default.toml: %s\n",
                 set.error().message().c_str());
    return 1;
  }
  const std::string source = WriteRulesTableSource(*set, "BuiltInRulesTable", "rules/default.toml");
  std::ifstream old(argv[1], std::ios::binary);
  std::stringstream have;
  have << old.rdbuf();
  if (old && have.str() == source) return 0;
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << source;
  out.close();
  if (!out) {
    std::fprintf(stderr, "leakguard_rules_gen: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
