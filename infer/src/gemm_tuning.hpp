// Where a plan's generated GEMM kernels come from: a tuning log's schedule for the task (compiled
// by the code generator), a schedule tuned now (search + measurer, appended to the log), or the
// heuristic default among the built-in kernels.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "gemm_codegen.hpp"
#include "tessera/tune/tuner.hpp"

namespace tessera::infer::detail {

/// Times GEMM schedules on one task: each configuration's kernel is compiled (a batch at a time
/// in prepare), checked once against reference_gemm on a small shape that has every edge (partial
/// panels and strips, several K and N blocks, a split range, bias, residual and an activation),
/// and only then timed on the task's shape with random operands. A kernel that fails the check
/// costs infinity.
class GemmMeasurer final : public tune::Measurer {
 public:
  GemmMeasurer(const GemmTask& task, const tune::SearchSpace& space, GemmCompiler& compiler,
               tune::TimingOptions timing = {});
  void prepare(std::span<const tune::Config> configs) override;
  double measure(const tune::Config& config) override;
  /// Kernels that failed the check so far.
  int rejected() const { return rejected_; }

 private:
  GemmTask task_;
  const tune::SearchSpace& space_;
  GemmCompiler& compiler_;
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
  /// `log_path` empty: no log (every task gets the default); `tuning`: tune tasks the log lacks.
  GemmKernelSource(const std::string& log_path, std::optional<tune::TuneOptions> tuning);
  /// The kernel for `task`; tessera::Error when tuning is asked for and no compiler runs.
  GemmKernel kernel_for(const GemmTask& task);
  /// The kernel of schedule `key` (GemmSchedule::key(), as a saved plan names it): built in, or
  /// generated; tessera::Error naming the schedule when it is not one of this machine's search
  /// space, or when it is not built in and no compiler runs.
  GemmKernel kernel_of(const std::string& key);
  /// What happened per task key: "tuned (ga, 200 trials)", "from the log", "default".
  const std::map<std::string, std::string>& sources() const { return sources_; }

 private:
  // The system compiler, looked for on first need; nullptr when none runs.
  GemmCompiler* compiler();

  std::optional<GemmCompiler> compiler_;
  bool compiler_sought_ = false;
  std::optional<tune::TuningLog> log_;
  std::optional<tune::TuneOptions> tuning_;
  tune::SearchSpace space_;
  std::map<std::string, GemmKernel> kernels_;
  std::map<std::string, std::string> sources_;
};

}  // namespace tessera::infer::detail
