// Epilogue fusion: a Conv and what follows it element by element become one FusedConv node
// (domain ai.tessera), y = activation(conv(x, w) + bias + z). In order, where each value is
// read by the next node only:
//   - an Add of a per-channel constant is summed into the Conv's bias;
//   - an Add of another value becomes the residual input z;
//   - a Relu, a Clip with constant bounds or a LeakyRelu becomes the activation.
// The fused node takes the place of the last node it absorbs, where z is already computed (a
// ResNet shortcut may be computed after the Conv that it is added to).
#include <fmt/format.h>

#include <limits>
#include <optional>

#include "pass_graph_queries.hpp"
#include "tessera/infer/passes.hpp"

namespace tessera::infer {
namespace {

using detail::clip_bounds;
using detail::float_constant;
using detail::fresh_name;
using detail::readers;

struct Consumers {
  std::map<std::string, int, std::less<>> reads;       // readers(g)
  std::map<std::string, std::size_t, std::less<>> by;  // value -> its first reader's index
};

Consumers consumers_of(const Graph& g) {
  Consumers c{readers(g), {}};
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    for (const std::string& in : g.nodes[i].inputs) c.by.emplace(in, i);
  }
  return c;
}

// The node that alone reads `value` (and the value is no graph output), if any.
std::optional<std::size_t> sole_reader(const Consumers& c, const std::string& value) {
  const auto n = c.reads.find(value);
  const auto reader = c.by.find(value);
  if (n == c.reads.end() || n->second != 1 || reader == c.by.end()) return std::nullopt;
  return reader->second;
}

// The operand of binary `node` other than `value` (empty when both or neither are it).
std::string other_operand(const Node& node, const std::string& value) {
  if (node.inputs.size() != 2 || node.inputs[0] == node.inputs[1]) return {};
  if (node.inputs[0] == value) return node.inputs[1];
  if (node.inputs[1] == value) return node.inputs[0];
  return {};
}

// Whether constant `c`, broadcast against a Conv output of `rank` dimensions and `channels`
// channels, holds one value per channel (or one for all).
bool per_channel(const Tensor& c, std::size_t rank, std::int64_t channels) {
  if (c.rank() > rank) return false;
  const auto channel_axis =
      static_cast<std::ptrdiff_t>(c.rank()) - static_cast<std::ptrdiff_t>(rank) + 1;
  for (std::size_t d = 0; d < c.rank(); ++d) {
    const bool channel = static_cast<std::ptrdiff_t>(d) == channel_axis && c.shape[d] == channels;
    if (c.shape[d] != 1 && !channel) return false;
  }
  return true;
}

// Sums per-channel constant `c` into the bias of `fused` (a new constant).
void add_to_bias(Graph& g, Node& fused, const Tensor& c, std::int64_t channels) {
  Tensor bias(DataType::kFloat32, {channels});
  auto b = bias.data<float>();
  if (const Tensor* old = float_constant(g, fused, 2)) {
    for (std::int64_t k = 0; k < channels; ++k) b[k] = old->data<float>()[k];
  }
  const auto add = c.data<float>();
  for (std::int64_t k = 0; k < channels; ++k) b[k] += add[c.size() == 1 ? 0 : k];
  const std::string name = fresh_name(g, fused.name + ".fused_bias");
  g.constants[name] = std::move(bias);
  fused.inputs.resize(3);
  fused.inputs[2] = name;
}

}  // namespace

Graph fuse_epilogues(Graph graph) {
  Consumers c = consumers_of(graph);
  std::vector<bool> removed(graph.nodes.size(), false);
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& conv = graph.nodes[i];
    const Tensor* weight = float_constant(graph, conv, 1);
    if (conv.op_type != "Conv" || weight == nullptr || conv.outputs.size() != 1) continue;
    // Conv's bias must be absent or constant to take more constants into it.
    const bool bias_constant = conv.inputs.size() < 3 || conv.inputs[2].empty() ||
                               float_constant(graph, conv, 2) != nullptr;
    const std::int64_t channels = weight->shape[0];
    Node fused = conv;
    fused.op_type = "FusedConv";
    std::string out = conv.outputs[0];
    std::size_t last = i;
    bool has_residual = false, has_activation = false;
    while (const auto j = sole_reader(c, out)) {
      const Node& next = graph.nodes[*j];
      if (removed[*j] || next.outputs.size() != 1 || has_activation) break;
      if (next.op_type == "Add" && !has_residual) {
        const std::string other = other_operand(next, out);
        if (other.empty()) break;
        const auto constant = graph.constants.find(other);
        if (constant != graph.constants.end()) {
          if (!bias_constant || constant->second.type != DataType::kFloat32 ||
              !per_channel(constant->second, weight->rank(), channels))
            break;
          add_to_bias(graph, fused, constant->second, channels);
        } else {
          fused.inputs.resize(3);
          fused.inputs.push_back(other);
          has_residual = true;
        }
      } else if (next.op_type == "Relu") {
        fused.attributes["activation"] = std::string("Relu");
        has_activation = true;
      } else if (next.op_type == "LeakyRelu") {
        fused.attributes["activation"] = std::string("LeakyRelu");
        fused.attributes["activation_alpha"] = next.attribute<float>("alpha", 0.01f);
        has_activation = true;
      } else if (next.op_type == "Clip") {
        const auto bounds = clip_bounds(graph, next);
        if (!bounds) break;
        fused.attributes["activation"] = std::string("Clip");
        fused.attributes["activation_min"] = bounds->first;
        fused.attributes["activation_max"] = bounds->second;
        has_activation = true;
      } else {
        break;
      }
      removed[*j] = true;
      last = *j;
      out = next.outputs[0];
    }
    if (last == i) continue;
    fused.outputs = {out};
    removed[i] = true;
    removed[last] = false;
    graph.nodes[last] = std::move(fused);
  }
  std::vector<Node> kept;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!removed[i]) kept.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(kept);
  return eliminate_dead_code(std::move(graph));  // constants the new biases replace
}

}  // namespace tessera::infer
