// The `tessera tilewise` subcommands defined outside tilewise_command.cpp, which registers them:
// study_command.cpp and bench_command.cpp with oneDNN, no_onednn_commands.cpp without it.
#pragma once

#include <CLI/CLI.hpp>

namespace tessera::tilewise {

/// `tessera tilewise study`: accuracy of the patterns on Fashion-MNIST, speed of the TW model.
void add_study(CLI::App& parent);

/// `tessera tilewise bench`: TW-GEMM against oneDNN over a sweep of cases.
void add_bench(CLI::App& parent);

}  // namespace tessera::tilewise
