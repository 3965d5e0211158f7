// Gemm and MatMul on tilewise's TW-GEMM where the constant weights are tile-wise sparse.
#include "plan_sparse_gemm.hpp"

#include <algorithm>
#include <memory>

#include "tessera/core/buffer.hpp"
#include "tessera/tilewise/tw_gemm.hpp"

namespace tessera::infer::detail {

std::optional<StepKernel> tw_gemm_step(const Node& node, const Graph& graph, ValueStore& values) {
  if (node.op_type != "Gemm" && node.op_type != "MatMul") return std::nullopt;
  for (const auto* names : {&node.inputs, &node.outputs}) {
    for (const std::string& name : *names) {
      if (!name.empty() && values.at(name).type != DataType::kFloat32) return std::nullopt;
    }
  }
  const std::optional<GemmNode> g = gemm_node(node, values);
  const auto b = graph.constants.find(node.inputs[1]);
  if (!g || g->trans_a || b == graph.constants.end()) return std::nullopt;
  const auto k = static_cast<std::size_t>(g->k), n = static_cast<std::size_t>(g->n);
  const float* pb = b->second.data<float>().data();
  // A pattern keeps every nonzero: too few zeros, and none can prune enough (dense weights).
  if (static_cast<double>(std::count(pb, pb + k * n, 0.0f)) <
      kMinTileWiseSparsity * static_cast<double>(k * n))
    return std::nullopt;
  // W = alpha·op(B), row-major (k, n).
  AlignedBuffer<float> w(k * n);
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < n; ++c)
      w[r * n + c] = g->alpha * (g->trans_b ? pb[c * k + r] : pb[r * n + c]);
  const View<const float, 2> weights(w.data(), {k, n});
  std::optional<tilewise::TilePattern> pattern;
  for (const std::size_t width : {256, 128, 64, 32}) {  // a tie keeps the wider tiles
    tilewise::TilePattern p = tilewise::TilePattern::of_nonzeros(weights, width);
    if (!pattern || p.kept_weights() < pattern->kept_weights()) pattern = std::move(p);
  }
  if (pattern->sparsity() < kMinTileWiseSparsity) return std::nullopt;
  const auto packed =
      std::make_shared<const tilewise::TwMatrix>(tilewise::TwMatrix::pack(*pattern, weights));
  const float* pa = values.at(node.inputs[0]).data<float>().data();
  float* py = values.at(node.outputs[0]).data<float>().data();
  const tilewise::TwKernel* kernel = &tilewise::tw_kernel();
  const auto m = static_cast<std::size_t>(g->m);
  return StepKernel{"tilewise-tw-gemm", [=, g = *g] {
                      tilewise::tw_gemm(View<const float, 2>(pa, {m, k}), *packed,
                                        View<float, 2>(py, {m, n}), *kernel);
                      g.add_c(py);
                    }};
}

}  // namespace tessera::infer::detail
