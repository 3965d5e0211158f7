// The parallel driver that TW-GEMM's kernels share, fp32 and bf16 alike: the work items (blocks of
// rows of C times slices of the tiles), the zeroing of columns no tile writes and the pass of the
// restored elements. Private to the tilewise library.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/core/view.hpp"
#include "tessera/tilewise/tw_matrix.hpp"
#include "tessera/tilewise/tw_schedule.hpp"

namespace tessera::tilewise::detail {

/// Rows of A per block: a multiple of the kernels' register blocks (12 and 6 rows).
inline constexpr std::size_t kRowGranule = 12;
/// With several threads, enough work items for each to get several.
inline constexpr std::size_t kItemsPerThread = 4;
/// Rows per item of the pass of the restored elements.
inline constexpr std::size_t kRestoredRows = 4 * kRowGranule;

/// The schedule with its zeros replaced by the defaults (default_tw_schedule) and its row block
/// rounded to whole granules.
TwSchedule resolved(TwSchedule s);

/// Tiles [0, tiles) cut into `slices` consecutive ranges of about equal work (kept weights).
std::vector<std::size_t> tile_slice_bounds(const TilePattern& pattern, std::size_t slices);

/// C[rows, restored columns] += A[rows] · R (AVX2+FMA, kLanes rows at a time; every CPU that runs
/// an AVX-512 kernel runs it), each output's elements summed in a fixed order.
void add_restored_avx2(const float* a, std::size_t lda, const RestoredElements& r, std::size_t k,
                       std::size_t row_begin, std::size_t row_end, float* c, std::size_t ldc);

/// Throws a usage error naming "TW-GEMM" unless A (m × k, column stride a_stride) · W gives C.
template <class W>
void check_shapes(std::size_t m, std::size_t k, std::size_t a_stride, const W& w,
                  View<float, 2> c) {
  if (k != w.k() || c.extent(0) != m || c.extent(1) != w.n() || a_stride != 1 || c.stride(1) != 1) {
    throw usage_error("TW-GEMM", fmt::format("A {}x{} · W {}x{} does not give C {}x{} (or a "
                                             "column stride is not 1)",
                                             m, k, w.k(), w.n(), c.extent(0), c.extent(1)));
  }
}

/// Checks the shapes, then runs the work items in parallel. An item is a block of rows of C (as
/// many as the schedule allows, so that W comes from memory few times) and a slice of the tiles (as
/// many slices as the threads need work items, so that they share W rather than each streaming all
/// of it): `run(a, lda, rows, tiles, c, ldc, schedule)`. Then the columns in no tile are zeroed and
/// `add_restored(a, lda, row_begin, row_end, c, ldc)` adds the restored elements. Every element of
/// C is summed by one item in a fixed order, so the blocks and slices (which follow the thread
/// count) change no result. `W` is TwMatrix or TwMatrixBf16 (pattern, pruned columns, restored).
template <class T, class W, class Run, class AddRestored>
void drive(View<const T, 2> a, const W& w, View<float, 2> c, TwSchedule requested, Run run,
           AddRestored add_restored) {
  const std::size_t m = a.extent(0);
  check_shapes(m, a.extent(1), a.stride(1), w, c);
  if (m == 0) return;
  const TwSchedule schedule = resolved(requested);
  const std::vector<Tile>& tiles_of_w = w.pattern().tiles;
  const std::size_t threads = static_cast<std::size_t>(thread_count());
  const std::size_t items_wanted = threads == 1 ? 1 : kItemsPerThread * threads;
  std::size_t row_blocks =
      std::max<std::size_t>(1, (m + schedule.max_row_block - 1) / schedule.max_row_block);
  const std::size_t slices = std::clamp<std::size_t>(
      (items_wanted + row_blocks - 1) / row_blocks, 1, std::max<std::size_t>(1, tiles_of_w.size()));
  // Too few tiles to slice for every thread: shorter blocks of rows (of at least kRowGranule).
  row_blocks = std::max(row_blocks, std::min((items_wanted + slices - 1) / slices,
                                             (m + kRowGranule - 1) / kRowGranule));
  const std::size_t row_block =
      ((m + row_blocks - 1) / row_blocks + kRowGranule - 1) / kRowGranule * kRowGranule;
  row_blocks = (m + row_block - 1) / row_block;  // rounding up the rows may leave fewer blocks
  const std::vector<std::size_t> bounds = tile_slice_bounds(w.pattern(), slices);
  parallel_for(row_blocks * slices, 1, [&](std::size_t, Range range) {
    for (std::size_t item = range.begin; item < range.end; ++item) {
      const std::size_t block = item / slices;
      const Range rows{block * row_block, std::min(m, (block + 1) * row_block)};
      const Range tiles{bounds[item % slices], bounds[item % slices + 1]};
      run(a.data(), a.stride(0), rows, tiles, c.data(), c.stride(0), schedule);
      for (std::size_t t = tiles.begin; t < tiles.end; ++t) {
        if (!tiles_of_w[t].rows.empty()) continue;
        for (std::size_t r = rows.begin; r < rows.end; ++r) {
          for (std::uint32_t col : tiles_of_w[t].columns) c(r, col) = 0.0f;
        }
      }
    }
  });
  if (w.pruned_columns().empty() && w.restored().columns.empty()) return;
  // Columns in no tile, then the restored elements, once every tile's columns are written; in
  // blocks of rows of their own, small enough for every thread to get some.
  parallel_for((m + kRestoredRows - 1) / kRestoredRows, 1, [&](std::size_t, Range range) {
    for (std::size_t block = range.begin; block < range.end; ++block) {
      const Range rows{block * kRestoredRows, std::min(m, (block + 1) * kRestoredRows)};
      for (std::size_t r = rows.begin; r < rows.end; ++r) {
        for (std::uint32_t col : w.pruned_columns()) c(r, col) = 0.0f;
      }
      if (!w.restored().columns.empty()) {
        add_restored(a.data(), a.stride(0), rows.begin, rows.end, c.data(), c.stride(0));
      }
    }
  });
}

}  // namespace tessera::tilewise::detail
