// Field I/O: raw round trips, sizes and usage errors; netCDF fill, type, packing and shape rules on
// a file the test writes itself; real fields of the ferret-datasets and libncarg-data packages.
#include "tessera/compress/field_io.hpp"

#include <gtest/gtest.h>
#include <netcdf.h>
#include <unistd.h>

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

namespace tessera::compress {
namespace {

namespace fs = std::filesystem;

/// Each test gets a fresh folder under the system temporary folder, removed with everything in it.
class FieldIo : public testing::Test {
 protected:
  FieldIo()
      : folder_(fs::temp_directory_path() /
                ("tessera-field-io-" + std::to_string(::getpid()) + "-" +
                 testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  ~FieldIo() override {
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }

  fs::path folder_;
};

/// Runs `run`, expecting a tessera::Error with this input, exit code and text in its problem.
template <typename Run>
void expect_error(Run run, const std::string& input, ExitCode code, const std::string& text) {
  try {
    run();
    FAIL() << "expected an error from " << input;
  } catch (const Error& e) {
    EXPECT_EQ(e.input(), input) << e.what();
    EXPECT_EQ(e.exit_code(), code) << e.what();
    EXPECT_NE(e.problem().find(text), std::string::npos) << e.what();
  }
}

template <class T>
std::size_t count_equal(const Field& field, double value) {
  const auto values = field.values<T>();
  return static_cast<std::size_t>(
      std::ranges::count_if(values, [&](T x) { return static_cast<double>(x) == value; }));
}

template <class T>
class RawIo : public FieldIo {};
using ValueTypes = testing::Types<float, double>;
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
  write_file_atomic(path, std::vector<std::byte>(20));
  expect_error(
      [&] {
        (void)read_raw(path, DataType::kFloat32, {2, 3});
      },
      path.string(), ExitCode::kFailure, "has 20 bytes, but 2x3 f32 values need 24 bytes");
  expect_error(
      [&] {
        (void)read_raw(path, DataType::kFloat64, {1, 2});
      },
      path.string(), ExitCode::kFailure, "has 20 bytes, but 1x2 f64 values need 16 bytes");
  const std::size_t huge = std::size_t{1} << 40;
  expect_error(
      [&] {
        (void)read_raw(path, DataType::kFloat32, {huge, huge});
      },
      path.string(), ExitCode::kFailure, "values need more than 18446744073709551615 bytes");
  expect_error([&] { (void)read_raw(path, DataType::kFloat32, {}); }, path.string(),
               ExitCode::kUsage, "needs 1 to 4 dimensions");
  expect_error([&] { (void)read_raw(folder_ / "absent.f32", DataType::kFloat32, {5}); },
               (folder_ / "absent.f32").string(), ExitCode::kFailure, "");
}

TEST_F(FieldIo, ReadFieldNeedsTypeAndShapeForRawFiles) {
  const fs::path path = folder_ / "five.f64";
  Field field = make_field("five", DataType::kFloat64, {5});
  field.values<double>()[4] = 4.25;
  write_raw(path, field);
  EXPECT_EQ(read_field(path.string(), DataType::kFloat64, {5}).values<double>()[4], 4.25);
  expect_error([&] { (void)read_field(path.string(), std::nullopt, {5}); }, path.string(),
               ExitCode::kUsage, "pass -f or -d for the value type and -1/-2/-3/-4");
  expect_error([&] { (void)read_field(path.string(), DataType::kFloat64, {}); }, path.string(),
               ExitCode::kUsage, "pass -f or -d");
  expect_error([&] { (void)read_field("data.nc", std::nullopt, {}); }, "data.nc", ExitCode::kUsage,
               "name a variable as FILE:VAR");
  expect_error([&] { (void)read_field("data.cdf:", std::nullopt, {}); },
               "data.cdf:", ExitCode::kUsage, "names no variable");
}

/// Throws unless a netCDF call succeeded (the test's own writing, not the code under test).
void nc_must(int status) {
  if (status != NC_NOERR) throw std::runtime_error(nc_strerror(status));
}

/// A netCDF file being written by the test, closed on destruction.
class NcWriter {
 public:
  explicit NcWriter(const fs::path& path) { nc_must(nc_create(path.c_str(), NC_CLOBBER, &id_)); }
  ~NcWriter() { nc_close(id_); }
  NcWriter(const NcWriter&) = delete;
  NcWriter& operator=(const NcWriter&) = delete;

  int dimension(const char* name, std::size_t length) {
    int id = -1;
    nc_must(nc_def_dim(id_, name, length, &id));
    return id;
  }
  int variable(const char* name, nc_type type, const std::vector<int>& dimensions) {
    int id = -1;
    nc_must(
        nc_def_var(id_, name, type, static_cast<int>(dimensions.size()), dimensions.data(), &id));
    return id;
  }
  int id() const { return id_; }

 private:
  int id_ = -1;
};

/// Writes fill.nc: one variable per rule of read_netcdf (see the tests below for what each holds).
fs::path write_test_file(const fs::path& folder) {
  const fs::path path = folder / "fill.nc";
  NcWriter nc(path);
  const int time = nc.dimension("time", NC_UNLIMITED);
  const int one = nc.dimension("one", 1);
  const int v = nc.dimension("v", 2);
  const int w = nc.dimension("w", 2);
  const int z = nc.dimension("z", 3);
  const int y = nc.dimension("y", 4);
  const int x = nc.dimension("x", 2);
  const int density = nc.variable("density", NC_DOUBLE, {one, z, y, x});
  const double density_fill = -999.0;
  nc_must(nc_put_att_double(nc.id(), density, "_FillValue", NC_DOUBLE, 1, &density_fill));
  const int both = nc.variable("both", NC_FLOAT, {y, x});
  const float both_fill = 1e20f;
  const float both_missing = -1.0f;
  nc_must(nc_put_att_float(nc.id(), both, "_FillValue", NC_FLOAT, 1, &both_fill));
  nc_must(nc_put_att_float(nc.id(), both, "missing_value", NC_FLOAT, 1, &both_missing));
  const int missing = nc.variable("missing", NC_FLOAT, {y, x});
  const double missing_value = 0.1;  // a double attribute, rounded to the float variable's type
  nc_must(nc_put_att_double(nc.id(), missing, "missing_value", NC_DOUBLE, 1, &missing_value));
  const int unwritten = nc.variable("unwritten", NC_FLOAT, {z, y, x});
  const int full = nc.variable("full", NC_FLOAT, {y, x});
  nc.variable("counts", NC_SHORT, {y, x});
  const int packed = nc.variable("packed", NC_FLOAT, {y, x});
  const float scale = 0.5f;
  nc_must(nc_put_att_float(nc.id(), packed, "scale_factor", NC_FLOAT, 1, &scale));
  nc.variable("five", NC_FLOAT, {v, w, z, y, x});
  const int scalar = nc.variable("scalar", NC_DOUBLE, {});
  nc.variable("series", NC_FLOAT, {time, x});
  nc_must(nc_enddef(nc.id()));

  std::vector<double> density_values(24);
  for (std::size_t i = 0; i < density_values.size(); ++i) density_values[i] = 0.25 * double(i);
  density_values[5] = density_values[17] = density_fill;
  nc_must(nc_put_var_double(nc.id(), density, density_values.data()));
  const std::vector<float> both_values = {1e20f, -1.0f, 2, 3, 4, 5, 6, 7};
  nc_must(nc_put_var_float(nc.id(), both, both_values.data()));
  const std::vector<float> missing_values = {0.1f, 1, 2, 3, 4, 5, 6, 7};
  nc_must(nc_put_var_float(nc.id(), missing, missing_values.data()));
  const std::vector<float> slab(8, 4.0f);  // z = 0 only: z = 1, 2 keep the default fill
  const std::size_t start[] = {0, 0, 0};
  const std::size_t count[] = {1, 4, 2};
  nc_must(nc_put_vara_float(nc.id(), unwritten, start, count, slab.data()));
  const std::vector<float> full_values = {0, 1, 2, 3, 4, 5, 6, 7};
  nc_must(nc_put_var_float(nc.id(), full, full_values.data()));
  const double scalar_value = 42.0;
  nc_must(nc_put_var_double(nc.id(), scalar, &scalar_value));
  return path;
}

TEST_F(FieldIo, NetcdfFillValueFromAttributes) {
  const fs::path path = write_test_file(folder_);
  const Field density = read_netcdf(path, "density");
  EXPECT_EQ(density.name, "fill.nc:density");
  EXPECT_EQ(density.type, DataType::kFloat64);
  EXPECT_EQ(density.shape, (std::vector<std::size_t>{3, 4, 2}));  // 1x3x4x2 squeezed
  EXPECT_EQ(density.fill_value, -999.0);
  EXPECT_EQ(count_equal<double>(density, -999.0), 2u);
  EXPECT_EQ(density.values<double>()[23], 0.25 * 23);

  const Field both = read_netcdf(path, "both");  // _FillValue wins over missing_value
  EXPECT_EQ(both.type, DataType::kFloat32);
  EXPECT_EQ(both.fill_value, static_cast<double>(1e20f));

  const Field missing = read_netcdf(path, "missing");
  EXPECT_EQ(missing.fill_value, static_cast<double>(0.1f));
  EXPECT_EQ(count_equal<float>(missing, *missing.fill_value), 1u);
}

TEST_F(FieldIo, NetcdfDefaultFillOnlyWhenPresent) {
  const fs::path path = write_test_file(folder_);
  const Field unwritten = read_netcdf(path, "unwritten");
  EXPECT_EQ(unwritten.shape, (std::vector<std::size_t>{3, 4, 2}));
  EXPECT_EQ(unwritten.fill_value, static_cast<double>(NC_FILL_FLOAT));
  EXPECT_EQ(count_equal<float>(unwritten, static_cast<double>(NC_FILL_FLOAT)), 16u);
  EXPECT_EQ(unwritten.values<float>()[7], 4.0f);

  const Field full = read_netcdf(path, "full");
  EXPECT_FALSE(full.fill_value.has_value());
  EXPECT_EQ(full.values<float>()[7], 7.0f);

  const Field scalar = read_netcdf(path, "scalar");
  EXPECT_EQ(scalar.shape, (std::vector<std::size_t>{1}));
  EXPECT_EQ(scalar.values<double>()[0], 42.0);
}

TEST_F(FieldIo, NetcdfRejectsWhatItCannotRead) {
  const fs::path path = write_test_file(folder_);
  const auto read = [&](const char* variable) {
    return [=] { (void)read_netcdf(path, variable); };
  };
  expect_error(read("counts"), "fill.nc:counts", ExitCode::kFailure,
               "holds short values; only float and double variables can be read");
  expect_error(read("packed"), "fill.nc:packed", ExitCode::kFailure,
               "is packed (scale_factor attribute)");
  expect_error(read("five"), "fill.nc:five", ExitCode::kFailure,
               "has 5 dimensions longer than 1 (shape 2x2x3x4x2); at most 4 are supported");
  expect_error(read("series"), "fill.nc:series", ExitCode::kFailure, "holds no values (shape 0x2)");
  expect_error(read("nope"), "fill.nc:nope", ExitCode::kFailure,
               "no such variable (float variables: density, both, missing, unwritten, full)");
}

TEST_F(FieldIo, NetcdfFloatVariablesListsReadableFieldsOfTwoOrMoreValues) {
  const fs::path path = write_test_file(folder_);
  EXPECT_EQ(netcdf_float_variables(path),
            (std::vector<std::string>{"density", "both", "missing", "unwritten", "full"}));
}

TEST_F(FieldIo, NetcdfErrorsNameTheFile) {
  const fs::path text = folder_ / "notes.nc";
  const std::string content = "not a netCDF file\n";
  write_file_atomic(text, std::as_bytes(std::span(content)));
  expect_error([&] { (void)read_netcdf(text, "x"); }, text.string(), ExitCode::kFailure,
               "cannot read as netCDF: NetCDF: Unknown file format");
  expect_error([&] { (void)netcdf_float_variables(text); }, text.string(), ExitCode::kFailure,
               "cannot read as netCDF");
  const fs::path absent = folder_ / "absent.nc";
  expect_error([&] { (void)read_netcdf(absent, "x"); }, absent.string(), ExitCode::kFailure,
               "No such file or directory");
}

TEST_F(FieldIo, ReadFieldRoutesNetcdfSpecsAndChecksTypeAndShape) {
  const std::string spec = write_test_file(folder_).string() + ":density";
  const Field field = read_field(spec, std::nullopt, {});
  EXPECT_EQ(field.name, "fill.nc:density");
  EXPECT_EQ(read_field(spec, DataType::kFloat64, {3, 4, 2}).shape, field.shape);
  expect_error([&] { (void)read_field(spec, DataType::kFloat32, {}); }, spec, ExitCode::kUsage,
               "holds f64 values, but f32 values were asked for");
  expect_error(
      [&] {
        (void)read_field(spec, std::nullopt, {4, 3, 2});
      },
      spec, ExitCode::kUsage, "has shape 3x4x2, but the dimensions given are 4x3x2");
}

/// A variable of a file installed by a Debian data package.
struct PackagedVariable {
  const char* package;
  const char* path;
  const char* variable;
};

constexpr PackagedVariable kEtopo20 = {"ferret-datasets", "/usr/share/ferret-vis/data/etopo20.cdf",
                                       "ROSE"};
constexpr PackagedVariable kLevitus = {
    "ferret-datasets", "/usr/share/ferret-vis/data/levitus_climatology.cdf", "TEMP"};
constexpr PackagedVariable kPop = {"libncarg-data", "/usr/share/ncarg/data/cdf/pop.nc", "t"};
constexpr PackagedVariable kRectilinear = {"libncarg-data",
                                           "/usr/share/ncarg/data/nug/rectilinear_grid_3D.nc", "t"};

/// Why a test of `source` must skip: its file is missing (nullopt when installed).
std::optional<std::string> missing_package(const PackagedVariable& source) {
  if (fs::exists(source.path)) return std::nullopt;
  return std::string(source.path) + " is missing: install the Debian package " + source.package;
}

TEST(RealNetcdf, Etopo20ReliefHasAFillValueButNoFillPoints) {
  if (const auto missing = missing_package(kEtopo20)) GTEST_SKIP() << *missing;
  const Field field = read_netcdf(kEtopo20.path, kEtopo20.variable);
  EXPECT_EQ(field.name, "etopo20.cdf:ROSE");
  EXPECT_EQ(field.type, DataType::kFloat32);
  EXPECT_EQ(field.shape, (std::vector<std::size_t>{540, 1081}));
  EXPECT_EQ(field.fill_value, static_cast<double>(-1e34f));
  EXPECT_EQ(count_equal<float>(field, *field.fill_value), 0u);
  const auto [low, high] = std::ranges::minmax(field.values<float>());
  EXPECT_LT(low, -8000.0f);  // ocean trenches, in metres
  EXPECT_GT(high, 5000.0f);  // mountains
}

TEST(RealNetcdf, LevitusTemperatureIsFortyFourPercentFill) {
  if (const auto missing = missing_package(kLevitus)) GTEST_SKIP() << *missing;
  const Field field = read_netcdf(kLevitus.path, kLevitus.variable);
  EXPECT_EQ(field.shape, (std::vector<std::size_t>{20, 180, 360}));
  EXPECT_EQ(field.fill_value, static_cast<double>(-1e10f));
  EXPECT_EQ(count_equal<float>(field, *field.fill_value), 577275u);  // 44.5% of 1,296,000
}

TEST(RealNetcdf, PopTemperatureIsThirtyPercentFill) {
  if (const auto missing = missing_package(kPop)) GTEST_SKIP() << *missing;
  const Field field = read_netcdf(kPop.path, kPop.variable);
  EXPECT_EQ(field.shape, (std::vector<std::size_t>{384, 320}));
  EXPECT_EQ(field.fill_value, static_cast<double>(NC_FILL_FLOAT));
  EXPECT_EQ(count_equal<float>(field, *field.fill_value), 36526u);  // 29.7% of 122,880
  EXPECT_EQ(netcdf_float_variables(kPop.path),
            (std::vector<std::string>{"urot", "vrot", "t", "lat2d", "lon2d"}));
}

TEST(RealNetcdf, RectilinearGridTemperatureSqueezesItsTimeDimension) {
  if (const auto missing = missing_package(kRectilinear)) GTEST_SKIP() << *missing;
  const Field field = read_netcdf(kRectilinear.path, kRectilinear.variable);
  EXPECT_EQ(field.shape, (std::vector<std::size_t>{17, 96, 192}));  // 1x17x96x192 in the file
  EXPECT_FALSE(field.fill_value.has_value());
  const auto [low, high] = std::ranges::minmax(field.values<float>());
  EXPECT_GT(low, 150.0f);  // kelvin
  EXPECT_LT(high, 350.0f);
  EXPECT_EQ(
      read_field(std::string(kRectilinear.path) + ":t", DataType::kFloat32, {17, 96, 192}).shape,
      field.shape);
}

}  // namespace
}  // namespace tessera::compress
