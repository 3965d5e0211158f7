// Random TW patterns (what kernel benchmarks time): each tile keeps the asked number of distinct
// rows, the pattern depends on the seed only, and bad arguments are usage errors.
#include "tessera/tilewise/tile_pattern.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"

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

}  // namespace
}  // namespace tessera::tilewise
