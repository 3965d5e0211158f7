// Where a plan's GEMM kernels come from: a tuned schedule (tuned_schedules.hpp) compiled by the
// code generator, or the heuristic default among the built-in kernels; and the measurer that
// tunes them.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "gemm_kernel.hpp"
#include "tuned_schedules.hpp"

namespace tessera::infer::detail {

/// The generated kernels of `schedules`, in order, compiled where they are not loaded yet.
std::vector<GemmKernel> generated_gemm_kernels(KernelCompiler& compiler,
                                               const std::vector<GemmSchedule>& schedules);
/// The translation unit of `schedules`: gemm_call.inc, the loop nest, and per schedule an
/// extern "C" function tessera_gemm_<key>.
GeneratedSource generated_gemm_source(const std::vector<GemmSchedule>& schedules);

/// Times GEMM schedules on one task: each configuration's kernel is compiled (a batch at a time
/// in prepare), checked once against reference_gemm on a small shape that has every edge (partial
/// panels and strips, several K and N blocks, a split range, bias, residual and an activation),
/// and only then timed on the task's shape with random operands. A kernel that fails the check
/// costs infinity.
class GemmMeasurer final : public tune::Measurer {
 public:
  GemmMeasurer(const GemmTask& task, const tune::SearchSpace& space, KernelCompiler& compiler,
               tune::TimingOptions timing = {});
  void prepare(std::span<const tune::Config> configs) override;
  double measure(const tune::Config& config) override;
  /// Kernels that failed the check so far.
  int rejected() const { return rejected_; }

 private:
  GemmTask task_;
  const tune::SearchSpace& space_;
  KernelCompiler& compiler_;
  tune::TimingOptions timing_;
  std::vector<float> a_, b_, c_;
  std::map<std::string, bool> checked_;  // schedule key -> matched the reference
  int rejected_ = 0;
};

/// Whether `kernel` computes reference_gemm's result (within 1e-4 relative to the sum of |terms|)
/// on its check shape.
bool gemm_kernel_matches_reference(const GemmKernel& kernel);

class GemmKernelSource {
 public:
  explicit GemmKernelSource(TunedSchedules& tuned) : tuned_(tuned), space_(gemm_search_space()) {}
  /// The kernel for `task`: its tuned schedule's, else the default built-in one.
  GemmKernel kernel_for(const GemmTask& task);
  /// The kernel of schedule `key` (GemmSchedule::key(), as a saved plan names it): built in, or
  /// generated; tessera::Error naming the schedule when it is not one of this machine's search
  /// space, or when it is not built in and no compiler runs.
  GemmKernel kernel_of(const std::string& key);

 private:
  TunedSchedules& tuned_;
  tune::SearchSpace space_;
  std::map<std::string, GemmKernel> kernels_;
};

}  // namespace tessera::infer::detail
