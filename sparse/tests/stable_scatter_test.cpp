// The stable scatter under the conversion fast paths: every plan (direct or staged, one piece or
// several, any bucket width) gives the same slots, and the plan stages only results that outgrow
// a core's L2.
#include "stable_scatter.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::sparse::detail {
namespace {

struct Scattered {
  std::vector<std::uint32_t> other;
  std::vector<double> values;
  bool operator==(const Scattered&) const = default;
};

// Scatters `key` (entry k carries other coordinate 3k + 1 and value k + 0.5) by `plan`.
Scattered scatter(const std::vector<std::uint32_t>& key, std::size_t fibers, ScatterPlan plan) {
  std::vector<std::uint32_t> pos(fibers + 1, 0);
  for (std::uint32_t f : key) ++pos[f + 1];
  std::partial_sum(pos.begin(), pos.end(), pos.begin());
  std::vector<double> values(key.size());
  for (std::size_t k = 0; k < key.size(); ++k) values[k] = static_cast<double>(k) + 0.5;
  Scattered out{std::vector<std::uint32_t>(key.size()), std::vector<double>(key.size())};
  const auto source = [](std::size_t first, std::size_t end, auto&& f) {
    for (std::size_t k = first; k < end; ++k) f(k, static_cast<std::uint32_t>(3 * k + 1));
  };
  stable_scatter<8>(key, source, reinterpret_cast<const std::byte*>(values.data()), pos,
                    out.other.data(), reinterpret_cast<std::byte*>(out.values.data()), plan);
  return out;
}

TEST(StableScatter, EveryPlanGivesTheStableOrder) {
  const CounterRng rng(11, 0);
  for (const std::size_t fibers : {1u, 7u, 1000u, 70000u}) {
    std::vector<std::uint32_t> key(50000);
    // Power-law-ish fibers: squaring a uniform draw crowds the low fibers.
    for (std::size_t k = 0; k < key.size(); ++k) {
      const double u = rng.uniform(k);
      key[k] = static_cast<std::uint32_t>(u * u * static_cast<double>(fibers));
    }
    // The reference: entries of each fiber in input order.
    Scattered want{{}, {}};
    for (std::uint32_t f = 0; f < fibers; ++f) {
      for (std::size_t k = 0; k < key.size(); ++k) {
        if (key[k] != f) continue;
        want.other.push_back(static_cast<std::uint32_t>(3 * k + 1));
        want.values.push_back(static_cast<double>(k) + 0.5);
      }
    }
    for (const std::size_t pieces : {1u, 3u}) {
      for (const int shift : {-1, 0, 3, 10, 16}) {
        const ThreadCountScope threads(2);
        EXPECT_TRUE(scatter(key, fibers, {pieces, shift}) == want)
            << fibers << " fibers, " << pieces << " pieces, shift " << shift;
      }
      EXPECT_TRUE(scatter(key, fibers, {pieces, -1, true}) == want)
          << fibers << " fibers, " << pieces << " pieces, prefetching";
    }
  }
}

TEST(StableScatter, StagesOnlyLargeResultsWrittenFarApart) {
  constexpr std::size_t kL2 = 1 << 20;
  // 12-byte entries: 80k fit in 1 MiB and are scattered directly, prefetching from 44k on (the
  // source and the result together outgrow L2).
  EXPECT_EQ(plan_scatter(80'000, 12, 1000, 300, kL2, 2).shift, -1);
  EXPECT_TRUE(plan_scatter(80'000, 12, 1000, 300, kL2, 2).prefetch);
  EXPECT_FALSE(plan_scatter(40'000, 12, 1000, 300, kL2, 2).prefetch);
  // 10M entries into 1M fibers, in random order: 120 MB in 245 buckets of 4096 fibers.
  const ScatterPlan large = plan_scatter(10'000'000, 12, 1'000'000, 333'000, kL2, 2);
  EXPECT_EQ(large.shift, 12);
  EXPECT_EQ(large.pieces, 2u);
  EXPECT_FALSE(large.prefetch);
  // The same as a band, consecutive entries a few fibers apart: a direct scatter.
  EXPECT_EQ(plan_scatter(10'000'000, 12, 1'000'000, 3, kL2, 2).shift, -1);
  // Fibers far above the entries would need over 4096 buckets: direct.
  EXPECT_EQ(plan_scatter(200'000, 12, std::size_t{1} << 31, 1e9, kL2, 2).shift, -1);
  // Few fibers: buckets of one fiber.
  EXPECT_EQ(plan_scatter(1'000'000, 12, 3, 1, kL2, 1).shift, 0);
}

TEST(StableScatter, MeasuresHowFarApartConsecutiveEntriesLand) {
  EXPECT_EQ(sampled_mean_jump(std::vector<std::uint32_t>{}), 0);
  EXPECT_EQ(sampled_mean_jump(std::vector<std::uint32_t>{5, 1, 9}), 6);
  // A band: entry k in fiber k / 10 + k % 3.
  std::vector<std::uint32_t> band(100000);
  for (std::size_t k = 0; k < band.size(); ++k) {
    band[k] = static_cast<std::uint32_t>(k / 10 + k % 3);
  }
  EXPECT_LT(sampled_mean_jump(band), 3);
}

}  // namespace
}  // namespace tessera::sparse::detail
