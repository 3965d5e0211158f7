// A plan's tuned schedules: the log first, then the search, else none.
#include "tuned_schedules.hpp"

#include <fmt/format.h>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"

namespace tessera::infer::detail {

std::vector<float> random_operand(std::size_t n, std::uint64_t stream) {
  const CounterRng rng(7, stream);
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = rng.uniform_float(i, -1, 1);
  return out;
}

TunedSchedules::TunedSchedules(const std::string& log_path, std::optional<tune::TuneOptions> tuning)
    : tuning_(std::move(tuning)) {
  if (!log_path.empty()) log_ = tune::TuningLog::open(log_path);
  if (tuning_ && compiler() == nullptr)
    throw Error("tuning",
                "needs a C++ compiler ($TESSERA_CODEGEN_CXX, $CXX or c++) for the "
                "generated kernels; without one the built-in kernels serve");
}

std::optional<tune::Config> TunedSchedules::config_for(const std::string& task,
                                                       const tune::SearchSpace& space,
                                                       const MakeMeasurer& make_measurer) {
  if (log_) {
    if (const auto logged = log_->final_record(task, tune::hardware_fingerprint())) {
      sources_[task] = "from the log";
      return space.config_of(logged->config, log_->path());
    }
  }
  if (!tuning_) return std::nullopt;
  const std::unique_ptr<tune::Measurer> measurer = make_measurer(*compiler());
  const tune::TuneResult result =
      tune::tune(task, space, *measurer, *tuning_, log_ ? &*log_ : nullptr);
  sources_[task] = fmt::format("tuned ({}, {} trials)", tuning_->search, result.trials.size());
  return result.best;
}

KernelCompiler* TunedSchedules::compiler() {
  if (!compiler_sought_) compiler_ = KernelCompiler::find(), compiler_sought_ = true;
  return compiler_ ? &*compiler_ : nullptr;
}

}  // namespace tessera::infer::detail
