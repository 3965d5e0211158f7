// Sweep syntax: lists, arithmetic and geometric ranges with exact ends, and clear errors.
#include "tessera/core/sweep.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tessera/core/error.hpp"

namespace tessera {
namespace {

TEST(Sweep, ListsAndRangesExpandInOrder) {
  EXPECT_EQ(parse_sweep("0.5,0.75,0.9", "--s"), (std::vector<double>{0.5, 0.75, 0.9}));
  EXPECT_EQ(parse_sweep("0:1:0.25", "--s"), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(parse_sweep("128:2048:*4,4096", "--m"), (std::vector<double>{128, 512, 2048, 4096}));
  EXPECT_EQ(parse_sweep("3:3:1", "--x"), (std::vector<double>{3}));
  EXPECT_EQ(parse_sweep("1:10:4", "--x"), (std::vector<double>{1, 5, 9}));
}

TEST(Sweep, DecimalStepsEndExactlyAtTheStop) {
  const std::vector<double> v = parse_sweep("0.5:0.9:0.1", "--sparsity");
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v.back(), 0.9);
  EXPECT_DOUBLE_EQ(v[2], 0.7);
}

TEST(Sweep, SizesMustBeWholeAndPositive) {
  EXPECT_EQ(parse_size_sweep("768,3072", "--n"), (std::vector<std::size_t>{768, 3072}));
  EXPECT_EQ(parse_size_sweep("1:4:1", "--threads"), (std::vector<std::size_t>{1, 2, 3, 4}));
  EXPECT_THROW(parse_size_sweep("0.5", "--n"), Error);
  EXPECT_THROW(parse_size_sweep("0", "--n"), Error);
}

TEST(Sweep, MalformedSweepsNameTheOptionAndTheItem) {
  for (const char* bad : {"", "0.5,", "x", "1:2", "1:2:3:4", "2:1:1", "1:2:0", "1:2:-1", "1:8:*1",
                          "0:8:*2", "1:2:*x", "1e999", "1:100000:1"}) {
    try {
      parse_sweep(bad, "--sparsity");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.input(), "--sparsity") << bad;
      EXPECT_EQ(e.exit_code(), ExitCode::kUsage) << bad;
    }
  }
}

}  // namespace
}  // namespace tessera
