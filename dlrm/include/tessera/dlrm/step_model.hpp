// A model of a hybrid-parallel training step's time over R ranks, to project beyond the ranks one
// machine can run:
//   step(R) = embeddings(R) + dense(R) + reduction(R)
//   embeddings: the sharding planner's makespan ("ours", without the splits training cannot
//               run) over R ranks (sharding.hpp's cost model: lookups over memory bandwidth,
//               all-to-alls over the network);
//   dense:      the MLPs, interaction and loss, measured per sample on one rank, times B / R;
//   reduction:  the MLPs' gradients, 2 (R - 1) / R x 4 bytes a parameter over allreduce bandwidth.
// Ranks that share one machine share its cores and its memory bandwidth: with k ranks a machine,
// a rank's dense part takes k times as long and its lookups (and intra-node copies) see 1/k of the
// bandwidth.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/dlrm/sharding_input.hpp"

namespace tessera::dlrm {

struct StepModelInput {
  std::vector<TableStats> tables;
  std::int64_t batch = 0;  // global samples per step
  OptimizerKind optimizer = OptimizerKind::kRowwiseAdagrad;
  double dense_seconds_per_sample = 0;  // measured on one rank with the machine's cores
  std::int64_t dense_parameters = 0;
  Bandwidths bandwidths;      // memory: one machine's; alltoall, allreduce: the network's
  int ranks_per_machine = 1;  // ranks that share one machine
};

struct StepEstimate {
  double embedding_s = 0, dense_s = 0, reduction_s = 0;
  double total_s() const { return embedding_s + dense_s + reduction_s; }
};

/// The memory bandwidth (bytes/s) with which the model's one-rank embedding time is
/// `measured_embedding_s`, the other bandwidths as in `input`: the cost model's lookups are bytes
/// over a bandwidth, which gathers of rows and sorted row updates reach only in part, so the model
/// is calibrated on a measured step. tessera::Error naming "step model" when the measured time
/// is below what the model's communication alone takes.
double calibrated_memory_bandwidth(const StepModelInput& input, double measured_embedding_s);

/// The modelled step over `ranks` ranks. tessera::Error as plan_sharding when the tables do not
/// fit.
StepEstimate model_step(const StepModelInput& input, int ranks);

}  // namespace tessera::dlrm
