// How a loop-nest kernel (GEMM or blocked convolution) runs on the plan's threads: its units of
// work split into contiguous pieces, one per thread, each with a packing workspace of its own.
#pragma once

#include <algorithm>
#include <vector>

#include "tessera/core/buffer.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer::detail {

/// Runs `function` for `call` (its begin, end and workspace set here) over `units` units, each
/// piece with a workspace of `floats` floats from `workspaces` (grown as needed).
template <class Call>
void run_in_pieces(void (*function)(const Call*), Call call, long units, std::size_t floats,
                   std::vector<AlignedBuffer<float>>& workspaces) {
  const auto grain = static_cast<std::size_t>(
      std::max<long>(1, (units + thread_count() - 1) / std::max(thread_count(), 1)));
  const std::size_t pieces = piece_count(static_cast<std::size_t>(units), grain);
  while (workspaces.size() < pieces) workspaces.emplace_back(floats);
  for (auto& w : workspaces) {
    if (w.size() < floats) w = AlignedBuffer<float>(floats);
  }
  parallel_for(static_cast<std::size_t>(units), grain, [&](std::size_t piece, Range range) {
    Call mine = call;
    mine.begin = static_cast<long>(range.begin);
    mine.end = static_cast<long>(range.end);
    mine.workspace = workspaces[piece].data();
    function(&mine);
  });
}

}  // namespace tessera::infer::detail
