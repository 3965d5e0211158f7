// Same-file checks between the inputs and outputs of a command (device and inode, links followed).
#include "tessera/cli/file_arguments.hpp"

#include <fmt/format.h>

#include <string>

#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::cli {
namespace {

bool checked(const FileArgument& a) { return !a.path.empty() && a.path != "-"; }

}  // namespace

void refuse_overlapping_files(std::span<const FileArgument> inputs,
                              std::span<const FileArgument> outputs) {
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    const FileArgument& output = outputs[o];
    if (!checked(output)) continue;
    const auto clash = [&](const FileArgument& other, std::string_view role) {
      if (checked(other) && same_file(output.path, other.path)) {
        const std::string named =
            other.flag.empty() ? other.path : fmt::format("{} {}", other.flag, other.path);
        throw usage_error(output.flag, fmt::format("{} is the same file as the {} {}: choose "
                                                   "another output",
                                                   output.path, role, named));
      }
    };
    for (const FileArgument& input : inputs) clash(input, "input");
    for (std::size_t p = 0; p < o; ++p) clash(outputs[p], "output");
  }
}

}  // namespace tessera::cli
