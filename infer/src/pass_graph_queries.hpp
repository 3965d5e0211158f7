// Queries the graph passes and the plan share: a node's float32 constant input, a Clip's constant
// bounds, how many readers each value has, and a constant name not yet taken.
#pragma once

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "tessera/infer/graph.hpp"

namespace tessera::infer::detail {

/// Input `i` of `node` when it is a float32 constant of `g`, else nullptr.
inline const Tensor* float_constant(const Graph& g, const Node& node, std::size_t i) {
  if (i >= node.inputs.size() || node.inputs[i].empty()) return nullptr;
  const auto it = g.constants.find(node.inputs[i]);
  return it == g.constants.end() || it->second.type != DataType::kFloat32 ? nullptr : &it->second;
}

/// The bounds of Clip `clip`: attributes before opset 11, constant inputs since (absent: -inf and
/// +inf); nullopt when a bound is given at run time.
inline std::optional<std::pair<float, float>> clip_bounds(const Graph& g, const Node& clip) {
  float lo = -std::numeric_limits<float>::infinity(), hi = -lo;
  if (g.opset < 11) {
    return std::pair{clip.attribute<float>("min", lo), clip.attribute<float>("max", hi)};
  }
  for (std::size_t i = 1; i < clip.inputs.size(); ++i) {
    if (clip.inputs[i].empty()) continue;
    const Tensor* bound = float_constant(g, clip, i);
    if (bound == nullptr || bound->size() != 1) return std::nullopt;
    (i == 1 ? lo : hi) = bound->data<float>()[0];
  }
  return std::pair{lo, hi};
}

/// How many nodes read each value, plus one for a graph output.
inline std::map<std::string, int, std::less<>> readers(const Graph& g) {
  std::map<std::string, int, std::less<>> count;
  for (const Node& n : g.nodes) {
    for (const std::string& in : n.inputs) ++count[in];
  }
  for (const ValueInfo& o : g.outputs) ++count[o.name];
  return count;
}

/// A constant name derived from `base` that `g` does not use yet.
inline std::string fresh_name(const Graph& g, const std::string& base) {
  std::string name = base;
  for (int k = 1; g.constants.count(name); ++k) name = base + "." + std::to_string(k);
  return name;
}

}  // namespace tessera::infer::detail
