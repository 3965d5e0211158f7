// TW-GEMM's schedule (cache blocking, prefetch distance) tuned per machine and shape with the
// shared schedule search (tessera::tune, the ask/tell strategies and tuning log infer uses): the
// knobs are TwSchedule's W block budget and row block and the micro-kernel's prefetch distance. A
// configuration counts only if it gives the default schedule's bits; a finished tuning of the same
// task on the same hardware in the log is a warm start that measures nothing; without one, the
// defaults from the caches serve.
#pragma once

#include <cstddef>
#include <string>

#include "tessera/core/view.hpp"
#include "tessera/tilewise/tw_gemm.hpp"
#include "tessera/tilewise/tw_matrix.hpp"
#include "tessera/tune/search_space.hpp"
#include "tessera/tune/tuner.hpp"
#include "tessera/tune/tuning_log.hpp"

namespace tessera::tilewise {

/// The knobs: "w_budget_kib" (64 to 2048 KiB), "row_block" (48 to 384 rows) and
/// "prefetch_rows" (4 to 32 rows of W ahead).
tune::SearchSpace tw_schedule_space();
/// The schedule of a configuration of tw_schedule_space().
TwSchedule tw_schedule_of(const tune::Config& config);

/// What a tuning of C = A · W depends on: M, K, N, the weights kept (in thousandths), the tiles,
/// the kernel, the thread count and the space's knobs, e.g. "tilewise.tw_gemm m=512 k=768 n=3072
/// kept=500 tiles=24 kernel=avx512 threads=1 knobs=w_budget_kib,row_block,prefetch_rows".
std::string tw_tuning_task(std::size_t m, const TwMatrix& w, const TwKernel& kernel);

/// Tunes the schedule of C = A · W (A is m × k) with `kernel` on this thread count; with `log`,
/// a warm start or every measurement appended (tune::tune).
tune::TuneResult tune_tw_schedule(View<const float, 2> a, const TwMatrix& w, const TwKernel& kernel,
                                  const tune::TuneOptions& options, tune::TuningLog* log);

/// The schedule `log` holds for this task on this hardware, else the defaults ({}).
TwSchedule logged_tw_schedule(const tune::TuningLog& log, std::size_t m, const TwMatrix& w,
                              const TwKernel& kernel);

}  // namespace tessera::tilewise
