// Tile-wise pattern invariants and statistics.
#include "tessera/tilewise/tile_pattern.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"

namespace tessera::tilewise {

namespace {

// Throws unless `indices` are strictly increasing and below `limit`.
void check_indices(std::span<const std::uint32_t> indices, std::size_t limit,
                   const std::string& what, std::size_t tile, const char* kind) {
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] >= limit || (i > 0 && indices[i] <= indices[i - 1])) {
      throw Error(what,
                  fmt::format("tile {}: {} index {} at position {} is out of range (limit {}) "
                              "or not increasing",
                              tile, kind, indices[i], i, limit));
    }
  }
}

}  // namespace

void TilePattern::validate(const std::string& what) const {
  if (g == 0) throw Error(what, "tile width G must be at least 1");
  if (k > UINT32_MAX || n > UINT32_MAX) {
    throw Error(what, fmt::format("{}x{} exceeds 2^32 rows or columns", k, n));
  }
  std::vector<bool> covered(n, false);
  for (std::size_t t = 0; t < tiles.size(); ++t) {
    const Tile& tile = tiles[t];
    if (tile.columns.empty() || tile.columns.size() > g) {
      throw Error(what, fmt::format("tile {} has {} columns; a tile has 1 to G = {}", t,
                                    tile.columns.size(), g));
    }
    check_indices(tile.columns, n, what, t, "column");
    check_indices(tile.rows, k, what, t, "row");
    for (std::uint32_t c : tile.columns) {
      if (covered[c]) throw Error(what, fmt::format("column {} is in two tiles", c));
      covered[c] = true;
    }
  }
}

std::size_t TilePattern::kept_weights() const {
  std::size_t kept = 0;
  for (const Tile& tile : tiles) kept += tile.rows.size() * tile.columns.size();
  return kept;
}

double TilePattern::sparsity() const {
  const std::size_t total = k * n;
  return total == 0 ? 0.0 : 1.0 - static_cast<double>(kept_weights()) / static_cast<double>(total);
}

std::vector<bool> TilePattern::mask() const {
  std::vector<bool> kept(k * n, false);
  for (const Tile& tile : tiles) {
    for (std::uint32_t r : tile.rows) {
      for (std::uint32_t c : tile.columns) kept[r * n + c] = true;
    }
  }
  return kept;
}

TilePattern TilePattern::contiguous(std::size_t k, std::size_t n, std::size_t g,
                                    std::vector<std::vector<std::uint32_t>> rows) {
  TilePattern pattern{k, n, g, {}};
  const std::size_t count = g == 0 ? 0 : (n + g - 1) / g;
  if (rows.size() != count) {
    throw usage_error("tile rows", fmt::format("{} row lists for {} tiles of {} columns over {}",
                                               rows.size(), count, g, n));
  }
  for (std::size_t t = 0; t < count; ++t) {
    Tile tile;
    for (std::size_t c = t * g; c < std::min(n, (t + 1) * g); ++c) {
      tile.columns.push_back(static_cast<std::uint32_t>(c));
    }
    tile.rows = std::move(rows[t]);
    pattern.tiles.push_back(std::move(tile));
  }
  pattern.validate("tile pattern");
  return pattern;
}

TilePattern TilePattern::of_nonzeros(View<const float, 2> w, std::size_t g) {
  if (g == 0) throw usage_error("tile width", "must be at least 1");
  const std::size_t k = w.extent(0), n = w.extent(1);
  TilePattern pattern{k, n, g, {}};
  std::vector<std::uint32_t> live;  // columns with a nonzero
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t r = 0; r < k; ++r) {
      if (w(r, c) != 0.0f) {
        live.push_back(static_cast<std::uint32_t>(c));
        break;
      }
    }
  }
  for (std::size_t first = 0; first < live.size(); first += g) {
    Tile tile;
    tile.columns.assign(
        live.begin() + static_cast<std::ptrdiff_t>(first),
        live.begin() + static_cast<std::ptrdiff_t>(std::min(live.size(), first + g)));
    for (std::size_t r = 0; r < k; ++r) {
      const auto nonzero = [&](std::uint32_t c) { return w(r, c) != 0.0f; };
      if (std::any_of(tile.columns.begin(), tile.columns.end(), nonzero))
        tile.rows.push_back(static_cast<std::uint32_t>(r));
    }
    pattern.tiles.push_back(std::move(tile));
  }
  return pattern;
}

TilePattern TilePattern::random(std::size_t k, std::size_t n, std::size_t g, double sparsity,
                                std::uint64_t seed) {
  if (!(sparsity >= 0 && sparsity <= 1)) {
    throw usage_error("sparsity", fmt::format("must be in [0, 1], got {}", sparsity));
  }
  if (g == 0) throw usage_error("tile width", "must be at least 1");
  const CounterRng rng(seed, 0);
  const auto keep =
      static_cast<std::size_t>(std::lround((1.0 - sparsity) * static_cast<double>(k)));
  std::vector<std::vector<std::uint32_t>> rows((n + g - 1) / g);
  std::vector<std::uint32_t> order(k);
  for (std::size_t t = 0; t < rows.size(); ++t) {
    std::iota(order.begin(), order.end(), 0u);
    for (std::size_t i = 0; i < keep; ++i) {  // partial Fisher-Yates
      std::swap(order[i], order[i + rng.uniform_int(t * k + i, k - i)]);
    }
    rows[t].assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep));
    std::ranges::sort(rows[t]);
  }
  return contiguous(k, n, g, std::move(rows));
}

}  // namespace tessera::tilewise
