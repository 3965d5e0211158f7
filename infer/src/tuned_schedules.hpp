// Where a plan's loop-nest kernels get their schedules, for the GEMM and the blocked-convolution
// kernels alike: a tuning log's record for the task (on this hardware), a schedule tuned now
// (search and measurer, every trial appended to the log), or none, and then the kernel family's
// default. Also the code generator, looked for once, on first need.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel_codegen.hpp"
#include "tessera/tune/tuner.hpp"

namespace tessera::infer::detail {

/// `n` floats uniform in [-1, 1), the same for a stream number everywhere: the measurers' and the
/// kernel checks' operands.
std::vector<float> random_operand(std::size_t n, std::uint64_t stream);

class TunedSchedules {
 public:
  /// `log_path` empty: no log; `tuning`: tune the tasks the log lacks. tessera::Error when tuning
  /// is asked for and no compiler runs.
  TunedSchedules(const std::string& log_path, std::optional<tune::TuneOptions> tuning);

  /// The configuration of `task` over `space`: the log's, else one tuned now with the measurer
  /// `make_measurer` builds (when tuning), else nullopt. Records where it came from.
  using MakeMeasurer = std::function<std::unique_ptr<tune::Measurer>(KernelCompiler&)>;
  std::optional<tune::Config> config_for(const std::string& task, const tune::SearchSpace& space,
                                         const MakeMeasurer& make_measurer);

  /// The system compiler; nullptr when none runs.
  KernelCompiler* compiler();

  /// What happened per task key: "tuned (ga, 200 trials)", "from the log", or what the kernel
  /// family noted (set_source).
  const std::map<std::string, std::string>& sources() const { return sources_; }
  void set_source(const std::string& task, std::string source) {
    sources_[task] = std::move(source);
  }

 private:
  std::optional<KernelCompiler> compiler_;
  bool compiler_sought_ = false;
  std::optional<tune::TuningLog> log_;
  std::optional<tune::TuneOptions> tuning_;
  std::map<std::string, std::string> sources_;
};

}  // namespace tessera::infer::detail
