// Tuning the blocked-layout convolution kernels (conv_loop_nest.inc): their source text for the
// code generator, the check against a scalar reference, the measurer, and where a node's tuned
// kernel comes from (tuned_schedules.hpp). A task is a convolution's shape; the direct and the
// depthwise loop nests have a search space each.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conv_blocked.hpp"
#include "tuned_schedules.hpp"

namespace tessera::infer::detail {

/// "conv direct n=1 c=64 h=56 w=56 k=64 r=3 s=3 stride=1x1 dilation=1x1 pad=1,1,1,1 out=56x56
/// threads=2" (pads top, left, bottom, right): the tuning log's task of convolution `s`. Its
/// residual and activation are left out: the epilogue costs the same for every schedule.
std::string conv_task_key(const ConvShape& s);

/// The translation unit of `schedules`: conv_call.inc, the loop nests, and per schedule an
/// extern "C" function tessera_conv_<key>.
GeneratedSource generated_conv_source(const std::vector<ConvSchedule>& schedules);
/// The generated kernels of `schedules`, in order, compiled where they are not loaded yet.
std::vector<ConvKernel> generated_conv_kernels(KernelCompiler& compiler,
                                               const std::vector<ConvSchedule>& schedules);

/// Whether `kernel` computes the scalar reference's result (within 1e-4 relative to the sum of
/// |terms|) on three small shapes that have every edge: partial channel blocks and tile groups,
/// partial pixel tiles, several input channel chunks, strides 1, 2 and 3, dilation, uneven
/// padding, residuals and each activation. Run through the executor on NCHW buffers, so the
/// reorders are checked too.
bool conv_kernel_matches_reference(const ConvKernel& kernel);

/// Times schedules on one convolution: each configuration's kernel is compiled (a batch at a time
/// in prepare), checked once (conv_kernel_matches_reference), and only then timed on the task's
/// shape in its own layouts with random weights. A kernel that fails the check costs infinity.
class ConvMeasurer final : public tune::Measurer {
 public:
  ConvMeasurer(const ConvShape& shape, const tune::SearchSpace& space, KernelCompiler& compiler,
               tune::TimingOptions timing = {});
  void prepare(std::span<const tune::Config> configs) override;
  double measure(const tune::Config& config) override;

 private:
  ConvShape shape_;
  const tune::SearchSpace& space_;
  KernelCompiler& compiler_;
  tune::TimingOptions timing_;
  std::vector<float> weight_, bias_;
  std::map<std::string, bool> checked_;  // schedule key -> matched the reference
};

class ConvKernelSource {
 public:
  explicit ConvKernelSource(TunedSchedules& tuned);
  /// The tuned kernel of convolution `s` (depthwise or ungrouped); nullopt where the task has no
  /// tuned schedule (or a logged one that is not built in, with no compiler to generate it).
  std::optional<ConvKernel> kernel_for(const ConvShape& s);
  /// The kernel of schedule `key` (ConvSchedule::key(), as a saved plan names it): built in, or
  /// generated; tessera::Error naming the schedule when it is not one of this machine's search
  /// space, or when it is not built in and no compiler runs.
  ConvKernel kernel_of(const std::string& key);

 private:
  TunedSchedules& tuned_;
  tune::SearchSpace direct_space_, depthwise_space_;
  std::map<std::string, std::optional<ConvKernel>> kernels_;  // by task key
};

}  // namespace tessera::infer::detail
