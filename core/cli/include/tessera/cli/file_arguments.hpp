// Checks of a command's file arguments before it starts work: an output must not be the same file
// as an input (it would be replaced before, or while, it is read) or as another output.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace tessera::cli {

/// A file argument of a command: its flag and the path given ("-z", "field.tsz").
struct FileArgument {
  std::string_view flag;  // empty for a positional argument
  std::string path;  // empty when not given; "-" is standard input or output, never checked here
};

/// Throws a usage error (exit code 2) naming the output's flag when an output is the same file
/// (tessera::same_file) as an input, or as an output before it.
void refuse_overlapping_files(std::span<const FileArgument> inputs,
                              std::span<const FileArgument> outputs);

}  // namespace tessera::cli
