// Stable sort of entries by level coordinates (level_sort.hpp).
#include "level_sort.hpp"

#include <algorithm>

namespace tessera::sparse::detail {

void stable_sort_by_levels(const std::vector<std::uint32_t>& keys, std::size_t levels,
                           std::span<const std::uint32_t> extents, std::vector<std::uint32_t>& order) {
  const std::size_t n = order.size();
  const std::uint64_t bucket_limit = std::max<std::uint64_t>(4 * std::uint64_t{n}, 1u << 16);
  const bool counting = std::all_of(extents.begin(), extents.end(),
                                    [&](std::uint32_t e) { return e <= bucket_limit; });
  if (!counting) {
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const std::uint32_t* ka = keys.data() + std::size_t{a} * levels;
      const std::uint32_t* kb = keys.data() + std::size_t{b} * levels;
      return std::lexicographical_compare(ka, ka + levels, kb, kb + levels);
    });
    return;
  }
  std::vector<std::uint32_t> next(n);
  std::vector<std::uint64_t> start;
  for (std::size_t l = levels; l-- > 0;) {
    if (extents[l] <= 1) continue;
    start.assign(std::size_t{extents[l]} + 1, 0);
    for (std::uint32_t k : order) ++start[keys[std::size_t{k} * levels + l] + 1];
    for (std::size_t c = 1; c < start.size(); ++c) start[c] += start[c - 1];
    for (std::uint32_t k : order) next[start[keys[std::size_t{k} * levels + l]]++] = k;
    order.swap(next);
  }
}

}  // namespace tessera::sparse::detail
