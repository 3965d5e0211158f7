// Raw field I/O: round trips, sizes and usage errors, float32 as the default type of raw input, and
// raw arrays decoded from memory.
#include "tessera/compress/field_io.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::compress {
namespace {

namespace fs = std::filesystem;
using tessera::testing::expect_error;

/// Each test writes into a fresh folder of its own.
class FieldIo : public ::testing::Test {
 protected:
  tessera::testing::TempDir folder_;
};

template <class T>
class RawIo : public FieldIo {};
using ValueTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(RawIo, ValueTypes);

TYPED_TEST(RawIo, RoundTripKeepsEveryBitInLittleEndianOrder) {
  using T = TypeParam;
  Field field = make_field("generated", data_type_of<T>(), {3, 5, 7});
  auto values = field.values<T>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>(i) * T(0.37) - T(2);
  values[0] = T(1.5);
  values[1] = -T(0);
  values[2] = std::numeric_limits<T>::quiet_NaN();
  values[3] = -std::numeric_limits<T>::infinity();
  values[4] = std::numeric_limits<T>::denorm_min();
  const fs::path path = this->folder_ / "field.raw";
  write_raw(path, field);

  const std::vector<std::byte> bytes = read_file(path);
  ASSERT_EQ(bytes.size(), 105 * sizeof(T));
  const auto first = to_little_endian(T(1.5));
  EXPECT_TRUE(std::equal(first.begin(), first.end(), bytes.begin()));

  const Field back = read_raw(path, data_type_of<T>(), {3, 5, 7});
  EXPECT_EQ(back.name, path.string());
  EXPECT_EQ(back.type, data_type_of<T>());
  EXPECT_EQ(back.shape, (std::vector<std::size_t>{3, 5, 7}));
  EXPECT_FALSE(back.fill_value.has_value());
  ASSERT_EQ(back.bytes.size(), field.bytes.size());
  EXPECT_EQ(std::memcmp(back.bytes.data(), field.bytes.data(), field.bytes.size()), 0);
}

TEST_F(FieldIo, RawSizeMismatchNamesBothSizes) {
  const fs::path path = folder_ / "short.f32";
  write_file(path, std::vector<std::byte>(20));
  expect_error(
      [&] {
        (void)read_raw(path, DataType::kFloat32, {2, 3});
      },
      {.input = path.string(),
       .contains = "has 20 bytes, but 2x3 f32 values need 24 bytes",
       .code = ExitCode::kFailure});
  expect_error(
      [&] {
        (void)read_raw(path, DataType::kFloat64, {1, 2});
      },
      {.input = path.string(),
       .contains = "has 20 bytes, but 1x2 f64 values need 16 bytes",
       .code = ExitCode::kFailure});
  const std::size_t huge = std::size_t{1} << 40;
  expect_error(
      [&] {
        (void)read_raw(path, DataType::kFloat32, {huge, huge});
      },
      {.input = path.string(),
       .contains = "values need more than 18446744073709551615 bytes",
       .code = ExitCode::kFailure});
  expect_error(
      [&] { (void)read_raw(path, DataType::kFloat32, {}); },
      {.input = path.string(), .contains = "needs 1 to 4 dimensions", .code = ExitCode::kUsage});
  expect_error(
      [&] { (void)read_raw(folder_ / "absent.f32", DataType::kFloat32, {5}); },
      {.input = (folder_ / "absent.f32").string(), .contains = "", .code = ExitCode::kFailure});
}

TEST_F(FieldIo, RawInputIsFloat32UnlessTypedAndNeedsAShape) {
  const fs::path path = folder_ / "five.f64";
  Field field = make_field("five", DataType::kFloat64, {5});
  field.values<double>()[4] = 4.25;
  write_raw(path, field);
  EXPECT_EQ(read_field(path.string(), DataType::kFloat64, {5}).values<double>()[4], 4.25);
  const Field as_f32 = read_field(path.string(), std::nullopt, {10});
  EXPECT_EQ(as_f32.type, DataType::kFloat32);
  expect_error([&] { (void)read_field(path.string(), std::nullopt, {5}); },
               {.input = path.string(),
                .contains = "has 40 bytes, but 5 f32 values need 20 bytes",
                .code = ExitCode::kFailure});
  expect_error([&] { (void)read_field(path.string(), DataType::kFloat64, {}); },
               {.input = path.string(),
                .contains = "is a raw file: give its dimensions with -1/-2/-3/-4",
                .code = ExitCode::kUsage});
  expect_error(
      [&] { (void)read_field("data.nc", std::nullopt, {}); },
      {.input = "data.nc", .contains = "name a variable as FILE:VAR", .code = ExitCode::kUsage});
  expect_error([&] { (void)read_field("data.cdf:", std::nullopt, {}); },
               {.input = "data.cdf:", .contains = "names no variable", .code = ExitCode::kUsage});
  EXPECT_EQ(spec_file("data.nc:a:b"), "data.nc");  // variable "a:b"
  EXPECT_EQ(spec_file("run:3.f32"), "run:3.f32");  // a raw file
}

TEST(RawBytes, DecodeAndEncodeAreInverseAndCheckTheSize) {
  Field field = make_field("three", DataType::kFloat32, {3});
  field.values<float>()[1] = -2.5f;
  const std::vector<std::byte> bytes = encode_raw(field);
  ASSERT_EQ(bytes.size(), 12u);
  const Field back = decode_raw(bytes, "stdin", DataType::kFloat32, {3});
  EXPECT_EQ(back.name, "stdin");
  EXPECT_EQ(back.values<float>()[1], -2.5f);
  expect_error([&] { (void)decode_raw(bytes, "stdin", DataType::kFloat64, {3}); },
               {.input = "stdin", .contains = "has 12 bytes, but 3 f64 values need 24 bytes"});
}

TEST(NetcdfAvailability, WithoutNetcdfReadingSaysWhatTheBuildLacks) {
  if (netcdf_available()) GTEST_SKIP() << "this build reads netCDF (netcdf_io_test.cpp tests it)";
  expect_error([] { (void)read_field("field.nc:T", std::nullopt, {}); },
               {.input = "field.nc", .contains = "install libnetcdf-dev"});
}

}  // namespace
}  // namespace tessera::compress
