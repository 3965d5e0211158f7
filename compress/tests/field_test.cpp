// Field: shape validation, sizes and typed access that checks the element type.
#include "tessera/compress/field.hpp"

#include <gtest/gtest.h>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::compress {
namespace {

TEST(Field, MakeFieldAllocatesZeroedValues) {
  Field f = make_field("t", DataType::kFloat64, {3, 4, 5});
  EXPECT_EQ(f.size(), 60u);
  EXPECT_EQ(f.bytes.size(), 60u * 8);
  EXPECT_EQ(shape_string(f.shape), "3x4x5");
  for (double v : f.values<double>()) EXPECT_EQ(v, 0.0);
  f.values<double>()[59] = 2.5;
  EXPECT_EQ(std::as_const(f).values<double>()[59], 2.5);
}

TEST(Field, WrongElementTypeNamesTheField) {
  Field f = make_field("etopo5.cdf:ROSE", DataType::kFloat32, {2, 2});
  tessera::testing::expect_error(
      [&] { (void)f.values<double>(); },
      {.input = "etopo5.cdf:ROSE", .contains = "holds f32 values, not f64"});
}

TEST(Field, RejectsBadShapes) {
  EXPECT_THROW(make_field("a", DataType::kFloat32, {}), Error);
  EXPECT_THROW(make_field("a", DataType::kFloat32, {1, 2, 3, 4, 5}), Error);
  EXPECT_THROW(make_field("a", DataType::kFloat32, {4, 0}), Error);
  EXPECT_THROW(make_field("a", DataType::kFloat32, {std::size_t{1} << 40, std::size_t{1} << 40}),
               Error);
}

}  // namespace
}  // namespace tessera::compress
