// The pass list, running it with --print-after, and the printed form of a graph.
#include "tessera/infer/passes.hpp"

#include <fmt/format.h>

#include "tessera/core/error.hpp"

namespace tessera::infer {
namespace {

std::string attribute_text(const Attribute& a) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, Tensor>) {
          return fmt::format("<{} {}>", to_string(v.type), shape_string(v.shape));
        } else if constexpr (std::is_same_v<V, std::string>) {
          return fmt::format("\"{}\"", v);
        } else if constexpr (std::is_same_v<V, std::vector<std::int64_t>> ||
                             std::is_same_v<V, std::vector<float>>) {
          return fmt::format("[{}]", fmt::join(v, ", "));
        } else {
          return fmt::format("{}", v);
        }
      },
      a);
}

}  // namespace

std::vector<Pass> default_passes() {
  return {{"remove-pass-throughs", &remove_pass_throughs},
          {"fold-constants", &fold_constants},
          {"fold-batch-norm", &fold_batch_norm},
          {"fuse-epilogues", &fuse_epilogues},
          {"eliminate-dead-code", &eliminate_dead_code}};
}

void check_print_after(const std::vector<Pass>& passes, std::string_view print_after) {
  bool known = print_after.empty() || print_after == "all";
  for (const Pass& p : passes) known = known || p.name == print_after;
  if (!known) {
    std::string names;
    for (const Pass& p : passes) names += fmt::format("{}{}", names.empty() ? "" : ", ", p.name);
    throw Error("print-after",
                fmt::format("'{}' is not a pass (passes: {}, all)", print_after, names),
                ExitCode::kUsage);
  }
}

Graph run_passes(Graph graph, const std::vector<Pass>& passes, std::string_view print_after,
                 std::ostream* out) {
  check_print_after(passes, print_after);
  for (const Pass& p : passes) {
    graph = p.run(std::move(graph));
    if (out != nullptr && (print_after == "all" || print_after == p.name)) {
      *out << "# after " << p.name << "\n";
      print_graph(graph, *out);
    }
  }
  return graph;
}

void print_graph(const Graph& graph, std::ostream& out) {
  for (const Node& n : graph.nodes) {
    std::string attributes;
    for (const auto& [key, value] : n.attributes) {
      attributes +=
          fmt::format("{}{}={}", attributes.empty() ? " {" : ", ", key, attribute_text(value));
    }
    out << fmt::format("{} = {}({}){}{}\n", fmt::join(n.outputs, ", "), n.op_type,
                       fmt::join(n.inputs, ", "), attributes, attributes.empty() ? "" : "}");
  }
  std::vector<std::string> outputs;
  for (const ValueInfo& o : graph.outputs) outputs.push_back(o.name);
  out << fmt::format("outputs: {} ({} nodes, {} constants)\n", fmt::join(outputs, ", "),
                     graph.nodes.size(), graph.constants.size());
}

}  // namespace tessera::infer
