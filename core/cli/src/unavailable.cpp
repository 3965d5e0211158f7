// Stand-ins for the commands a build without oneDNN lacks.
#include "tessera/cli/unavailable.hpp"

#include "tessera/core/error.hpp"

namespace tessera::cli {

void add_needs_onednn(CLI::App& parent, const std::string& subsystem, const std::string& name,
                      const std::string& description) {
  CLI::App* command = parent.add_subcommand(name, description + " (needs oneDNN)");
  command->allow_extras();
  command->fallthrough(false);  // keep the extras here rather than pass them up as unknown options
  command->footer(
      "This build has no oneDNN: install libdnnl-dev ocl-icd-opencl-dev and reconfigure.");
  command->callback([what = subsystem + " " + name] {
    throw Error(what,
                "needs oneDNN, which this build lacks (TESSERA_WITH_ONEDNN is OFF): install "
                "libdnnl-dev ocl-icd-opencl-dev and reconfigure");
  });
}

}  // namespace tessera::cli
