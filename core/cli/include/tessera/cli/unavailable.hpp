// Commands that a build without oneDNN (TESSERA_WITH_ONEDNN=OFF) lacks still exist there: they
// take any arguments and fail saying what the build lacks and how to get it, so that scripts and
// `--help` read the same on every build.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace tessera::cli {

/// Subcommand `name` of `parent` (whose own name is `subsystem`, e.g. "tilewise"): described as
/// `description` plus "(needs oneDNN)", failing with exit code 1 and a message naming
/// "<subsystem> <name>", the missing oneDNN and its Debian packages.
void add_needs_onednn(CLI::App& parent, const std::string& subsystem, const std::string& name,
                      const std::string& description);

}  // namespace tessera::cli
