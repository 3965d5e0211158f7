// Parameter sweeps on the command line: comma-separated values and inclusive ranges, so a
// benchmark runs over "0.5:0.9:0.1,0.95" (arithmetic steps) or "128:2048:*4" (geometric steps,
// 128 512 2048) without a script around it.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tessera {

/// Most values one sweep may expand to.
inline constexpr std::size_t kMaxSweepValues = 10000;

/// The values of `text`: items separated by commas, each a number, `start:stop:step` (start,
/// start + step, ... up to stop inclusive, step > 0) or `start:stop:*factor` (start, start·factor,
/// ... up to stop, factor > 1), in the order given. Throws tessera::usage_error naming `option`
/// for an empty item, a malformed number, stop < start, a bad step or factor, or more than
/// kMaxSweepValues values.
std::vector<double> parse_sweep(std::string_view text, std::string_view option);

/// parse_sweep for counts and sizes: every value must be a whole number >= 1.
std::vector<std::size_t> parse_size_sweep(std::string_view text, std::string_view option);

}  // namespace tessera
