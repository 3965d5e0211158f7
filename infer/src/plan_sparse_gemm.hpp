// The tile-wise sparse candidate of Gemm and MatMul: where the constant weights are pruned
// tile-wise (by `tessera tilewise prune`, or any pruning that leaves whole K-rows of column tiles
// zero) and stored dense, as an ONNX initializer is, the pattern is found in the zeros, the kept
// weights are packed once, and tilewise's TW-GEMM multiplies only those. The plan times it beside
// the dense kernel and keeps the faster.
#pragma once

#include <optional>

#include "plan_ops.hpp"

namespace tessera::infer::detail {

/// Weights outside the tiles below which the candidate is not offered (it cannot win there).
inline constexpr double kMinTileWiseSparsity = 0.25;

/// The TW-GEMM step of float Gemm or MatMul `node` (A not transposed) whose B is a constant of
/// `graph`: W = alpha·op(B) (k × n) packed with the tile-wise pattern that keeps its nonzeros and
/// the fewest other weights (TilePattern::of_nonzeros over tile widths 256, 128, 64 and 32),
/// then beta·C added; nullopt for other nodes, and where that pattern prunes less than
/// kMinTileWiseSparsity of W. Weights pruned with another tile width are found as tiles of one
/// of these four, which keep the union of their rows: less sparse, and maybe not offered.
std::optional<StepKernel> tw_gemm_step(const Node& node, const Graph& graph, ValueStore& values);

}  // namespace tessera::infer::detail
