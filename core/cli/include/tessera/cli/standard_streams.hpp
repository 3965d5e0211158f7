// Standard input and output as data streams of the commands: "-" for -i, -z and -o (DESIGN.md).
// Output goes out only once it is complete, so a failure leaves nothing on stdout.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tessera::cli {

/// Whether a path option names standard input or output ("-").
inline bool is_standard_stream(const std::string& path) { return path == "-"; }

/// Everything on standard input; tessera::Error naming "stdin" if reading fails.
std::vector<std::byte> read_standard_input();

/// Writes all of `bytes` to standard output; tessera::Error naming "stdout" if writing fails.
void write_standard_output(std::span<const std::byte> bytes);

}  // namespace tessera::cli
