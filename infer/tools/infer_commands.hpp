// The `tessera infer` subcommands defined outside infer_command.cpp, which registers them:
// weights_command.cpp, and sparse_mlp_command.cpp with oneDNN (no_onednn_commands.cpp without).
#pragma once

#include <CLI/CLI.hpp>

namespace tessera::infer {

/// `tessera infer export-weights` and `import-weights`: Gemm weights out to prune, back pruned.
void add_weights_commands(CLI::App& parent);

/// `tessera infer sparse-mlp`: the Fashion-MNIST MLP trained, pruned tile-wise, exported to ONNX
/// and run by plans, the pruned one against the dense one.
void add_sparse_mlp(CLI::App& parent);

}  // namespace tessera::infer
