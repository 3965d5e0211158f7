// Checks of option values whose messages say what was wrong in the user's words: CLI11's
// PositiveNumber prints its range to 309 digits, and a size_t option takes "-5" as 2^64 - 5.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace tessera::cli {

/// Accepts a whole number of at least `minimum` (decimal digits only).
CLI::Validator whole_number(std::uint64_t minimum = 1);

}  // namespace tessera::cli
