// The step-time model (step_model.hpp).
#include "tessera/dlrm/step_model.hpp"

#include <algorithm>

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
  Bandwidths bandwidths = input.bandwidths;
  bandwidths.memory /= sharing;
  bandwidths.intra_node = bandwidths.memory;
  StepEstimate e;
  e.embedding_s = plan_sharding(planner, bandwidths, Strategy::kOurs).rating.makespan_s;
  e.dense_s = input.dense_seconds_per_sample * static_cast<double>(input.batch) /
              static_cast<double>(ranks) * sharing;
  e.reduction_s = 2.0 * (ranks - 1) / ranks * 4.0 * static_cast<double>(input.dense_parameters) /
                  input.bandwidths.allreduce;
  return e;
}

}  // namespace tessera::dlrm
