// The stable counting scatter under COO -> CSR and CSR <-> CSC: entry k goes to the next free slot
// of fiber key[k], taking its other coordinate and its value along. The result is the unique
// stable scatter, so it does not depend on how the work is split or on the thread count.
//
// A result that fits in a core's L2, or whose consecutive entries land close together (a band),
// is scattered directly. A larger one is scattered in two passes, as a radix sort would: fibers
// are grouped into at most 256 buckets of 2^shift consecutive fibers. The first pass moves every
// entry into its bucket's slots of the result (a few hundred sequential streams), keeping its
// fiber's low bits; the second scatters each bucket within itself through a buffer of its size. A
// direct scatter into a result far larger than the caches misses the cache and the TLB on every
// entry; the two passes move every entry twice, but in order.
//
// A large input is cut into one piece per thread: each piece counts its entries per fiber (or per
// bucket), a piece's slots follow those of the pieces before it, and the pieces scatter at once.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/core/cache_sizes.hpp"
#include "tessera/core/threads.hpp"
#include "value_ops.hpp"

namespace tessera::sparse::detail {

/// How stable_scatter splits its work: `pieces` contiguous runs of the input, and for a staged
/// scatter `shift` (buckets of 2^shift fibers); shift < 0 scatters directly.
struct ScatterPlan {
  std::size_t pieces = 1;
  int shift = -1;
  bool prefetch = false;  // a direct scatter asks for the slots of entries ahead (see below)
};

/// How many entries ahead a prefetching direct scatter asks for its slots' cache lines.
inline constexpr std::size_t kPrefetchAhead = 16;

/// The mean distance between the fibers of consecutive entries, over up to 4096 evenly spaced
/// pairs: how far apart in the result a direct scatter writes.
inline double sampled_mean_jump(std::span<const std::uint32_t> key) {
  if (key.size() < 2) return 0;
  const std::size_t pairs = std::min<std::size_t>(key.size() - 1, 4096);
  const std::size_t step = (key.size() - 1) / pairs;
  double sum = 0;
  for (std::size_t i = 0; i < pairs; ++i) {
    const std::uint32_t a = key[i * step], b = key[i * step + 1];
    sum += a > b ? a - b : b - a;
  }
  return sum / static_cast<double>(pairs);
}

/// The plan for n entries of `entry_bytes` (coordinate and value) into `fibers` fibers, whose
/// consecutive entries lie `mean_jump` fibers apart, with buckets sized to `l2` bytes of cache
/// per core, on `threads` threads.
inline ScatterPlan plan_scatter(std::size_t n, std::size_t entry_bytes, std::size_t fibers,
                                double mean_jump, std::size_t l2, std::size_t threads) {
  ScatterPlan plan;
  // Staged once the result outgrows a core's L2 and consecutive entries land far apart in it (a
  // banded matrix writes within a small window and scatters well directly), in at most 256
  // buckets of at least 64 KiB (at most 2^16 fibers each, whose low bits are kept in 16 bits),
  // and never over 4096 buckets.
  const std::size_t bytes = n * entry_bytes;
  const double jump_bytes = mean_jump * static_cast<double>(bytes) /
                            static_cast<double>(std::max<std::size_t>(fibers, 1));
  if (bytes >= l2 && fibers > 0 && jump_bytes * 4 >= static_cast<double>(l2)) {
    const std::size_t bucket_bytes = std::max<std::size_t>(bytes / 256, std::size_t{64} << 10);
    const std::size_t wanted = std::max<std::size_t>(bytes / bucket_bytes, 1);
    const std::size_t per_bucket = std::max<std::size_t>(fibers / wanted, 1);
    const int shift = std::min(static_cast<int>(std::bit_width(per_bucket - 1)), 16);
    if ((fibers >> shift) < 4096) plan.shift = shift;
  }
  // A direct scatter whose source and result together outgrow L2 waits on writes that miss it;
  // asking for the lines of the entry kPrefetchAhead on overlaps those misses (1.2-1.4x on
  // irregular matrices of 1-2.4 MB results). A smaller result stays cached, and the prefetches
  // would only add instructions (0.8-0.9x on results of 20-200 KB).
  plan.prefetch = plan.shift < 0 && bytes * 2 >= l2;
  // Pieces of at least 2^19 entries, with no more counters (per fiber, or per bucket) than entries.
  const std::size_t counters = plan.shift < 0 ? fibers : ((fibers - 1) >> plan.shift) + 1;
  constexpr std::size_t kMinPiece = std::size_t{1} << 19;
  plan.pieces = std::max<std::size_t>(
      1, std::min({threads, n / kMinPiece, n / std::max<std::size_t>(counters, 1)}));
  return plan;
}

/// Scatters entries [0, key.size()) by key into the slots of offsets `pos` (pos[f] is fiber f's
/// first slot; one past the last fiber, the entry count): other_out[q] and value q of values_out
/// receive the entry's other coordinate and value. source(first, end, f) calls f(k, other) for the
/// entries k of [first, end) in order; values holds kSize bytes per entry.
template <std::size_t kSize, class Source>
void stable_scatter(std::span<const std::uint32_t> key, const Source& source,
                    const std::byte* values, const std::vector<std::uint32_t>& pos,
                    std::uint32_t* other_out, std::byte* values_out, ScatterPlan plan) {
  const std::size_t n = key.size();
  const std::size_t fibers = pos.size() - 1;
  const std::size_t pieces = plan.pieces;
  const int shift = std::max(plan.shift, 0);
  const bool staged = plan.shift >= 0;
  // Slots are taken per fiber, or per bucket when staged: `groups` counters per piece.
  const std::size_t groups = staged ? ((fibers - 1) >> shift) + 1 : fibers;
  const auto group_start = [&](std::size_t g) { return pos[std::min(g << shift, fibers)]; };
  std::vector<std::uint32_t> next(pieces * groups, 0);  // [piece * groups + g]: its next slot
  if (pieces > 1) {
    parallel_for(pieces, 1, [&](std::size_t piece, Range) {
      const Range r = partition_range(n, pieces, piece);
      std::uint32_t* count = next.data() + piece * groups;
      for (std::size_t k = r.begin; k < r.end; ++k) ++count[key[k] >> shift];
    });
  }
  parallel_for(groups, std::size_t{1} << 16, [&](std::size_t, Range r) {
    for (std::size_t g = r.begin; g < r.end; ++g) {
      std::uint32_t slot = group_start(g);
      for (std::size_t piece = 0; piece < pieces; ++piece)
        slot += std::exchange(next[piece * groups + g], slot);
    }
  });
  // Low bits of each entry's fiber, by slot, between the two passes of a staged scatter.
  const auto low = staged ? std::make_unique_for_overwrite<std::uint16_t[]>(n) : nullptr;
  // Pointers captured by value: the value copies write bytes, which may alias anything held in
  // memory, and would reload every pointer reached through a reference.
  parallel_for(pieces, 1, [&](std::size_t piece, Range) {
    const Range r = partition_range(n, pieces, piece);
    std::uint32_t* slot = next.data() + piece * groups;
    if (!staged) {
      // With plan.prefetch, the slot of entry k + kPrefetchAhead is asked for: it may still move
      // before that entry's turn, but rarely off its cache line.
      const auto scatter = [&](auto prefetch) {
        const std::size_t last = n - 1;
        source(r.begin, r.end, [=, keys = key.data()](std::size_t k, std::uint32_t other) {
          if constexpr (decltype(prefetch)::value) {
            const std::uint32_t ahead = slot[keys[std::min(k + kPrefetchAhead, last)]];
            __builtin_prefetch(other_out + ahead, 1);
            if constexpr (kSize > 0) __builtin_prefetch(values_out + std::size_t{ahead} * kSize, 1);
          }
          const std::uint32_t q = slot[keys[k]]++;
          other_out[q] = other;
          copy_value<kSize>(values_out, q, values, k);
        });
      };
      if (plan.prefetch) {
        scatter(std::true_type{});
      } else {
        scatter(std::false_type{});
      }
      return;
    }
    const std::uint32_t mask = (std::uint32_t{1} << shift) - 1;
    source(r.begin, r.end,
           [=, keys = key.data(), low = low.get()](std::size_t k, std::uint32_t other) {
             const std::uint32_t q = slot[keys[k] >> shift]++;
             other_out[q] = other;
             low[q] = static_cast<std::uint16_t>(keys[k] & mask);
             copy_value<kSize>(values_out, q, values, k);
           });
  });
  if (!staged) return;
  // Second pass: each bucket through a buffer of its size, buckets taken in turn by the threads.
  std::size_t largest = 0;
  for (std::size_t g = 0; g < groups; ++g)
    largest = std::max<std::size_t>(largest, group_start(g + 1) - group_start(g));
  std::atomic<std::size_t> taken{0};
  const std::size_t workers = std::min(static_cast<std::size_t>(thread_count()), groups);
  parallel_for(workers, 1, [&](std::size_t, Range) {
    std::vector<std::uint32_t> other_buffer(largest), fiber_next(std::size_t{1} << shift);
    std::vector<std::byte> value_buffer(largest * kSize);
    for (std::size_t g; (g = taken++) < groups;) {
      const std::uint32_t begin = group_start(g), end = group_start(g + 1);
      const std::size_t first_fiber = g << shift;
      const std::size_t count = std::min(fibers - first_fiber, std::size_t{1} << shift);
      for (std::size_t f = 0; f < count; ++f) fiber_next[f] = pos[first_fiber + f] - begin;
      // Locals, not the captured pointers: the value copies may alias anything in memory.
      std::uint32_t* const slot = fiber_next.data();
      std::uint32_t* const other_to = other_buffer.data();
      std::byte* const value_to = value_buffer.data();
      const std::uint16_t* const lows = low.get() + begin;
      std::uint32_t* const others = other_out + begin;
      std::byte* const bucket_values = values_out + std::size_t{begin} * kSize;
      const std::uint32_t size = end - begin;
      for (std::uint32_t q = 0; q < size; ++q) {
        const std::uint32_t d = slot[lows[q]]++;
        other_to[d] = others[q];
        copy_value<kSize>(value_to, d, bucket_values, q);
      }
      std::memcpy(others, other_to, std::size_t{size} * 4);
      if constexpr (kSize > 0) std::memcpy(bucket_values, value_to, std::size_t{size} * kSize);
    }
  });
}

/// stable_scatter with the plan for this machine's L2 and thread count.
template <std::size_t kSize, class Source>
void stable_scatter(std::span<const std::uint32_t> key, const Source& source,
                    const std::byte* values, const std::vector<std::uint32_t>& pos,
                    std::uint32_t* other_out, std::byte* values_out) {
  static const std::size_t l2 = detect_cache_sizes().l2;
  // The sample costs as much as scattering a few thousand entries: taken only where it decides.
  const double jump = key.size() * (4 + kSize) >= l2 ? sampled_mean_jump(key) : 0;
  const ScatterPlan plan = plan_scatter(key.size(), 4 + kSize, pos.size() - 1, jump, l2,
                                        static_cast<std::size_t>(thread_count()));
  stable_scatter<kSize>(key, source, values, pos, other_out, values_out, plan);
}

}  // namespace tessera::sparse::detail
