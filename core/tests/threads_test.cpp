// Static partitioning and parallel_for: pieces cover the range exactly and do not depend on
// threads.
#include "tessera/core/threads.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera {
namespace {

TEST(PartitionRange, CoversRangeExactlyWithBalancedSizes) {
  for (std::size_t n : {0u, 1u, 7u, 100u, 1001u}) {
    for (std::size_t parts : {1u, 2u, 3u, 8u}) {
      std::size_t next = 0;
      for (std::size_t p = 0; p < parts; ++p) {
        const Range r = partition_range(n, parts, p);
        EXPECT_EQ(r.begin, next);
        EXPECT_LE(r.size(), n / parts + 1);
        EXPECT_GE(r.size(), n / parts);
        next = r.end;
      }
      EXPECT_EQ(next, n);
    }
  }
}

TEST(PieceCount, AtLeastOnePieceOfAtLeastGrainItems) {
  EXPECT_EQ(piece_count(0, 16), 1u);
  EXPECT_EQ(piece_count(15, 16), 1u);
  EXPECT_EQ(piece_count(64, 16), 4u);
  EXPECT_EQ(piece_count(10, 0), 10u);
}

std::vector<std::size_t> piece_of_each_index(int threads, std::size_t n, std::size_t grain) {
  ThreadCountScope scope(threads);
  std::vector<std::size_t> owner(n, ~std::size_t{0});
  parallel_for(n, grain, [&](std::size_t piece, Range range) {
    for (std::size_t i = range.begin; i < range.end; ++i) owner[i] = piece;
  });
  return owner;
}

TEST(ParallelFor, PiecesAreTheSameForOneAndTwoThreads) {
  const auto one = piece_of_each_index(1, 10007, 100);
  const auto two = piece_of_each_index(2, 10007, 100);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one.back(), piece_count(10007, 100) - 1);
}

TEST(ParallelFor, RethrowsTheFirstFailingPieceOnTheCaller) {
  ThreadCountScope scope(2);
  try {
    parallel_for(100, 10, [](std::size_t piece, Range) {
      if (piece == 3 || piece == 7) throw std::runtime_error("piece " + std::to_string(piece));
    });
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "piece 3");
  }
}

TEST(ThreadCount, ScopeRestoresAndRejectsZero) {
  const int before = thread_count();
  {
    ThreadCountScope scope(1);
    EXPECT_EQ(thread_count(), 1);
  }
  EXPECT_EQ(thread_count(), before);
  testing::expect_error([] { set_thread_count(0); },
                        {.input = "set_thread_count(n)", .code = ExitCode::kUsage});
}

}  // namespace
}  // namespace tessera
