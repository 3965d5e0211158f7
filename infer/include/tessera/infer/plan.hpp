// The optimized runtime: a graph compiled into a plan of steps, one per node, over buffers
// allocated once for the graph's static shapes. A 2-D Conv or FusedConv gets every kernel of the
// "infer.conv" registry that takes it (im2col + OpenBLAS, a direct depthwise kernel, im2col + a
// generated GEMM kernel on a tuned schedule, oneDNN in NCHW, in the layouts it picks, in NHWC or
// in channel blocks), each timed in place, and keeps the cheapest counting the reorders to and
// from NCHW that a value passed between two steps in one layout does without. Pooling and channel
// Concat compute in the layout of their inputs (oneDNN), so that layouts pass through them; the
// values kept in those layouts share buffers in an arena by lifetime. Gemm runs on OpenBLAS;
// MaxPool, GlobalAveragePool, Add, Relu, Clip, Concat and the reshapes also have NCHW float
// kernels of their own; any other node runs its reference kernel.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/progress.hpp"
#include "tessera/infer/graph.hpp"
#include "tessera/infer/plan_step.hpp"
#include "tessera/infer/reference.hpp"
#include "tessera/tune/tuner.hpp"

namespace tessera::infer {

struct PlanOptions {
  /// Conv kernels the plan may choose from, by registry name ("onednn-blocked", ...); empty: all.
  std::vector<std::string> conv_kernels{};
  /// Timed runs per candidate kernel (the median counts), after one warm-up run.
  int repetitions = 5;
  /// The kernel of each timed node (Conv, and Gemm or MatMul with tile-wise sparse weights) by
  /// node name, as a saved plan has them: those nodes are not timed (the kernel must take the
  /// node, else tessera::Error naming the node).
  std::map<std::string, std::string, std::less<>> chosen{};
  /// The schedule of each node on a loop-nest kernel (generated-gemm, blocked-direct,
  /// blocked-depthwise) by node name, as a saved plan has them.
  std::map<std::string, std::string, std::less<>> schedules{};
  /// A progress bar of the nodes compiled, "plan <graph name>", on `progress_stream`.
  ProgressMode progress = ProgressMode::kNever;
  std::FILE* progress_stream = stderr;
  /// A tuning log (tune/tuning_log.hpp) whose schedules the loop-nest kernels of the Conv nodes
  /// take (GEMM tasks, and convolution tasks of the blocked records), for the tasks it has on
  /// this hardware; empty: none.
  std::string tuning_log{};
  /// Tune the tasks the log lacks with these options (appending to the log when there is one);
  /// without: GEMM tasks get the default built-in schedule, and the blocked records choose among
  /// their built-in schedules alone.
  std::optional<tune::TuneOptions> tuning{};
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
  /// Per task of the loop-nest kernels ("gemm m=64 n=3136 k=576 threads=2", "conv direct n=1
  /// c=64 ... threads=2"), where its schedule came from: "from the log", "tuned (ga, 200
  /// trials)", or for GEMM tasks without either "default".
  const std::map<std::string, std::string>& kernel_sources() const;

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

/// A plan's choices as JSON, to run the same model again without tuning (save_plan /
/// load_plan): the model's checksum, the machine (CPU, instruction set, threads), and per node
/// its kernel, its output's layout and its candidates' seconds.
struct SavedPlan {
  std::uint32_t model_checksum = 0;  // crc32c of the model as encode_onnx writes it
  std::string machine;               // "<CPU brand> (<isa>, <n> threads)"
  std::vector<PlanStep> steps;
};

/// The checksum SavedPlan keeps of `graph`.
std::uint32_t model_checksum(const Graph& graph);
/// This machine as SavedPlan::machine names it, with the current thread count.
std::string plan_machine();
/// `plan` of `graph` as a JSON document (schema "tessera.infer.plan", version 1).
std::string save_plan(const Plan& plan, const Graph& graph);
/// The saved plan in `text`; tessera::Error naming `source` for malformed JSON, another schema
/// or version, or fields missing or of the wrong kind.
SavedPlan parse_saved_plan(std::string_view text, std::string_view source);
/// PlanOptions that make `saved`'s Conv choices again.
PlanOptions options_of(const SavedPlan& saved);

}  // namespace tessera::infer
