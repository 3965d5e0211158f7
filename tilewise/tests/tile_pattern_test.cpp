// Random TW patterns (what kernel benchmarks time): each tile keeps the asked number of distinct
// rows, the pattern depends on the seed only, and bad arguments are usage errors. Patterns found in
// dense matrices: a TW-1D pattern's masked weights give it back, and a matrix with pruned columns
// and scattered nonzeros gets the smallest pattern that keeps them all.
#include "tessera/tilewise/tile_pattern.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/tilewise/tw_matrix.hpp"
#include "tw_test_patterns.hpp"

namespace tessera::tilewise {
namespace {

using tessera::testing::expect_error;

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
  const auto expect_usage = [](auto make, const std::string& input) {
    expect_error(make, {.input = input, .code = ExitCode::kUsage});
  };
  expect_usage([] { TilePattern::random(16, 16, 8, 1.5, 1); }, "sparsity");
  expect_usage([] { TilePattern::random(16, 16, 8, std::nan(""), 1); }, "sparsity");
  expect_usage([] { TilePattern::random(16, 16, 0, 0.5, 1); }, "tile width");
}

TEST(TilePatternOfNonzeros, GivesBackTheTw1dPatternOfMaskedWeights) {
  const TilePattern p = TilePattern::random(200, 300, 64, 0.75, 5);
  const AlignedBuffer<float> w = testing::random_matrix(200, 300, 6);
  const AlignedBuffer<float> masked =
      TwMatrix::pack(p, View<const float, 2>(w.data(), {200, 300})).unpack();
  const TilePattern found =
      TilePattern::of_nonzeros(View<const float, 2>(masked.data(), {200, 300}), 64);
  ASSERT_EQ(found.tiles.size(), p.tiles.size());
  for (std::size_t t = 0; t < p.tiles.size(); ++t) {
    EXPECT_EQ(found.tiles[t].columns, p.tiles[t].columns);
    EXPECT_EQ(found.tiles[t].rows, p.tiles[t].rows);
  }
  EXPECT_NO_THROW(found.validate("found"));
}

TEST(TilePatternOfNonzeros, KeepsEveryNonzeroAndTilesTheLiveColumnsOnly) {
  // 6 x 7, tile width 2: nonzeros at (0, 0), (3, 2), (5, 3), (2, 6) only.
  std::vector<float> w(42, 0.0f);
  w[0 * 7 + 0] = 1, w[3 * 7 + 2] = -2, w[5 * 7 + 3] = 3, w[2 * 7 + 6] = 4;
  w[4 * 7 + 5] = -0.0f;  // a zero of either sign is pruned
  const TilePattern p = TilePattern::of_nonzeros(View<const float, 2>(w.data(), {6, 7}), 2);
  ASSERT_EQ(p.tiles.size(), 2u);  // live columns 0, 2, 3, 6 -> {0, 2}, {3, 6}
  EXPECT_EQ(p.tiles[0].columns, (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(p.tiles[0].rows, (std::vector<std::uint32_t>{0, 3}));
  EXPECT_EQ(p.tiles[1].columns, (std::vector<std::uint32_t>{3, 6}));
  EXPECT_EQ(p.tiles[1].rows, (std::vector<std::uint32_t>{2, 5}));
  EXPECT_EQ(p.kept_weights(), 8u);
  EXPECT_NO_THROW(p.validate("found"));
  expect_error(
      [&] {
        TilePattern::of_nonzeros(View<const float, 2>(w.data(), {6, 7}), 0);
      },
      {.input = "tile width", .code = ExitCode::kUsage});
}

}  // namespace
}  // namespace tessera::tilewise
