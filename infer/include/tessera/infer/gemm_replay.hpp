// Replay tables of the generated GEMM kernels: every schedule of a search space (the full one, or
// one restricted to some knob values) generated, checked and timed on one GEMM task, so that the
// searches can be compared on real timings without timing anything again (tune/replay_study.hpp).
#pragma once

#include <string>

#include "tessera/core/progress.hpp"
#include "tessera/tune/measure.hpp"

namespace tessera::infer {

/// The search space of the generated GEMM kernels' schedules on this CPU: mr, nv, w (the vector
/// widths it runs), unroll, kc, nc, order and parallel.
tune::SearchSpace gemm_schedule_space();

/// Every configuration of `space` (knobs of gemm_schedule_space(), values a subset of its) timed
/// on the GEMM task `task`, as `tessera infer tune` names tasks ("gemm m=64 n=3136 k=576
/// threads=2"). tessera::Error (usage) naming the task where it is malformed or for another thread
/// count than the current one; tessera::Error when no compiler runs.
tune::ReplayTable record_gemm_replay_table(const std::string& task, const tune::SearchSpace& space,
                                           ProgressMode progress = ProgressMode::kNever);

}  // namespace tessera::infer
