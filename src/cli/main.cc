// leakguard: find secrets before attackers do.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace leakguard::cli;
  CLI::App app{
      "leakguard: finds leaked secrets (API keys, tokens, passwords, private keys)\n"
      "in files, directories, standard input and git history."};
  app.name("leakguard");
  app.set_version_flag("--version", std::string("leakguard ") + LEAKGUARD_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  std::vector<std::pair<CLI::App*, std::function<int()>>> commands;
  auto add = [&](std::function<int()> run) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(run));
  };

  add(RegisterScan(app));
  add(RegisterGit(app));
  add(RegisterHook(app));
  add(RegisterRules(app));
  add(RegisterAudit(app));
  add(RegisterRedact(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }
  for (auto& [sub, run] : commands)
    if (sub->parsed()) return run();
  return kExitError;
}
