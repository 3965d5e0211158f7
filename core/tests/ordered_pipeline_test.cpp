// Ordered pipeline: in-order consumption whatever the thread count, bounded lookahead, errors.
#include "tessera/core/ordered_pipeline.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tessera/core/turnstile.hpp"

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

TEST(OrderedPipeline, AStreamEndsWhereItsProducerFindsNoItem) {
  // A stream of 57 numbers read in turn, squared in parallel: every item before the end is
  // consumed, in order, and none after it, on any thread count and window.
  for (int threads : {1, 2, 4}) {
    for (std::size_t window : {1u, 3u, 16u}) {
      Turnstile reads;
      std::size_t next_number = 0;
      std::vector<std::size_t> consumed;
      run_ordered_stream<std::size_t>(
          [&](std::size_t i) {
            const std::optional<std::size_t> number = reads.take_turn(
                i, [&] { return next_number < 57 ? std::optional(next_number++) : std::nullopt; });
            std::this_thread::sleep_for(std::chrono::microseconds((i * 7919) % 200));
            return number ? std::optional(*number * *number) : std::nullopt;
          },
          [&](std::size_t i, std::size_t& item) {
            EXPECT_EQ(item, i * i);
            consumed.push_back(i);
          },
          {threads, window});
      ASSERT_EQ(consumed.size(), 57u) << threads << " threads, window " << window;
      for (std::size_t i = 0; i < consumed.size(); ++i) ASSERT_EQ(consumed[i], i);
    }
  }
}

TEST(OrderedPipeline, AnEmptyStreamConsumesNothing) {
  bool consumed = false;
  run_ordered_stream<int>([](std::size_t) { return std::optional<int>(); },
                          [&](std::size_t, int&) { consumed = true; }, {2, 0});
  EXPECT_FALSE(consumed);
}

}  // namespace
}  // namespace tessera
