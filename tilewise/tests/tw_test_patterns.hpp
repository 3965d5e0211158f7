// Random tile-wise patterns and matrices for the tilewise tests, from the counter-based RNG.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/core/buffer.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/testing/generators.hpp"
#include "tessera/tilewise/tile_pattern.hpp"

namespace tessera::tilewise::testing {

/// A TW-1D pattern over consecutive columns; each tile keeps each row with probability 1 - s.
inline TilePattern random_contiguous(std::size_t k, std::size_t n, std::size_t g, double s,
                                     std::uint64_t seed) {
  const CounterRng rng(seed, 0);
  std::vector<std::vector<std::uint32_t>> rows((n + g - 1) / g);
  for (std::size_t t = 0; t < rows.size(); ++t) {
    for (std::uint32_t r = 0; r < k; ++r) {
      if (rng.uniform(t * k + r) >= s) rows[t].push_back(r);
    }
  }
  return TilePattern::contiguous(k, n, g, std::move(rows));
}

/// A TW-2D pattern: columns survive with probability 1 - s_col and are re-tiled in order, g live
/// columns per tile; each tile keeps each row with probability 1 - s_row.
inline TilePattern random_two_dimensional(std::size_t k, std::size_t n, std::size_t g, double s_col,
                                          double s_row, std::uint64_t seed) {
  const CounterRng rng(seed, 1);
  std::vector<std::uint32_t> live;
  for (std::uint32_t c = 0; c < n; ++c) {
    if (rng.uniform(c) >= s_col) live.push_back(c);
  }
  TilePattern pattern{k, n, g, {}};
  for (std::size_t first = 0; first < live.size(); first += g) {
    Tile tile;
    tile.columns.assign(
        live.begin() + static_cast<std::ptrdiff_t>(first),
        live.begin() + static_cast<std::ptrdiff_t>(std::min(live.size(), first + g)));
    for (std::uint32_t r = 0; r < k; ++r) {
      if (rng.uniform(n + pattern.tiles.size() * k + r) >= s_row) tile.rows.push_back(r);
    }
    pattern.tiles.push_back(std::move(tile));
  }
  return pattern;
}

/// rows × cols uniform values in [-1, 1): tessera::testing's generator, under the name these tests
/// use.
inline AlignedBuffer<float> random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  return tessera::testing::uniform_matrix(rows, cols, seed);
}

/// A TEW mask over `pattern`: its tiles' weights plus each other weight with probability `p`.
inline std::vector<std::uint8_t> with_restored(const TilePattern& pattern, double p,
                                               std::uint64_t seed) {
  const CounterRng rng(seed, 3);
  const std::vector<bool> tiles = pattern.mask();
  std::vector<std::uint8_t> kept(tiles.size());
  for (std::size_t i = 0; i < kept.size(); ++i) kept[i] = tiles[i] || rng.uniform(i) < p;
  return kept;
}

}  // namespace tessera::tilewise::testing
