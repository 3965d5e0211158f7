// The plan's own kernels for the nodes around the convolutions (plan.hpp): float Gemm and 2-D
// MatMul on OpenBLAS, MaxPool, GlobalAveragePool, same-shape Add, Relu, Clip, LeakyRelu, Concat,
// and the reshapes (Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout) as copies.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "tessera/core/threads.hpp"
#include "tessera/infer/graph.hpp"

namespace tessera::infer::detail {

/// Every value of a plan by name: constants, inputs and each node's outputs, allocated once.
using ValueStore = std::map<std::string, Tensor, std::less<>>;

/// A compiled step: the kernel's name and the call that runs it on the plan's buffers.
struct StepKernel {
  std::string kernel;
  std::function<void()> run;
};

/// Columns per piece when the plan splits a GEMM of `columns` output columns over its threads,
/// one OpenBLAS call per piece: one piece per thread, of at least 64 columns.
inline std::size_t gemm_column_block(std::size_t columns) {
  const auto threads = static_cast<std::size_t>(thread_count());
  return std::max<std::size_t>(64, (columns + threads - 1) / threads);
}

/// A 2-D Gemm or MatMul node's operands: Y (m, n) = alpha·op(A)·op(B) + beta·C.
struct GemmNode {
  bool trans_a = false, trans_b = false;
  float alpha = 1, beta = 0;
  std::int64_t m = 0, n = 0, k = 0;
  const float* c = nullptr;  // C: one value, one per column, or one per element; or none
  std::size_t c_size = 0;

  /// y += beta·C (nothing without C).
  void add_c(float* y) const;
};

/// The operands of Gemm or MatMul `node` as `values` holds them; nullopt where an operand is not
/// 2-D or C has another shape than those Gemm broadcasts.
std::optional<GemmNode> gemm_node(const Node& node, const ValueStore& values);

#ifdef TESSERA_INFER_ONEDNN
/// Float Gemm or MatMul `node` (A not transposed, B a constant of `graph`, C none, one value or
/// one per column) on oneDNN's inner product, its weights (times alpha) reordered once into the
/// primitive's layout and beta·C as its bias: "onednn-inner-product"; nullopt otherwise.
std::optional<StepKernel> onednn_gemm_step(const Node& node, const Graph& graph,
                                           ValueStore& values);
#endif

/// A kernel of the plan's own for `node`, whose inputs and outputs `values` already holds at
/// their final shapes (the buffers stay where they are); nullopt where the node is outside what
/// these kernels take (another type, broadcasting, an attribute they do not handle), and the
/// reference kernel runs it instead.
std::optional<StepKernel> own_kernel_step(const Node& node, const Graph& graph, ValueStore& values);

}  // namespace tessera::infer::detail
