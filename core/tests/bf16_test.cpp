// bf16 rounding: to nearest, ties to even, NaNs quiet, overflow to infinity, subnormals kept; and
// back exactly.
#include "tessera/core/bf16.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

namespace tessera {
namespace {

float bits(std::uint32_t b) { return std::bit_cast<float>(b); }

TEST(Bf16, RoundsToNearestWithTiesToEven) {
  EXPECT_EQ(to_bf16(bits(0x3f800000u)), 0x3f80u);  // 1.0: exact
  EXPECT_EQ(to_bf16(bits(0x3f807fffu)), 0x3f80u);  // below half an ulp: down
  EXPECT_EQ(to_bf16(bits(0x3f808001u)), 0x3f81u);  // above half: up
  EXPECT_EQ(to_bf16(bits(0x3f808000u)), 0x3f80u);  // a tie to the even 0x3f80: down
  EXPECT_EQ(to_bf16(bits(0x3f818000u)), 0x3f82u);  // a tie to the even 0x3f82: up
  EXPECT_EQ(to_bf16(bits(0xbf818000u)), 0xbf82u);  // the sign does not matter
}

TEST(Bf16, KeepsNansInfinitiesAndSubnormals) {
  EXPECT_TRUE(std::isnan(from_bf16(to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isnan(from_bf16(to_bf16(bits(0x7f800001u)))));  // a NaN with low bits only
  EXPECT_EQ(from_bf16(to_bf16(std::numeric_limits<float>::infinity())),
            std::numeric_limits<float>::infinity());
  EXPECT_EQ(to_bf16(bits(0x7f7fffffu)), 0x7f80u);  // the largest float rounds up to infinity
  EXPECT_EQ(to_bf16(bits(0x00010000u)), 0x0001u);  // the smallest bf16 subnormal stays
}

TEST(Bf16, GoesBackExactlyAndConvertsSpans) {
  for (std::uint32_t b = 0; b < 0x10000u; b += 7) {
    const auto h = static_cast<std::uint16_t>(b);
    const float f = from_bf16(h);
    if (std::isnan(f)) continue;
    EXPECT_EQ(to_bf16(f), h) << b;
  }
  const std::vector<float> values{1.0f, -2.5f, 3.0e-3f};
  std::vector<std::uint16_t> out(3);
  to_bf16(values, out);
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(out[i], to_bf16(values[i]));
}

}  // namespace
}  // namespace tessera
