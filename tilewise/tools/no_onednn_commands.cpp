// Stands in for study_command.cpp and bench_command.cpp in builds without oneDNN
// (TESSERA_WITH_ONEDNN=OFF): `tessera tilewise study` and `bench` exist, take any arguments, and
// fail saying what the build lacks and how to get it.
#include <string>

#include "tessera/core/error.hpp"
#include "tilewise_commands.hpp"

namespace tessera::tilewise {
namespace {

void add_unavailable(CLI::App& parent, const std::string& name, const std::string& description) {
  CLI::App* command = parent.add_subcommand(name, description + " (needs oneDNN)");
  command->allow_extras();
  command->fallthrough(false);  // keep the extras here rather than pass them up as unknown options
  command->footer(
      "This build has no oneDNN: install libdnnl-dev ocl-icd-opencl-dev and "
      "reconfigure.");
  command->callback([name] {
    throw Error("tilewise " + name,
                "needs oneDNN, which this build lacks (TESSERA_WITH_ONEDNN is OFF): install "
                "libdnnl-dev ocl-icd-opencl-dev and reconfigure");
  });
}

}  // namespace

void add_study(CLI::App& parent) {
  add_unavailable(parent, "study",
                  "Accuracy of each pattern on Fashion-MNIST, and the TW model's inference speed");
}

void add_bench(CLI::App& parent) {
  add_unavailable(parent, "bench",
                  "Time TW-GEMM against oneDNN's dense sgemm over a sweep of shapes and "
                  "sparsities");
}

}  // namespace tessera::tilewise
