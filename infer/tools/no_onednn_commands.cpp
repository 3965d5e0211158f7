// Stands in for sparse_mlp_command.cpp in builds without oneDNN (TESSERA_WITH_ONEDNN=OFF), whose
// training needs it: `tessera infer sparse-mlp` exists and says what the build lacks.
#include "infer_commands.hpp"
#include "tessera/cli/unavailable.hpp"

namespace tessera::infer {

void add_sparse_mlp(CLI::App& parent) {
  cli::add_needs_onednn(parent, "infer", "sparse-mlp",
                        "Train the Fashion-MNIST MLP, prune it tile-wise, export both models to "
                        "ONNX and run the pruned one's plan against the dense one's");
}

}  // namespace tessera::infer
