// The CLI's commands: each registers its flags on a CLI11 app and runs with parsed options.
// Wiring only: the work is done by the library modules.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace leakguard::cli {

// Exit codes shared by every command.
inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

// Each Register* adds a subcommand and returns the function that runs it after parsing.
std::function<int()> RegisterScan(CLI::App& app);
std::function<int()> RegisterRules(CLI::App& app);
std::function<int()> RegisterGit(CLI::App& app);
std::function<int()> RegisterHook(CLI::App& app);
std::function<int()> RegisterAudit(CLI::App& app);
std::function<int()> RegisterRedact(CLI::App& app);

}  // namespace leakguard::cli
