// Stable sort of entries by their level coordinates (lexicographic, outermost level first): a
// counting sort per level from the innermost out, or a comparison sort when a level's extent is
// far above the entry count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tessera::sparse::detail {

/// Reorders `order` (indices of entries) so that keys[order[i] * levels + l] is lexicographically
/// non-decreasing; equal keys keep their relative order. extents[l] bounds level l's keys.
void stable_sort_by_levels(const std::vector<std::uint32_t>& keys, std::size_t levels,
                           std::span<const std::uint32_t> extents, std::vector<std::uint32_t>& order);

}  // namespace tessera::sparse::detail
