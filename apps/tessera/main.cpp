// `tessera <subsystem> <command> ...`: the one program; subsystems add their commands themselves.
#include <iostream>

#include "build_info.hpp"
#include "tessera/cli/cli.hpp"

int main(int argc, char** argv) {
  const auto& build = tessera::app::build_info();
  const tessera::cli::ProgramInfo program{
      "tessera",
      "tessera: co-designed kernels and systems (tile-wise sparsity, ONNX inference, scientific\n"
      "compression, programmable matter, recommendation training, sparse formats)",
      "tessera " + std::string(build.version) + " (" + std::string(build.git_revision) + ", " +
          std::string(build.build_type) + ")",
      "Examples:\n"
      "  tessera doctor                  what this machine and build support\n"
      "  tessera doctor --json           the same, machine-readable\n"
      "  tessera <command> --help        options and examples of one command\n"
      "  tessera --threads 2 <command>   limit parallel work to two threads"};
  return tessera::cli::run(argc, argv, program, tessera::cli::registered_commands(), std::cout,
                           std::cerr);
}
