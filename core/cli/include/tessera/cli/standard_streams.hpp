// Standard input and output as data streams of the commands: "-" for -i, -z and -o (DESIGN.md).
// Output to "-" goes through tessera::OutputFile (file_io.hpp), which writes it to stdout.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tessera::cli {

/// Whether a path option names standard input or output ("-").
inline bool is_standard_stream(const std::string& path) { return path == "-"; }

/// Everything on standard input; tessera::Error naming "stdin" if reading fails.
std::vector<std::byte> read_standard_input();

}  // namespace tessera::cli
