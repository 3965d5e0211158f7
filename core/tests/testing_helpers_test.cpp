// tessera::testing itself: expect_error fails when nothing is thrown or the error differs, TempDir
// cleans up, and the generators depend on the seed only.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/generators.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::testing {
namespace {

void throw_usage() { throw usage_error("-x", "is bad"); }

TEST(ExpectError, PassesOnAMatchingError) {
  const std::string what =
      expect_error(throw_usage, {.input = "-x", .contains = "bad", .code = ExitCode::kUsage});
  EXPECT_EQ(what, "-x: is bad");
}

TEST(ExpectError, FailsWhenNothingIsThrown) {
  EXPECT_NONFATAL_FAILURE(expect_error([] {}, {.contains = "bad"}), "nothing was thrown");
}

TEST(ExpectError, FailsOnTheWrongInputTextOrCode) {
  EXPECT_NONFATAL_FAILURE(expect_error(throw_usage, {.input = "-y"}), "names '-x'");
  EXPECT_NONFATAL_FAILURE(expect_error(throw_usage, {.contains = "good"}), "does not say");
  EXPECT_NONFATAL_FAILURE(expect_error(throw_usage, {.code = ExitCode::kFailure}), "exit code 2");
  EXPECT_NONFATAL_FAILURE(expect_error([] { throw std::runtime_error("x"); }, {}),
                          "not a tessera::Error");
}

TEST(TempDir, IsEmptyAndRemovedWithItsContents) {
  std::filesystem::path kept;
  {
    const TempDir dir;
    kept = dir.path();
    EXPECT_TRUE(dir.listing().empty());
    std::ofstream(dir / "b") << "1";
    std::filesystem::create_directories(dir / "a" / "nested");
    EXPECT_EQ(dir.listing(), (std::vector<std::string>{"a", "b"}));
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(Generators, DependOnTheSeedOnly) {
  const std::vector<std::size_t> shape{6, 7};
  const std::vector<double> a = smooth_field(shape, 3);
  EXPECT_EQ(a.size(), 42u);
  EXPECT_EQ(a, smooth_field(shape, 3));
  EXPECT_NE(a, smooth_field(shape, 4));
  const AlignedBuffer<float> one = [] {
    const ThreadCountScope scope(1);
    return uniform_matrix(33, 17, 9);
  }();
  const AlignedBuffer<float> two = [] {
    const ThreadCountScope scope(2);
    return uniform_matrix(33, 17, 9);
  }();
  ASSERT_EQ(one.size(), 33u * 17u);
  for (std::size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(one[i], two[i]);
    ASSERT_GE(one[i], -1.0f);
    ASSERT_LT(one[i], 1.0f);
  }
}

}  // namespace
}  // namespace tessera::testing
