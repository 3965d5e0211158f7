// The steps a plan chooses kernels and layouts for (plan.cpp), and that choice
// (plan_layouts.cpp): per Conv its candidates, timed; per pooling or Concat that can follow its
// inputs' layout its oneDNN step and its NCHW kernel. From their costs, the kernel of each Conv
// (by total cost including reorders), the values kept in layouts of their own, where each lives
// in the arena, and the calls that run the steps.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "conv_kernels.hpp"
#include "layout_following.hpp"
#include "plan_arena.hpp"
#include "plan_ops.hpp"
#include "tessera/infer/graph.hpp"
#include "tessera/infer/plan_step.hpp"

namespace tessera::infer::detail {

// A prepared kernel of a Conv step: its median seconds on NCHW buffers (reorders included), and
// for an executor with an output layout of its own the seconds in its layouts, and their formats
// (the input's empty where it takes NCHW).
struct ConvCandidate {
  std::string name;
  std::shared_ptr<ConvExecutor> executor;
  double plain_seconds = 0;
  double own_seconds = -1;  // < 0: no layouts of its own
  std::string input_format, output_format;
};

// A Conv step: its candidates, the one chosen, the values it reads and writes ("" for no
// residual) and their bytes in NCHW.
struct ConvStep {
  std::size_t step = 0;
  std::vector<ConvCandidate> candidates;
  std::size_t chosen = 0;
  std::string x, z, y;
  double x_bytes = 0, y_bytes = 0;
  const ConvExecutor& executor() const { return *candidates[chosen].executor; }
};

// A step that computes in the layout of its inputs where they all come in one format of a
// convolution's (layout_following.hpp), and on its NCHW kernel otherwise: the values it reads and
// writes, and the format it runs in ("" for NCHW).
struct FollowingStep {
  std::size_t step = 0;
  std::vector<std::string> x;
  std::string y;
  std::shared_ptr<LayoutFollowingStep> op;
  StepKernel nchw;
  std::string format;
};

/// Chooses the kernel of every Conv step (ConvStep::chosen) among the candidates `family`
/// accepts (all, for a step that has none of them), by total cost including the reorders.
void choose_conv_kernels(const Graph& graph, std::vector<ConvStep>& convs,
                         const std::vector<FollowingStep>& follows,
                         const std::function<bool(const std::string&)>& family);

/// Assigns layouts for the chosen kernels: the values kept in layouts of their own (their
/// buffers in `own_layout`, their layouts' names in `steps`), the format each following step
/// runs in and writes, and the calls of the Conv and following steps in `run`.
void keep_own_layouts(const Graph& graph, ValueStore& values, Arena& own_layout,
                      std::vector<std::function<void()>>& run, std::vector<PlanStep>& steps,
                      const std::vector<ConvStep>& convs, std::vector<FollowingStep>& follows);

}  // namespace tessera::infer::detail
