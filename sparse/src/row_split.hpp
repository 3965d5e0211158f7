// Rows of a compressed level split into contiguous ranges of about equal nonzeros, so that threads
// share a skewed matrix (one dense row, as arrow's) evenly; each row is computed the same way
// whatever the split, so results do not depend on the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tessera/core/threads.hpp"

namespace tessera::sparse::detail {

/// How many ranges split_rows makes: the thread count when the work is worth it, else one.
inline std::size_t row_parts(const std::vector<std::uint32_t>& pos, std::uint64_t work_per_entry) {
  const std::uint32_t rows = static_cast<std::uint32_t>(pos.size() - 1);
  const std::uint64_t work = (std::uint64_t{pos.back()} + rows) * work_per_entry;
  return work < 65536 || rows < 2 ? 1 : std::min<std::size_t>(thread_count(), rows);
}

/// Boundaries b[0] = 0 < ... < b[parts] = rows of row_parts ranges of about equal nonzeros (and
/// equal rows where nonzeros are few).
inline std::vector<std::uint32_t> split_rows(const std::vector<std::uint32_t>& pos,
                                             std::uint64_t work_per_entry) {
  const std::uint32_t rows = static_cast<std::uint32_t>(pos.size() - 1);
  const std::size_t parts = row_parts(pos, work_per_entry);
  std::vector<std::uint32_t> bounds(parts + 1, rows);
  bounds[0] = 0;
  const std::uint64_t total = std::uint64_t{pos.back()} + rows;
  for (std::size_t p = 1; p < parts; ++p) {
    // The first row whose cumulative nonzeros plus rows reach p / parts of the total.
    const std::uint64_t goal = total * p / parts;
    std::uint32_t lo = bounds[p - 1], hi = rows;
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (std::uint64_t{pos[mid]} + mid < goal)
        lo = mid + 1;
      else
        hi = mid;
    }
    bounds[p] = lo;
  }
  return bounds;
}

/// Runs body(first_row, end_row) for each range of split_rows, spread over the threads.
template <class Body>
void for_row_ranges(const std::vector<std::uint32_t>& pos, std::uint64_t work_per_entry,
                    Body&& body) {
  if (row_parts(pos, work_per_entry) == 1) {  // no boundaries to allocate for a small product
    body(std::uint32_t{0}, static_cast<std::uint32_t>(pos.size() - 1));
    return;
  }
  const std::vector<std::uint32_t> bounds = split_rows(pos, work_per_entry);
  parallel_for(bounds.size() - 1, 1, [&](std::size_t, Range r) {
    for (std::size_t p = r.begin; p < r.end; ++p) body(bounds[p], bounds[p + 1]);
  });
}

}  // namespace tessera::sparse::detail
