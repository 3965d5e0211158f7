// The TW-GEMM driver's schedule resolution and slicing of the tiles (tw_gemm_driver.hpp), and the
// default schedule from this machine's caches (tw_schedule.hpp).
#include "tw_gemm_driver.hpp"

#include "tessera/core/cache_sizes.hpp"

namespace tessera::tilewise {

namespace {

// Rows of A a block holds by default: W comes from memory once per block (and K range), and each
// row group's panel is read once per block of W, from L2 or L3: many rows cost little.
constexpr std::size_t kDefaultRowBlock = 32 * detail::kRowGranule;
// The micro-kernel's default distance of the fetch of W's rows ahead: L2's latency outruns the
// hardware's stride prefetch on rows a block width apart.
constexpr std::size_t kDefaultPrefetchRows = 16;

}  // namespace

TwSchedule default_tw_schedule() {
  return {detect_cache_sizes().l2 / 4, kDefaultRowBlock, kDefaultPrefetchRows};
}

namespace detail {

TwSchedule resolved(TwSchedule s) {
  static const TwSchedule defaults = default_tw_schedule();
  if (s.w_budget == 0) s.w_budget = defaults.w_budget;
  if (s.max_row_block == 0) s.max_row_block = defaults.max_row_block;
  if (s.prefetch_rows == 0) s.prefetch_rows = defaults.prefetch_rows;
  s.max_row_block = std::max(kRowGranule, s.max_row_block / kRowGranule * kRowGranule);
  return s;
}

std::vector<std::size_t> tile_slice_bounds(const TilePattern& pattern, std::size_t slices) {
  const std::vector<Tile>& tiles = pattern.tiles;
  std::vector<std::size_t> work(tiles.size() + 1, 0);  // prefix sums
  for (std::size_t t = 0; t < tiles.size(); ++t) {
    work[t + 1] = work[t] + tiles[t].rows.size() * tiles[t].columns.size();
  }
  std::vector<std::size_t> bounds(slices + 1, tiles.size());
  bounds[0] = 0;
  for (std::size_t i = 1; i < slices; ++i) {
    const std::size_t target = work.back() * i / slices;
    bounds[i] = std::max(
        bounds[i - 1], static_cast<std::size_t>(std::lower_bound(work.begin(), work.end(), target) -
                                                work.begin()));
  }
  return bounds;
}

}  // namespace detail
}  // namespace tessera::tilewise
