// Command-line plumbing for `tessera <subsystem> <command>`: subsystems register their top-level
// command from a static Registrar in their tools/ sources (no central list), and run() parses,
// dispatches and maps failures to the exit codes of error.hpp, with "did you mean" help on typos.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::cli {

/// Fills in one top-level command: options, callback, or subcommands of a subsystem.
/// Callbacks report failures by throwing tessera::Error.
using Setup = std::function<void(CLI::App& command)>;

struct CommandInfo {
  std::string name;         // e.g. "compress"
  std::string description;  // one line for `tessera --help`
  Setup setup;
};

/// Commands registered so far, in registration order (a registry built before main runs).
const std::vector<CommandInfo>& registered_commands();

/// Registers a top-level command when constructed; define one at namespace scope in a tools/ file.
struct Registrar {
  Registrar(std::string name, std::string description, Setup setup);
};

struct ProgramInfo {
  std::string name;         // "tessera"
  std::string description;  // first line of --help
  std::string version;      // printed by --version
  std::string footer;       // worked examples at the end of --help
};

/// Parses the command line, runs the chosen command and returns the process exit code:
/// 0 success (also --help, --version), 1 runtime failure, 2 usage error, 3 verification failed.
/// Help goes to `out`; errors go to `err` as "<program>: <input>: <problem>". First installs the
/// signal handlers of remove_temp_files_on_signals() and lowers an OMP_NUM_THREADS above
/// kMaxThreads to it, with a warning.
int run(int argc, const char* const* argv, const ProgramInfo& program,
        const std::vector<CommandInfo>& commands, std::ostream& out, std::ostream& err);

/// The candidate closest to `word` by edit distance when it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

}  // namespace tessera::cli
