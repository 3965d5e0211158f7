// The step-time model: the dense part divides over ranks that have machines of their own and not
// over ranks that share one, the reduction costs nothing on one rank and approaches twice the
// parameters' bytes over the allreduce bandwidth, the embeddings take the planner's makespan, and
// the lookup bandwidth calibrates to a measured time.
#include "tessera/dlrm/step_model.hpp"

#include <gtest/gtest.h>

#include "tessera/dlrm/sharding_planner.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

StepModelInput input(int sharing) {
  StepModelInput in;
  for (int t = 0; t < 8; ++t) in.tables.push_back({"t", 100'000, 64, 20.0, 0.0});
  in.batch = 2048;
  in.dense_seconds_per_sample = 1e-5;
  in.dense_parameters = 1'000'000;
  in.bandwidths = {10e9, 1e9, 1e9, 10e9};
  in.ranks_per_machine = sharing;
  return in;
}

TEST(StepModel, DividesTheDenseWorkOverMachinesNotOverRanksSharingOne) {
  const StepEstimate one = model_step(input(1), 1);
  EXPECT_DOUBLE_EQ(one.dense_s, 2048 * 1e-5);
  EXPECT_DOUBLE_EQ(one.reduction_s, 0.0);
  EXPECT_DOUBLE_EQ(model_step(input(1), 4).dense_s, one.dense_s / 4);
  EXPECT_DOUBLE_EQ(model_step(input(4), 4).dense_s, one.dense_s);
  EXPECT_DOUBLE_EQ(model_step(input(1), 2).reduction_s, 4e6 / 1e9);
  EXPECT_NEAR(model_step(input(1), 1024).reduction_s, 8e6 / 1e9, 1e-5);
}

TEST(StepModel, EmbeddingsTakeThePlannersMakespan) {
  const StepModelInput in = input(1);
  PlannerInput planner;
  planner.tables = in.tables;
  planner.ranks = 4;
  planner.ranks_per_node = 1;
  planner.memory_per_rank_bytes = std::int64_t{1} << 50;
  planner.batch_size = in.batch;
  Bandwidths b = in.bandwidths;
  const double makespan = plan_sharding(planner, b, Strategy::kOurs).rating.makespan_s;
  EXPECT_DOUBLE_EQ(model_step(in, 4).embedding_s, makespan);
  EXPECT_LT(model_step(in, 4).embedding_s, model_step(in, 1).embedding_s);
}

TEST(StepModel, CalibratesTheLookupBandwidthToAMeasuredEmbeddingTime) {
  StepModelInput in = input(1);
  const double measured = 3 * model_step(in, 1).embedding_s;
  in.bandwidths.memory = calibrated_memory_bandwidth(in, measured);
  EXPECT_NEAR(model_step(in, 1).embedding_s, measured, 1e-9);
  tessera::testing::expect_error([&] { calibrated_memory_bandwidth(in, 0.0); },
                                 {"step model", "below the modelled communication"});
}

}  // namespace
}  // namespace tessera::dlrm
