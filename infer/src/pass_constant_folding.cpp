// Constant folding: a node whose inputs are all constants runs once, with the reference kernel,
// and its outputs become constants (this turns the ConstantOfShape weights of the light_* models
// into the weights the later passes fold into).
#include "reference_ops.hpp"
#include "tessera/infer/passes.hpp"

namespace tessera::infer {

Graph fold_constants(Graph graph) {
  std::vector<Node> kept;
  std::vector<const Tensor*> args;
  for (Node& node : graph.nodes) {
    bool constant = true;
    args.clear();
    for (const std::string& in : node.inputs) {
      if (in.empty()) {
        args.push_back(nullptr);
        continue;
      }
      const auto it = graph.constants.find(in);
      constant = constant && it != graph.constants.end();
      args.push_back(constant ? &it->second : nullptr);
    }
    const ReferenceOp op = find_reference_op(node.op_type);
    if (!constant || op == nullptr) {
      kept.push_back(std::move(node));
      continue;
    }
    std::vector<Tensor> results = op(node, args, graph.opset);
    for (std::size_t i = 0; i < node.outputs.size() && i < results.size(); ++i) {
      if (!node.outputs[i].empty()) graph.constants[node.outputs[i]] = std::move(results[i]);
    }
  }
  graph.nodes = std::move(kept);
  return graph;
}

}  // namespace tessera::infer
