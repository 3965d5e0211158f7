// The kernel benchmark's pieces: random TW patterns keep the asked number of rows per tile and
// depend on the seed only; a case checks TW-GEMM against oneDNN before timing it.
#include "tessera/tilewise/kernel_bench.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/error.hpp"

namespace tessera::tilewise {
namespace {

TEST(RandomTilePattern, EveryTileKeepsTheSameNumberOfDistinctRows) {
  const TilePattern p = TilePattern::random(300, 200, 64, 0.75, 9);
  ASSERT_EQ(p.tiles.size(), 4u);  // 64, 64, 64 and a ragged 8
  for (const Tile& tile : p.tiles) {
    EXPECT_EQ(tile.rows.size(), 75u);
    EXPECT_TRUE(std::ranges::is_sorted(tile.rows));
    EXPECT_EQ(std::ranges::adjacent_find(tile.rows), tile.rows.end());
    EXPECT_LT(tile.rows.back(), 300u);
  }
  EXPECT_NE(p.tiles[0].rows, p.tiles[1].rows);  // irregular across tiles
  EXPECT_NEAR(p.sparsity(), 0.75, 1e-12);
}

TEST(RandomTilePattern, DependsOnTheSeedOnly) {
  const auto rows = [](std::uint64_t seed) {
    return TilePattern::random(128, 256, 128, 0.5, seed).tiles[1].rows;
  };
  EXPECT_EQ(rows(3), rows(3));
  EXPECT_NE(rows(3), rows(4));
  EXPECT_TRUE(TilePattern::random(16, 16, 8, 1.0, 1).tiles[0].rows.empty());
  EXPECT_EQ(TilePattern::random(16, 16, 8, 0.0, 1).tiles[0].rows.size(), 16u);
}

TEST(RandomTilePattern, BadSparsityOrTileWidthIsAUsageError) {
  EXPECT_THROW(TilePattern::random(16, 16, 8, 1.5, 1), Error);
  EXPECT_THROW(TilePattern::random(16, 16, 8, std::nan(""), 1), Error);
  EXPECT_THROW(TilePattern::random(16, 16, 0, 0.5, 1), Error);
}

TEST(KernelBench, ChecksTwGemmAgainstOneDnnThenTimesBoth) {
  KernelBench bench({100, 96, 24, 32, 0.8, 1, 5});
  BenchOptions options;
  options.budget_seconds = 0;
  const Comparison c = bench.against_onednn(options);
  EXPECT_EQ(c.samples_a.size(), 5u);
  EXPECT_EQ(c.name_b, "onednn_sgemm_dense");
  EXPECT_EQ(c.extra["m"], 24);
  EXPECT_NEAR(c.extra["achieved_sparsity"].get<double>(), 0.8, 0.01);
  // The masked product differs from the dense one: the check compares like with like.
  EXPECT_FALSE(close_to(bench.masked_product(), bench.dense_product()));
}

TEST(KernelBench, TewCasesRestoreTheAskedFractionAndPassTheCheck) {
  KernelBench bench({256, 256, 20, 64, 0.75, 1, 2, 0.05});
  BenchOptions options;
  options.budget_seconds = 0;
  const Comparison c = bench.against_onednn(options);  // checks TW-GEMM + restored first
  EXPECT_NEAR(c.extra["achieved_sparsity"].get<double>(), 0.75, 0.01);
  EXPECT_THROW(KernelBench({64, 64, 8, 32, 0.97, 1, 1, 0.05}), Error);  // 1.02 > 1
}

TEST(KernelBench, CloseToComparesAgainstTheLargestMagnitude) {
  const std::vector<float> reference{100.0f, -1.0f, 0.5f};
  EXPECT_TRUE(close_to(std::vector<float>{100.0f, -1.005f, 0.5f}, reference));
  EXPECT_FALSE(close_to(std::vector<float>{100.0f, -1.02f, 0.5f}, reference));
  EXPECT_FALSE(close_to(std::vector<float>{100.0f, -1.0f}, reference));
  EXPECT_FALSE(close_to(std::vector<float>{100.0f, std::nanf(""), 0.5f}, reference));
}

TEST(KernelBench, EmptySizesAreUsageErrors) {
  EXPECT_THROW(KernelBench({0, 96, 24, 32, 0.5, 1, 1}), Error);
  EXPECT_THROW(KernelBench({64, 96, 24, 32, 0.5, 0, 1}), Error);
}

}  // namespace
}  // namespace tessera::tilewise
