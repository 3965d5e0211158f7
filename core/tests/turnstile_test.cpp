// Turnstile: steps run in index order whatever the threads' timing, and a failure reaches every
// later turn instead of leaving it waiting.
#include "tessera/core/turnstile.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tessera/core/ordered_pipeline.hpp"

namespace tessera {
namespace {

TEST(Turnstile, StepsRunInIndexOrderInsideAPipeline) {
  for (int threads : {1, 2, 4}) {
    Turnstile turnstile;
    std::vector<std::size_t> steps;
    run_ordered_pipeline<std::size_t>(
        64,
        [&](std::size_t i) {
          std::this_thread::sleep_for(std::chrono::microseconds((i * 7919) % 200));
          return turnstile.take_turn(i, [&] {
            steps.push_back(i);
            return i;
          });
        },
        [](std::size_t, std::size_t&) {}, {threads, 4});
    ASSERT_EQ(steps.size(), 64u);
    for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i], i) << threads;
  }
}

TEST(Turnstile, AFailureReachesEveryLaterTurn) {
  Turnstile turnstile;
  EXPECT_EQ(turnstile.take_turn(0, [] { return 1; }), 1);
  EXPECT_THROW(turnstile.take_turn(1, []() -> int { throw std::runtime_error("step 1"); }),
               std::runtime_error);
  // Turn 2 never comes after a failed turn 1: it rethrows instead of waiting forever.
  EXPECT_THROW(turnstile.take_turn(2, [] { return 2; }), std::runtime_error);
}

TEST(Turnstile, AFailureBeforeATurnReleasesItsSuccessors) {
  Turnstile turnstile;
  turnstile.fail(std::make_exception_ptr(std::invalid_argument("chunk 0 failed")));
  EXPECT_THROW(turnstile.take_turn(3, [] { return 0; }), std::invalid_argument);
}

}  // namespace
}  // namespace tessera
