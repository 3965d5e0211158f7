// Grid detection: whole numbers, unit conversions of them and decimals are found with their
// step; continuous values, constant fields and off-grid samples are not; fill and non-finite
// values are ignored; the compressor codes gridded fields exactly at fine bounds.
#include "value_grid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "tessera/compress/compressor.hpp"
#include "tessera/compress/metrics.hpp"
#include "test_fields.hpp"

namespace tessera::compress {
namespace {

using testing::wave_field;

// Heights in whole units (a DEM) of about ±60·scale, times `unit`, as float32.
Field gridded_field(double unit, std::vector<std::size_t> shape = {64, 128}, double scale = 10) {
  Field f = wave_field(DataType::kFloat32, shape, 3);
  for (float& x : f.values<float>()) x = static_cast<float>(std::round(x * scale) * unit);
  return f;
}

TEST(ValueGrid, WholeNumbersLieOnAGridOfOne) {
  const std::optional<ValueGrid> grid = detect_value_grid(gridded_field(1.0));
  ASSERT_TRUE(grid.has_value());
  EXPECT_EQ(grid->step, 1.0);
  EXPECT_EQ(grid->max_deviation, 0.0);
}

TEST(ValueGrid, UnitConversionsAreFoundToFullPrecision) {
  // Whole metres in feet, as trinidad stores them: multiples of 3.28 rounded to float32, with
  // indices in the thousands, so the step must be exact to about 1e-9 to place every value.
  Field f = gridded_field(3.28, {64, 128});
  for (float& x : f.values<float>()) x += 3280.0f;
  const std::optional<ValueGrid> grid = detect_value_grid(f);
  ASSERT_TRUE(grid.has_value());
  EXPECT_NEAR(grid->step, 3.28, 3.28e-9);
  EXPECT_LE(grid->max_deviation, 1e-3);  // float32 rounding near 4000
}

TEST(ValueGrid, DecimalsWhoseSmallestGapIsRoundedInFloat32) {
  // Geopotential heights in tenths of metres near 5000 (hgt.nc): float32 spaces them 0.0996 or
  // 0.1004 apart, and a gap of 50 steps counted with the rounded spacing would be off by one.
  Field f = gridded_field(0.1, {64, 128}, 1000);
  for (float& x : f.values<float>())
    x = static_cast<float>(std::round(x * 10.0f + 52000.0f) / 10.0);
  const std::optional<ValueGrid> grid = detect_value_grid(f);
  ASSERT_TRUE(grid.has_value());
  EXPECT_NEAR(grid->step, 0.1, 1e-9);
  EXPECT_LE(grid->max_deviation, 5e-4);  // half a float32 step at 8192-16384
}

TEST(ValueGrid, DecimalsWithFixedPlacesInDoubles) {
  Field f = wave_field(DataType::kFloat64, {4096}, 8);
  for (double& x : f.values<double>()) x = std::round(x * 1000.0) / 1000.0;
  const std::optional<ValueGrid> grid = detect_value_grid(f);
  ASSERT_TRUE(grid.has_value());
  EXPECT_NEAR(grid->step, 1e-3, 1e-15);
}

TEST(ValueGrid, ContinuousAndConstantFieldsHaveNone) {
  EXPECT_FALSE(detect_value_grid(wave_field(DataType::kFloat32, {64, 128}, 4)).has_value());
  EXPECT_FALSE(detect_value_grid(wave_field(DataType::kFloat64, {64, 128}, 4)).has_value());
  Field constant = make_field("constant", DataType::kFloat32, {1000});
  for (float& x : constant.values<float>()) x = 2.5f;
  EXPECT_FALSE(detect_value_grid(constant).has_value());
}

TEST(ValueGrid, ValuesNearTheLargestDoublesHaveNoGridAndStillCompress) {
  // The least-squares sums overflow to inf there: no grid, and compression as usual.
  for (const std::vector<double>& values :
       {std::vector<double>{1e308, 1.7e308, 1.2e308}, std::vector<double>{3e307, 6e307, 9e307}}) {
    Field f = make_field("huge", DataType::kFloat64, {values.size()});
    std::ranges::copy(values, f.values<double>().begin());
    EXPECT_EQ(grid_step_for(f, 1.0), 0.0);
    CompressOptions options;
    options.bound = {BoundMode::kAbs, 1.0, 0};
    const Field back = decompress(compress_to_memory(f, options), "huge");
    EXPECT_TRUE(check_abs_bound(f, back, 1.0).ok);
  }
}

TEST(ValueGrid, FillAndNonFiniteValuesAreIgnored) {
  Field f = gridded_field(1.0);
  auto v = f.values<float>();
  for (std::size_t i = 0; i < v.size(); i += 7) v[i] = -999.5f;
  v[0] = std::numeric_limits<float>::quiet_NaN();
  v[8] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(detect_value_grid(f).has_value());  // -999.5 is off the grid of 1
  f.fill_value = -999.5;
  const std::optional<ValueGrid> grid = detect_value_grid(f);
  ASSERT_TRUE(grid.has_value());
  EXPECT_EQ(grid->step, 1.0);
}

TEST(ValueGrid, TheStepIsUsedOnlyForBoundsBelowHalfOfIt) {
  const Field f = gridded_field(1.0);
  EXPECT_EQ(grid_step_for(f, 0.01), 1.0);
  EXPECT_EQ(grid_step_for(f, 0.4999), 1.0);
  EXPECT_EQ(grid_step_for(f, 0.5), 0.0);  // 2eb already reproduces every value
  EXPECT_EQ(grid_step_for(f, 2.0), 0.0);
  // A bound finer than float32's rounding of the grid values: prequantize by 2eb.
  Field feet = gridded_field(3.28);
  for (float& x : feet.values<float>()) x += 3280.0f;
  EXPECT_NEAR(grid_step_for(feet, 0.1), 3.28, 3.28e-9);
  EXPECT_EQ(grid_step_for(feet, 1e-5), 0.0);
}

TEST(ValueGrid, CompressorCodesGriddedFieldsExactlyAtFineBounds) {
  Field f = gridded_field(1.0, {128, 128}, 1000);
  f.values<float>()[1] += 0.37f;  // off the grid, outside the sample: stored verbatim
  CompressOptions options;
  options.bound = {BoundMode::kAbs, 0.01, 0};
  CompressResult gridded;
  const Field back = decompress(compress_to_memory(f, options, &gridded), "gridded");
  EXPECT_EQ(gridded.header.grid_step, 1.0);
  EXPECT_TRUE(check_abs_bound(f, back, 0.01).ok);
  EXPECT_EQ(compare_fields(f, back).max_abs_error, 0.0);  // on the grid or verbatim: exact

  // The same field off its grid is coded with 2eb steps, residuals 50 times larger: far more bytes.
  Field shifted = gridded_field(1.0, {128, 128}, 1000);
  for (float& x : shifted.values<float>()) x += 0.3f;
  CompressResult plain;
  compress_to_memory(shifted, options, &plain);
  EXPECT_EQ(plain.header.grid_step, 0.0);
  EXPECT_GT(plain.output_bytes, 3 * gridded.output_bytes / 2);

  options.bound = {BoundMode::kFixedRatio, 0, 0, 8.0};  // FXR sizes streams by the bound alone
  CompressResult fixed_ratio;
  compress_to_memory(f, options, &fixed_ratio);
  EXPECT_EQ(fixed_ratio.header.grid_step, 0.0);
}

}  // namespace
}  // namespace tessera::compress
