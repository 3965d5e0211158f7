// Pruning to the tile-wise pattern and to the patterns it is compared with (Guo et al., SC'20, §4):
// element scores (magnitude, or first-order Taylor (∂L/∂w · w)² summed over mini-batches), unit
// scores that are length-normalised L2 norms of the element scores, and one global threshold over
// the units of all pruned layers, so that sensitive layers keep more. Patterns: EW (elements),
// VW (each 1×16 vector along K keeps its best (1 - s)·16), BW (32×32 blocks), TW-1D (row segments
// of G-column tiles), TW-2D (whole columns first, the survivors re-tiled, then row segments) and
// the hybrid TEW (TW to s + δ, then the best δ of the pruned weights restored element-wise).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "tessera/core/buffer.hpp"
#include "tessera/core/view.hpp"
#include "tessera/tilewise/tile_pattern.hpp"

namespace tessera::tilewise {

enum class PatternKind { kElementWise, kVectorWise, kBlockWise, kTileWise1D, kTileWise2D, kHybrid };

/// Whether `kind` prunes to tiles (TW-1D, TW-2D, TEW): its layers pack for TW-GEMM.
bool is_tile_wise(PatternKind kind);

/// "ew", "vw", "bw", "tw", "tw2d", "tew".
std::string_view to_string(PatternKind kind);
/// Parses to_string's names; tessera::usage_error naming PruneOptions::pattern otherwise.
PatternKind parse_pattern(std::string_view name);

struct PruneOptions {
  PatternKind pattern = PatternKind::kTileWise1D;
  double sparsity = 0.75;  // fraction of the weights of all layers removed, in [0, 1]
  std::size_t tile_width = kDefaultTileWidth;  // G of the TW patterns
  std::size_t vector_length = 16;              // VW
  std::size_t block_size = 32;                 // BW: block_size × block_size
  double hybrid_delta = 0.05;                  // TEW: fraction of all weights restored element-wise
};

/// Which weights of one (k × n) layer survive; for the TW patterns also the tile pattern (for TEW,
/// of the tile-wise part: `kept` adds the restored elements to it).
struct LayerMask {
  std::size_t k = 0;
  std::size_t n = 0;
  std::vector<std::uint8_t> kept;    // (k, n) row-major, 1 = kept
  std::optional<TilePattern> tiles;  // TW-1D, TW-2D, TEW

  std::size_t kept_count() const;
};

/// Element scores for magnitude pruning: |w|.
AlignedBuffer<float> magnitude_scores(View<const float, 2> w);

/// Throws tessera::usage_error naming the PruneOptions field for a sparsity or hybrid delta
/// outside [0, 1] or a zero size: what prune() checks first, for callers to check before work.
void check_prune_options(const PruneOptions& options);

/// Prunes every layer given its element scores (k × n each, non-negative) so that the weights
/// removed over all layers are the fraction options.sparsity (up to one unit; VW exactly per
/// vector). Ties are broken by layer, then position, so the result depends on the scores only.
/// Throws check_prune_options' usage errors, and a tessera::Error (exit code 1: a problem of the
/// data) naming "scores" for a negative or NaN score.
std::vector<LayerMask> prune(std::span<const View<const float, 2>> scores,
                             const PruneOptions& options);

}  // namespace tessera::tilewise
