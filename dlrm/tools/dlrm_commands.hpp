// The subcommands of `tessera dlrm` that live in their own files, added by dlrm_command.cpp's
// registrar.
#pragma once

#include <CLI/CLI.hpp>

namespace tessera::dlrm {

/// `tessera dlrm plan`: the sharding planner (plan_command.cpp).
void add_plan(CLI::App& parent);
/// `tessera dlrm bench`: training throughput on synthetic batches (bench_command.cpp).
void add_bench(CLI::App& parent);

}  // namespace tessera::dlrm
