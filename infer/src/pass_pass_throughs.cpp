// Removal of Identity and inference-time Dropout: their consumers read the node's input instead.
// A node whose output is a graph output stays (the graph's interface keeps its names), and so
// does a Dropout whose mask something reads.
#include <map>

#include "tessera/infer/passes.hpp"

namespace tessera::infer {
namespace {

bool is_graph_output(const Graph& graph, const std::string& name) {
  for (const ValueInfo& o : graph.outputs) {
    if (o.name == name) return true;
  }
  return false;
}

}  // namespace

Graph remove_pass_throughs(Graph graph) {
  std::map<std::string, std::string, std::less<>> renamed;  // removed output -> its source
  std::vector<Node> kept;
  for (Node& node : graph.nodes) {
    for (std::string& in : node.inputs) {
      if (const auto it = renamed.find(in); it != renamed.end()) in = it->second;
    }
    const bool pass_through = node.op_type == "Identity" || node.op_type == "Dropout";
    const bool mask_unread = node.outputs.size() < 2 || node.outputs[1].empty();
    if (pass_through && mask_unread && node.inputs.size() >= 1 && !node.inputs[0].empty() &&
        !is_graph_output(graph, node.outputs[0])) {
      renamed[node.outputs[0]] = node.inputs[0];
      continue;
    }
    kept.push_back(std::move(node));
  }
  graph.nodes = std::move(kept);
  return graph;
}

}  // namespace tessera::infer
