// The reference runtime: runs a graph node by node with plain C++ kernels, one per ONNX operator
// (the definition every optimized kernel and plan is checked against).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tessera/infer/graph.hpp"
#include "tessera/infer/tensor.hpp"

namespace tessera::infer {

using TensorMap = std::map<std::string, Tensor, std::less<>>;

/// The graph's outputs by name for `inputs` (by name). tessera::Error for a missing input, one
/// whose element type or shape differs from the graph's, or a node whose inputs its operator
/// rejects (naming the node).
TensorMap run_reference(const Graph& graph, const TensorMap& inputs);

/// The operators the reference runtime (and so the importer) supports, sorted.
std::vector<std::string> reference_operators();

}  // namespace tessera::infer
