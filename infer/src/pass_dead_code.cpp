// Dead-code elimination: a node stays only if one of its outputs reaches a graph output; a
// constant stays only if a remaining node reads it.
#include <set>

#include "tessera/infer/passes.hpp"

namespace tessera::infer {

Graph eliminate_dead_code(Graph graph) {
  std::set<std::string, std::less<>> live;
  for (const ValueInfo& o : graph.outputs) live.insert(o.name);
  std::vector<Node> kept;
  for (auto it = graph.nodes.rbegin(); it != graph.nodes.rend(); ++it) {
    bool used = false;
    for (const std::string& out : it->outputs) used = used || (!out.empty() && live.count(out));
    if (!used) continue;
    for (const std::string& in : it->inputs) {
      if (!in.empty()) live.insert(in);
    }
    kept.push_back(std::move(*it));
  }
  graph.nodes.assign(std::make_move_iterator(kept.rbegin()), std::make_move_iterator(kept.rend()));
  std::erase_if(graph.constants, [&](const auto& entry) { return !live.count(entry.first); });
  return graph;
}

}  // namespace tessera::infer
