// BatchNormalization folded into the Conv or Gemm before it. At inference BN is per channel
// y = s·(x − mean) + bias with s = scale/sqrt(var + epsilon): scaling output channel f of the
// weights by s[f] and setting its bias to s[f]·(b[f] − mean[f]) + bias[f] gives the same outputs
// without the BN node. Applies where the weights, bias and BN parameters are constants and
// nothing else reads the Conv or Gemm output.
#include <cmath>
#include <map>

#include "pass_graph_queries.hpp"
#include "tessera/infer/passes.hpp"

namespace tessera::infer {
namespace {

using detail::float_constant;
using detail::fresh_name;
using detail::readers;

// Folds `bn` into `producer` when the shapes allow; false leaves both as they were.
bool fold_into(Graph& g, Node& producer, const Node& bn) {
  const Tensor* params[4];
  for (std::size_t i = 0; i < 4; ++i) {
    if ((params[i] = float_constant(g, bn, i + 1)) == nullptr) return false;
  }
  if (bn.attribute<std::int64_t>("training_mode", 0) != 0 || bn.outputs.size() > 1) return false;
  const Tensor* weight = float_constant(g, producer, 1);
  if (weight == nullptr || (producer.op_type == "Gemm" && weight->rank() != 2)) return false;
  const bool gemm = producer.op_type == "Gemm";
  const bool trans_b = gemm && producer.attribute<std::int64_t>("transB", 0) != 0;
  const std::int64_t channels =
      gemm ? (trans_b ? weight->shape[0] : weight->shape[1]) : weight->shape[0];
  for (const Tensor* p : params) {
    if (p->size() != static_cast<std::size_t>(channels)) return false;
  }
  // The producer's bias per channel (absent: zero); Gemm's C only as a row of N (or [1, N]).
  std::vector<double> bias(static_cast<std::size_t>(channels), 0.0);
  const Tensor* b = producer.inputs.size() > 2 ? float_constant(g, producer, 2) : nullptr;
  if (producer.inputs.size() > 2 && !producer.inputs[2].empty() && b == nullptr) return false;
  const double beta = gemm ? producer.attribute<float>("beta", 1.0f) : 1.0;
  if (b != nullptr) {
    if (b->size() != static_cast<std::size_t>(channels) ||
        (gemm && b->rank() == 2 && b->shape[0] != 1))
      return false;
    for (std::size_t f = 0; f < bias.size(); ++f) bias[f] = beta * b->data<float>()[f];
  }
  const double epsilon = bn.attribute<float>("epsilon", 1e-5f);
  const auto scale = params[0]->data<float>(), shift = params[1]->data<float>();
  const auto mean = params[2]->data<float>(), var = params[3]->data<float>();
  Tensor new_weight = *weight;
  Tensor new_bias(DataType::kFloat32, {channels});
  auto w = new_weight.data<float>();
  auto nb = new_bias.data<float>();
  const std::size_t per_channel = w.size() / static_cast<std::size_t>(channels);
  for (std::size_t f = 0; f < static_cast<std::size_t>(channels); ++f) {
    const double s = scale[f] / std::sqrt(static_cast<double>(var[f]) + epsilon);
    if (gemm && !trans_b) {  // B is (K, N): channel f is column f
      for (std::size_t k = 0; k < per_channel; ++k)
        w[k * channels + f] = static_cast<float>(w[k * channels + f] * s);
    } else {  // Conv (F, C/g, ...) and Gemm's transposed B (N, K): channel f is row f
      for (std::size_t k = 0; k < per_channel; ++k)
        w[f * per_channel + k] = static_cast<float>(w[f * per_channel + k] * s);
    }
    nb[f] = static_cast<float>(s * (bias[f] - mean[f]) + shift[f]);
  }
  const std::string weight_name = fresh_name(g, producer.name + ".folded_weight");
  const std::string bias_name = fresh_name(g, producer.name + ".folded_bias");
  g.constants[weight_name] = std::move(new_weight);
  g.constants[bias_name] = std::move(new_bias);
  producer.inputs.resize(3);
  producer.inputs[1] = weight_name;
  producer.inputs[2] = bias_name;
  if (gemm) producer.attributes["beta"] = 1.0f;
  producer.outputs[0] = bn.outputs[0];
  return true;
}

}  // namespace

Graph fold_batch_norm(Graph graph) {
  const auto count = readers(graph);
  std::map<std::string, std::size_t, std::less<>> producer_of;
  std::vector<bool> removed(graph.nodes.size(), false);
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    if (node.op_type == "BatchNormalization" && !node.inputs.empty()) {
      const auto it = producer_of.find(node.inputs[0]);
      const auto reads = count.find(node.inputs[0]);
      if (it != producer_of.end() && reads != count.end() && reads->second == 1 &&
          fold_into(graph, graph.nodes[it->second], node)) {
        removed[i] = true;
        continue;
      }
    }
    if ((node.op_type == "Conv" || node.op_type == "Gemm") && !node.outputs.empty())
      producer_of[node.outputs[0]] = i;
  }
  std::vector<Node> kept;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!removed[i]) kept.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(kept);
  return eliminate_dead_code(std::move(graph));  // the BN parameters no one reads any more
}

}  // namespace tessera::infer
