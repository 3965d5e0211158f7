// Ordered pipeline: in-order consumption whatever the thread count, bounded lookahead, errors.
#include "tessera/core/ordered_pipeline.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tessera {
namespace {

std::vector<std::size_t> consumed_order(int threads, std::size_t n) {
  std::vector<std::size_t> order;
  run_ordered_pipeline<std::size_t>(
      n,
      [](std::size_t i) {
        // Uneven work so that items finish out of order.
        std::this_thread::sleep_for(std::chrono::microseconds((i * 7919) % 300));
        return i * i;
      },
      [&](std::size_t i, std::size_t& item) {
        EXPECT_EQ(item, i * i);
        order.push_back(i);
      },
      {threads, 3});
  return order;
}

TEST(OrderedPipeline, ConsumesInIndexOrderForAnyThreadCount) {
  for (int threads : {1, 2, 4}) {
    const auto order = consumed_order(threads, 200);
    ASSERT_EQ(order.size(), 200u);
    for (std::size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], i) << threads;
  }
}

TEST(OrderedPipeline, NeverRunsMoreThanTheWindowAhead) {
  std::atomic<std::size_t> consumed{0};
  std::atomic<std::size_t> worst_lead{0};
  run_ordered_pipeline<int>(
      100,
      [&](std::size_t i) {
        const std::size_t lead = i - consumed.load();
        std::size_t seen = worst_lead.load();
        while (lead > seen && !worst_lead.compare_exchange_weak(seen, lead)) {
        }
        return 0;
      },
      [&](std::size_t, int&) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        ++consumed;
      },
      {4, 5});
  EXPECT_LT(worst_lead.load(), 5u);
}

TEST(OrderedPipeline, ProducerFailureStopsAndRethrows) {
  std::size_t consumed = 0;
  EXPECT_THROW(run_ordered_pipeline<int>(
                   1000,
                   [](std::size_t i) {
                     if (i == 17) throw std::runtime_error("item 17");
                     return 1;
                   },
                   [&](std::size_t, int&) { ++consumed; }, {2, 4}),
               std::runtime_error);
  EXPECT_LE(consumed, 17u);
}

TEST(OrderedPipeline, ConsumerFailureStopsAndRethrows) {
  try {
    run_ordered_pipeline<int>(
        1000, [](std::size_t) { return 1; },
        [](std::size_t i, int&) {
          if (i == 5) throw std::runtime_error("disk full");
        },
        {2, 4});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "disk full");
  }
}

TEST(OrderedPipeline, EmptyInputRunsNothing) {
  run_ordered_pipeline<int>(
      0, [](std::size_t) -> int { throw std::logic_error("never"); },
      [](std::size_t, int&) { FAIL(); }, {2, 0});
}

}  // namespace
}  // namespace tessera
