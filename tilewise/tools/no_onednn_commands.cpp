// Stands in for study_command.cpp and bench_command.cpp in builds without oneDNN
// (TESSERA_WITH_ONEDNN=OFF): `tessera tilewise study` and `bench` exist, take any arguments, and
// fail saying what the build lacks and how to get it.
#include "tessera/cli/unavailable.hpp"
#include "tilewise_commands.hpp"

namespace tessera::tilewise {

void add_study(CLI::App& parent) {
  cli::add_needs_onednn(
      parent, "tilewise", "study",
      "Accuracy of each pattern on Fashion-MNIST, and the TW model's inference speed");
}

void add_bench(CLI::App& parent) {
  cli::add_needs_onednn(parent, "tilewise", "bench",
                        "Time TW-GEMM against oneDNN's dense sgemm over a sweep of shapes and "
                        "sparsities");
}

}  // namespace tessera::tilewise
