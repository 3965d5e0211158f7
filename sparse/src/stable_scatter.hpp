// The stable counting scatter under COO -> CSR and CSR <-> CSC: entry k goes to the next free slot
// of fiber key[k], taking its other coordinate and its value along. A large input is cut into one
// piece per thread: each piece counts its entries per fiber, a piece's slots in a fiber follow
// those of the pieces before it, and the pieces scatter at once. The result is the unique stable
// scatter, so it does not depend on the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "tessera/core/threads.hpp"
#include "value_ops.hpp"

namespace tessera::sparse::detail {

/// Scatters entries [0, key.size()) by key into the slots of offsets `pos` (pos[f] is fiber f's
/// first slot; one past the last fiber, the entry count): other_out[q] and value q of values_out
/// receive the entry's other coordinate and value. source(first, end, f) calls f(k, other) for the
/// entries k of [first, end) in order; values holds kSize bytes per entry.
template <std::size_t kSize, class Source>
void stable_scatter(std::span<const std::uint32_t> key, const Source& source,
                    const std::byte* values, const std::vector<std::uint32_t>& pos,
                    std::uint32_t* other_out, std::byte* values_out) {
  const std::size_t n = key.size();
  const std::size_t fibers = pos.size() - 1;
  // Pointers captured by value: the value copies write bytes, which may alias anything held in
  // memory, and would reload every pointer reached through a reference.
  const auto scatter = [keys = key.data(), other_out, values, values_out, &source](
                           std::uint32_t* slot, std::size_t first, std::size_t end) {
    source(first, end, [=](std::size_t k, std::uint32_t other) {
      const std::uint32_t q = slot[keys[k]]++;
      other_out[q] = other;
      copy_value<kSize>(values_out, q, values, k);
    });
  };
  // Pieces of at least 2^19 entries, with no more fiber counters than entries.
  constexpr std::size_t kMinPiece = std::size_t{1} << 19;
  const std::size_t pieces = std::min({static_cast<std::size_t>(thread_count()), n / kMinPiece,
                                       n / std::max<std::size_t>(fibers, 1)});
  if (pieces <= 1) {
    std::vector<std::uint32_t> next(pos.begin(), pos.end() - 1);
    scatter(next.data(), 0, n);
    return;
  }
  std::vector<std::uint32_t> next(pieces * fibers, 0);  // [piece * fibers + f]: its next slot in f
  parallel_for(pieces, 1, [&](std::size_t piece, Range) {
    const Range r = partition_range(n, pieces, piece);
    std::uint32_t* count = next.data() + piece * fibers;
    for (std::size_t k = r.begin; k < r.end; ++k) ++count[key[k]];
  });
  parallel_for(fibers, std::size_t{1} << 16, [&](std::size_t, Range r) {
    for (std::size_t f = r.begin; f < r.end; ++f) {
      std::uint32_t slot = pos[f];
      for (std::size_t piece = 0; piece < pieces; ++piece)
        slot += std::exchange(next[piece * fibers + f], slot);
    }
  });
  parallel_for(pieces, 1, [&](std::size_t piece, Range) {
    const Range r = partition_range(n, pieces, piece);
    scatter(next.data() + piece * fibers, r.begin, r.end);
  });
}

}  // namespace tessera::sparse::detail
