// The tile-wise sparsity pattern of a weight matrix W: (K,N) of a layer C = A·W (Guo et al., SC'20,
// "Accelerating Sparse DNN Models without Hardware-Support via Tile-Wise Sparsity", §3): tiles of
// up to G output columns, each keeping its own set of whole K-rows, so each tile is a small dense
// GEMM while the pattern is irregular across the layer. Columns in no tile are pruned (TW-2D).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/view.hpp"

namespace tessera::tilewise {

/// Default tile width: the N width of the paper's CUTLASS threadblock tile.
inline constexpr std::size_t kDefaultTileWidth = 128;

/// One tile: 1 to G output columns of W and the K-rows kept for all of them.
struct Tile {
  std::vector<std::uint32_t> columns;  // column indices of W, strictly increasing
  std::vector<std::uint32_t> rows;     // kept row (K) indices, strictly increasing; may be empty
};

/// The pattern of a (k × n) weight matrix with tile width g. A column belongs to at most one tile;
/// columns in none are pruned. TW-1D tiles cover consecutive column ranges; TW-2D tiles cover the
/// surviving columns, re-tiled so that each has g live columns.
struct TilePattern {
  std::size_t k = 0;
  std::size_t n = 0;
  std::size_t g = kDefaultTileWidth;
  std::vector<Tile> tiles;

  /// Throws tessera::Error naming `what` unless: g >= 1; every tile has 1..g columns, all below n,
  /// strictly increasing and in no other tile; rows strictly increasing and below k.
  void validate(const std::string& what) const;

  /// Weights kept: the sum over tiles of rows × columns.
  std::size_t kept_weights() const;
  /// 1 - kept_weights / (k·n); 0 for an empty matrix.
  double sparsity() const;
  /// Whether w(row, column) is kept.
  std::vector<bool> mask() const;  // (k, n) row-major

  /// Tiles over consecutive columns [t·g, min((t+1)·g, n)), tile t keeping rows[t].
  static TilePattern contiguous(std::size_t k, std::size_t n, std::size_t g,
                                std::vector<std::vector<std::uint32_t>> rows);
  /// A TW-1D pattern at `sparsity` in [0, 1]: contiguous tiles, each keeping round((1 - s)·k) rows
  /// drawn uniformly without replacement (seeded): what kernel benchmarks time.
  static TilePattern random(std::size_t k, std::size_t n, std::size_t g, double sparsity,
                            std::uint64_t seed);
  /// The pattern of tile width `g` that keeps every nonzero of `w` (k × n, any strides) and
  /// nothing a tile does not need: columns without a nonzero in no tile, the others tiled in
  /// order, g at a time (how TW-2D tiles, and TW-1D where no column is all zero), each tile
  /// keeping the rows with a nonzero in any of its columns. What a model pruned tile-wise and
  /// stored dense (an ONNX initializer) is found to be; packing w with it loses nothing.
  static TilePattern of_nonzeros(View<const float, 2> w, std::size_t g);
};

}  // namespace tessera::tilewise
