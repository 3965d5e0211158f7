// The `tessera tilewise` subcommands defined outside tilewise_command.cpp, which registers them.
#pragma once

#include <CLI/CLI.hpp>

namespace tessera::tilewise {

/// `tessera tilewise bench`: TW-GEMM against oneDNN over a sweep of cases.
void add_bench(CLI::App& parent);

}  // namespace tessera::tilewise
