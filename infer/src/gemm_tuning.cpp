// Tuning generated GEMM kernels: their source text, the measurer (check, then time) and the
// source of a plan's kernels (tuned, or default).
#include "gemm_tuning.hpp"

#include <fmt/format.h>

#include <cmath>

#include "kernel_sources.hpp"
#include "tessera/core/error.hpp"

namespace tessera::infer::detail {

GeneratedSource generated_gemm_source(const std::vector<GemmSchedule>& schedules) {
  GeneratedSource out{"gemm", std::string(kGemmCallSource) + kGemmLoopNestSource, {}};
  for (const GemmSchedule& s : schedules) {
    out.functions.push_back(
        loop_nest_function("gemm", s.key(), "GemmCall",
                           fmt::format("GemmLoopNest<{}, {}, {}, {}, {}, {}, {}, {}>", s.mr, s.nv,
                                       s.w, s.unroll, s.kc, s.nc, s.order, s.parallel)));
  }
  return out;
}

std::vector<GemmKernel> generated_gemm_kernels(KernelCompiler& compiler,
                                               const std::vector<GemmSchedule>& schedules) {
  return load_kernels<GemmKernel>(compiler, generated_gemm_source(schedules), schedules);
}

bool gemm_kernel_matches_reference(const GemmKernel& kernel) {
  const GemmSchedule& s = kernel.schedule;
  const long m = 2 * s.mr + 1, n = s.nc + s.nr() + 3, k = s.kc + 5;
  const std::vector<float> a = random_operand(static_cast<std::size_t>(m * k), 1),
                           b = random_operand(static_cast<std::size_t>(k * n), 2),
                           z = random_operand(static_cast<std::size_t>(m * n), 3),
                           bias = random_operand(static_cast<std::size_t>(m), 4);
  const AlignedBuffer<float> packed = pack_gemm_a(a.data(), m, k, s.mr);
  std::vector<float> got(static_cast<std::size_t>(m * n)), want(got.size());
  GemmCall call{packed.data(), b.data(), n, got.data(), n, bias.data(), z.data(), n, m, n, k, 2,
                -0.5f,         0.5f,     0, 0,          0, nullptr};
  std::vector<AlignedBuffer<float>> workspaces;
  run_gemm(kernel, call, workspaces);
  call.c = want.data();
  reference_gemm(call, a.data(), want.data());
  for (long i = 0; i < m; ++i) {
    for (long j = 0; j < n; ++j) {
      double scale = std::abs(bias[static_cast<std::size_t>(i)]) +
                     std::abs(z[static_cast<std::size_t>(i * n + j)]);
      for (long q = 0; q < k; ++q)
        scale += std::abs(a[static_cast<std::size_t>(i * k + q)] *
                          b[static_cast<std::size_t>(q * n + j)]);
      const auto at = static_cast<std::size_t>(i * n + j);
      if (!(std::abs(got[at] - want[at]) <= 1e-4 * scale)) return false;
    }
  }
  return true;
}

GemmMeasurer::GemmMeasurer(const GemmTask& task, const tune::SearchSpace& space,
                           KernelCompiler& compiler, tune::TimingOptions timing)
    : task_(task),
      space_(space),
      compiler_(compiler),
      timing_(timing),
      a_(random_operand(static_cast<std::size_t>(task.m * task.k), 5)),
      b_(random_operand(static_cast<std::size_t>(task.k * task.n), 6)),
      c_(static_cast<std::size_t>(task.m * task.n)) {}

void GemmMeasurer::prepare(std::span<const tune::Config> configs) {
  std::vector<GemmSchedule> schedules;
  for (const tune::Config& c : configs) schedules.push_back(gemm_schedule_of(space_, c));
  generated_gemm_kernels(compiler_, schedules);
}

double GemmMeasurer::measure(const tune::Config& config) {
  const GemmKernel kernel =
      generated_gemm_kernels(compiler_, {gemm_schedule_of(space_, config)}).front();
  const auto [at, first] = checked_.try_emplace(kernel.schedule.key(), false);
  if (first) at->second = gemm_kernel_matches_reference(kernel);
  if (!at->second) {
    ++rejected_;
    return std::numeric_limits<double>::infinity();
  }
  const AlignedBuffer<float> packed = pack_gemm_a(a_.data(), task_.m, task_.k, kernel.schedule.mr);
  const GemmCall call{
      packed.data(), b_.data(), task_.n, c_.data(), task_.n, nullptr, nullptr, 0, task_.m,
      task_.n,       task_.k,   0,       0,         0,       0,       0,       0, nullptr};
  std::vector<AlignedBuffer<float>> workspaces;
  return tune::median_seconds([&] { run_gemm(kernel, call, workspaces); }, timing_);
}

GemmKernel GemmKernelSource::kernel_for(const GemmTask& task) {
  const std::string key = task.key();
  if (const auto known = kernels_.find(key); known != kernels_.end()) return known->second;
  const std::optional<tune::Config> tuned =
      tuned_.config_for(key, space_, [&](KernelCompiler& compiler) {
        return std::make_unique<GemmMeasurer>(task, space_, compiler);
      });
  const GemmSchedule schedule =
      tuned ? gemm_schedule_of(space_, *tuned) : default_gemm_schedule(task);
  if (!tuned) tuned_.set_source(key, "default");
  std::optional<GemmKernel> kernel = builtin_gemm_kernel(schedule);
  if (!kernel && tuned_.compiler() != nullptr)
    kernel = generated_gemm_kernels(*tuned_.compiler(), {schedule}).front();
  if (!kernel) {  // a logged schedule that is not built in, and no compiler
    kernel = builtin_gemm_kernel(default_gemm_schedule(task));
    tuned_.set_source(key, "default (no compiler for the logged schedule)");
  }
  return kernels_[key] = *kernel;
}

GemmKernel GemmKernelSource::kernel_of(const std::string& key) {
  const std::optional<GemmSchedule> schedule = GemmSchedule::parse(key);
  const std::string where = "schedule '" + key + "'";
  if (!schedule) throw Error(where, "is not a GEMM schedule");
  const GemmSchedule& s = *schedule;
  space_.config_of({{"mr", s.mr},
                    {"nv", s.nv},
                    {"w", s.w},
                    {"unroll", s.unroll},
                    {"kc", s.kc},
                    {"nc", s.nc},
                    {"order", s.order},
                    {"parallel", s.parallel}},
                   where);  // throws for a knob value outside this machine's space
  if (std::optional<GemmKernel> builtin = builtin_gemm_kernel(s)) return *builtin;
  if (tuned_.compiler() == nullptr)
    throw Error(where, "is not built in, and no C++ compiler runs here to generate it");
  return generated_gemm_kernels(*tuned_.compiler(), {s}).front();
}

}  // namespace tessera::infer::detail
