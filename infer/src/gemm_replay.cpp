// Recording replay tables of the generated GEMM kernels (gemm_replay.hpp): the task parsed from
// its key, the kernels compiled 64 schedules per translation unit and timed by GemmMeasurer.
#include "tessera/infer/gemm_replay.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "gemm_schedule.hpp"
#include "gemm_tuning.hpp"
#include "kernel_codegen.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer {

tune::SearchSpace gemm_schedule_space() { return detail::gemm_search_space(); }

tune::ReplayTable record_gemm_replay_table(const std::string& task, const tune::SearchSpace& space,
                                           ProgressMode progress) {
  detail::GemmTask t;
  int threads = 0;
  char end = 0;
  if (std::sscanf(task.c_str(), "gemm m=%ld n=%ld k=%ld threads=%d%c", &t.m, &t.n, &t.k, &threads,
                  &end) != 4 ||
      t.m < 1 || t.n < 1 || t.k < 1)
    throw usage_error("task '" + task + "'", "is not a GEMM task (\"gemm m=M n=N k=K threads=T\")");
  if (threads != thread_count())
    throw usage_error("task '" + task + "'",
                      fmt::format("is for {} threads; run with --threads {}", threads, threads));
  std::optional<detail::KernelCompiler> compiler = detail::KernelCompiler::find();
  if (!compiler)
    throw Error("code generator", "no C++ compiler runs ($TESSERA_CODEGEN_CXX, $CXX or c++)");
  detail::GemmMeasurer measurer(t, space, *compiler);
  return tune::record_replay_table(t.key(), space, measurer, 64, progress);
}

}  // namespace tessera::infer
