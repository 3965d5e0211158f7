// The step-time model (step_model.hpp).
#include "tessera/dlrm/step_model.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "tessera/core/error.hpp"
#include "tessera/dlrm/sharding_planner.hpp"

namespace tessera::dlrm {

StepEstimate model_step(const StepModelInput& input, int ranks) {
  const int sharing = std::clamp(input.ranks_per_machine, 1, ranks);
  PlannerInput planner;
  planner.tables = input.tables;
  planner.ranks = ranks;
  planner.ranks_per_node = sharing;
  planner.memory_per_rank_bytes = std::int64_t{1} << 50;  // no cap: the model is about time
  planner.batch_size = input.batch;
  planner.optimizer = input.optimizer;
  planner.column_slices = input.optimizer != OptimizerKind::kRowwiseAdagrad;  // as training runs
  Bandwidths bandwidths = input.bandwidths;
  bandwidths.memory /= sharing;
  bandwidths.intra_node /= sharing;
  StepEstimate e;
  e.embedding_s = plan_sharding(planner, bandwidths, Strategy::kOurs).rating.makespan_s;
  e.dense_s = input.dense_seconds_per_sample * static_cast<double>(input.batch) /
              static_cast<double>(ranks) * sharing;
  e.reduction_s = 2.0 * (ranks - 1) / ranks * 4.0 * static_cast<double>(input.dense_parameters) /
                  input.bandwidths.allreduce;
  return e;
}

double calibrated_memory_bandwidth(const StepModelInput& input, double measured_embedding_s) {
  // The one-rank embedding time is a / memory + c (lookups, then communication): two bandwidths
  // give a and c.
  StepModelInput probe = input;
  probe.ranks_per_machine = 1;
  const double at_1 = model_step(probe, 1).embedding_s;
  probe.bandwidths.memory *= 2;
  const double at_2 = model_step(probe, 1).embedding_s;
  const double lookups = 2 * (at_1 - at_2) * input.bandwidths.memory;  // a, in bytes
  const double communication = 2 * at_2 - at_1;                        // c
  if (!(measured_embedding_s > communication))
    throw Error("step model", fmt::format("a measured embedding time of {} s is below the "
                                          "modelled communication's {} s",
                                          measured_embedding_s, communication));
  return lookups / (measured_embedding_s - communication);
}

}  // namespace tessera::dlrm
