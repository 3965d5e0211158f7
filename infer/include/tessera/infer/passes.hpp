// Graph passes, one per file (src/pass_*.cpp), each keeping the graph's outputs the same (tests
// check it numerically). A pass takes a graph and returns the rewritten one; run_passes applies
// a list in order and can print the graph after any of them.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/infer/graph.hpp"

namespace tessera::infer {

/// Removes nodes whose outputs reach no graph output.
Graph eliminate_dead_code(Graph graph);
/// Removes Identity nodes and inference-time Dropout nodes (whose mask output nothing reads),
/// renaming their consumers' inputs to the node's input.
Graph remove_pass_throughs(Graph graph);
/// Replaces nodes whose inputs are all constants by the constants they compute (the reference
/// kernels run them once).
Graph fold_constants(Graph graph);
/// Folds a BatchNormalization that follows a Conv or Gemm (constant weights, its output read by
/// nothing else) into that node's weights and bias.
Graph fold_batch_norm(Graph graph);

/// Fuses a Conv with the per-channel constant Adds (into its bias), the residual Add and the
/// activation (Relu, Clip with constant bounds, LeakyRelu) that follow it, each read by the next
/// only, into one FusedConv node of domain ai.tessera: activation(conv(x) + bias + z).
Graph fuse_epilogues(Graph graph);

struct Pass {
  std::string_view name;
  Graph (*run)(Graph);
};

/// The passes in the order run_passes applies them by default.
std::vector<Pass> default_passes();

/// A usage error (tessera::Error, exit 2) unless `print_after` is empty, "all" or a pass's name.
void check_print_after(const std::vector<Pass>& passes, std::string_view print_after);

/// `graph` through `passes` in order; after the pass named `print_after` (or after every pass for
/// "all") the graph is printed to `out`.
Graph run_passes(Graph graph, const std::vector<Pass>& passes, std::string_view print_after = {},
                 std::ostream* out = nullptr);

/// One line per node: "outputs = Op(inputs) {attributes}", then the graph's outputs.
void print_graph(const Graph& graph, std::ostream& out);

}  // namespace tessera::infer
