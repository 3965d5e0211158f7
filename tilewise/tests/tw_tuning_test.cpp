// Tuning TW-GEMM's schedule: a search over the two knobs that appends to the tuning log, a warm
// start from it that measures nothing, the logged schedule read back, and the defaults where the
// log holds no record of the task.
#include "tessera/tilewise/tw_tuning.hpp"

#include <gtest/gtest.h>

#include "tessera/testing/temp_dir.hpp"
#include "tw_test_patterns.hpp"

namespace tessera::tilewise {
namespace {

using testing::random_contiguous;
using testing::random_matrix;

TEST(TwTuning, SearchesThenStartsWarmFromTheLog) {
  const std::size_t m = 60, k = 600, n = 400;
  const TilePattern pattern = random_contiguous(k, n, 128, 0.5, 3);
  const AlignedBuffer<float> a = random_matrix(m, k, 1), w = random_matrix(k, n, 2);
  const TwMatrix tw = TwMatrix::pack(pattern, View<const float, 2>(w.data(), {k, n}));
  const View<const float, 2> a_view(a.data(), {m, k});
  const TwKernel& kernel = tw_kernel();
  const tessera::testing::TempDir dir;
  tune::TuningLog log = tune::TuningLog::open((dir.path() / "tw.log").string());
  EXPECT_EQ(logged_tw_schedule(log, m, tw, kernel).w_budget, 0u);  // nothing logged: defaults

  tune::TuneOptions options;
  options.search = "random";
  options.trials = 6;
  options.batch = 3;
  options.finalists = 2;
  options.final_rounds = 1;
  const tune::TuneResult first = tune_tw_schedule(a_view, tw, kernel, options, &log);
  EXPECT_FALSE(first.warm_start);
  EXPECT_EQ(first.trials.size(), 6u);
  EXPECT_GT(first.best_seconds, 0.0);

  const tune::TuneResult again = tune_tw_schedule(a_view, tw, kernel, options, &log);
  EXPECT_TRUE(again.warm_start);
  EXPECT_EQ(again.measurements, 0u);
  EXPECT_EQ(again.best, first.best);
  const TwSchedule logged = logged_tw_schedule(log, m, tw, kernel);
  const TwSchedule best = tw_schedule_of(first.best);
  EXPECT_EQ(logged.w_budget, best.w_budget);
  EXPECT_EQ(logged.max_row_block, best.max_row_block);
  EXPECT_EQ(logged.prefetch_rows, best.prefetch_rows);
  EXPECT_EQ(logged_tw_schedule(log, m + 1, tw, kernel).w_budget, 0u);  // another task
}

TEST(TwTuning, KnobsMapToTheSchedule) {
  const tune::SearchSpace space = tw_schedule_space();
  EXPECT_EQ(space.size(), 96u);
  const TwSchedule s = tw_schedule_of(
      space.config_of({{"w_budget_kib", 256}, {"row_block", 96}, {"prefetch_rows", 8}}, "test"));
  EXPECT_EQ(s.w_budget, 256u * 1024);
  EXPECT_EQ(s.max_row_block, 96u);
  EXPECT_EQ(s.prefetch_rows, 8u);
}

}  // namespace
}  // namespace tessera::tilewise
