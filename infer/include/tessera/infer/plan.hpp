// The optimized runtime: a graph compiled into a plan of steps, one per node, over buffers
// allocated once for the graph's static shapes. A 2-D Conv or FusedConv gets every kernel of the
// "infer.conv" registry that takes it (im2col + OpenBLAS, a direct depthwise kernel, oneDNN in
// NCHW or in its own blocked layouts with the reorders), each timed in place, and keeps the
// fastest; Gemm runs on OpenBLAS; MaxPool, GlobalAveragePool, Add, Relu, Clip, Concat and the
// reshapes have their own float kernels; any other node runs its reference kernel.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tessera/infer/graph.hpp"
#include "tessera/infer/reference.hpp"

namespace tessera::infer {

struct PlanOptions {
  /// Conv kernels the plan may choose from, by registry name ("onednn-blocked", ...); empty: all.
  std::vector<std::string> conv_kernels{};
  /// Timed runs per candidate kernel (the median counts), after one warm-up run.
  int repetitions = 5;
};

/// What the plan chose for one node, and why.
struct PlanStep {
  std::string node;     // the node's name
  std::string op_type;  // its operator
  std::string kernel;   // the kernel that runs it ("onednn-blocked", "openblas", ...)
  std::vector<std::pair<std::string, double>> candidates;  // each candidate's median seconds
};

/// An input for each of the graph's inputs: float32 ones uniform in [-1, 1) from `seed`, others
/// zero (what plans are tuned and benchmarks timed on).
TensorMap random_inputs(const Graph& graph, std::uint64_t seed);

class Plan {
 public:
  /// Compiles `graph` (its input shapes fixed) and times the candidates of each Conv on random
  /// inputs. Sets OpenBLAS to one thread for the process: the plan's kernels split their GEMMs
  /// over tessera's threads. tessera::Error naming the node for a node its kernels reject, or
  /// naming an option for a conv kernel name that is unknown (usage error).
  static Plan compile(const Graph& graph, const PlanOptions& options = {});

  Plan(Plan&&) noexcept;
  Plan& operator=(Plan&&) noexcept;
  ~Plan();

  /// The graph's outputs for `inputs`, by name; tessera::Error for a missing input or one of
  /// another type or shape than the graph's.
  TensorMap run(const TensorMap& inputs);

  /// One entry per node, in order.
  const std::vector<PlanStep>& steps() const;

  /// Median seconds of each step over `runs` runs of the whole plan on `inputs` (checked as
  /// run() checks them), in step order.
  std::vector<double> profile(const TensorMap& inputs, int runs);

 private:
  struct Impl;
  explicit Plan(std::unique_ptr<Impl> impl);
  // Checks `inputs` against the graph's and copies them into the plan's buffers.
  void load_inputs(const TensorMap& inputs);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::infer
