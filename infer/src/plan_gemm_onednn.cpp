// Gemm and MatMul on oneDNN's inner product (plan_ops.hpp): the constant weights reordered once
// into the layout the primitive asks for (alpha folded in), beta·C as its bias.
#include <dnnl.hpp>
#include <memory>
#include <vector>

#include "layout_onednn.hpp"
#include "plan_ops.hpp"

namespace tessera::infer::detail {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

// The primitive with its weights, bias and the plan's buffers bound.
struct InnerProduct {
  dnnl::stream stream{onednn_engine()};
  dnnl::inner_product_forward primitive;
  memory src, weights, bias, dst;

  void run() {
    primitive.execute(stream, {{DNNL_ARG_SRC, src},
                               {DNNL_ARG_WEIGHTS, weights},
                               {DNNL_ARG_BIAS, bias},
                               {DNNL_ARG_DST, dst}});
    stream.wait();
  }
};

}  // namespace

std::optional<StepKernel> onednn_gemm_step(const Node& node, const Graph& graph,
                                           ValueStore& values) {
  if (node.op_type != "Gemm" && node.op_type != "MatMul") return std::nullopt;
  const std::optional<GemmNode> g = gemm_node(node, values);
  const auto b = graph.constants.find(node.inputs[1]);
  if (!g || g->trans_a || b == graph.constants.end() || b->second.type != DataType::kFloat32)
    return std::nullopt;
  const std::size_t n = static_cast<std::size_t>(g->n), k = static_cast<std::size_t>(g->k);
  if (g->c != nullptr && g->c_size != 1 && g->c_size != n) return std::nullopt;  // not a bias
  dnnl::engine& engine = onednn_engine();
  const auto f32 = memory::data_type::f32;
  const memory::desc src({g->m, g->k}, f32, tag::nc), dst({g->m, g->n}, f32, tag::nc);
  const memory::desc weights({g->n, g->k}, f32, tag::any), bias({g->n}, f32, tag::x);
  const dnnl::inner_product_forward::primitive_desc pd(
      {dnnl::prop_kind::forward_inference, src, weights, bias, dst}, engine);
  auto ip = std::make_shared<InnerProduct>();
  ip->primitive = dnnl::inner_product_forward(pd);
  // W as (n, k), "oi": B itself under transB, else B (k, n) read by its columns; times alpha.
  std::vector<float> w(n * k);
  const float* pb = b->second.data<float>().data();
  for (std::size_t o = 0; o < n; ++o)
    for (std::size_t i = 0; i < k; ++i)
      w[o * k + i] = g->alpha * (g->trans_b ? pb[o * k + i] : pb[i * n + o]);
  memory user_weights({{g->n, g->k}, f32, tag::oi}, engine, w.data());
  ip->weights = memory(pd.weights_desc(), engine);
  dnnl::reorder(user_weights, ip->weights).execute(ip->stream, user_weights, ip->weights);
  ip->bias = memory(bias, engine);
  auto* pbias = static_cast<float*>(ip->bias.get_data_handle());
  for (std::size_t o = 0; o < n; ++o)
    pbias[o] = g->c == nullptr ? 0.0f : g->beta * g->c[g->c_size == 1 ? 0 : o];
  ip->stream.wait();
  ip->src = memory(src, engine, values.at(node.inputs[0]).data<float>().data());
  ip->dst = memory(dst, engine, values.at(node.outputs[0]).data<float>().data());
  return StepKernel{"onednn-inner-product", [ip] { ip->run(); }};
}

}  // namespace tessera::infer::detail
