// netCDF input: fill, type, packing and shape rules on a file the test writes itself, and real
// fields of the manifest (compress/data.json). Built only with TESSERA_WITH_NETCDF.
#include <gtest/gtest.h>
#include <netcdf.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/compress/field_io.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"
#include "test_fields.hpp"

namespace tessera::compress {
namespace {

namespace fs = std::filesystem;
using tessera::testing::expect_error;

template <class T>
std::size_t count_equal(const Field& field, double value) {
  const auto values = field.values<T>();
  return static_cast<std::size_t>(
      std::ranges::count_if(values, [&](T x) { return static_cast<double>(x) == value; }));
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

TEST(NetcdfIo, FillValueFromAttributes) {
  const tessera::testing::TempDir folder;
  const fs::path path = write_test_file(folder.path());
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

TEST(NetcdfIo, DefaultFillOnlyWhenPresent) {
  const tessera::testing::TempDir folder;
  const fs::path path = write_test_file(folder.path());
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

TEST(NetcdfIo, RejectsWhatItCannotRead) {
  const tessera::testing::TempDir folder;
  const fs::path path = write_test_file(folder.path());
  const std::pair<const char*, const char*> cases[] = {
      {"counts", "holds short values; only float and double variables can be read"},
      {"packed", "is packed (scale_factor attribute)"},
      {"five", "has 5 dimensions longer than 1 (shape 2x2x3x4x2); at most 4 are supported"},
      {"series", "holds no values (shape 0x2)"},
      {"nope", "no such variable (float variables: density, both, missing, unwritten, full)"}};
  for (const auto& [variable, problem] : cases) {
    expect_error([&] { (void)read_netcdf(path, variable); },
                 {.input = std::string("fill.nc:") + variable,
                  .contains = problem,
                  .code = ExitCode::kFailure});
  }
}

TEST(NetcdfIo, FloatVariablesListsReadableFieldsOfTwoOrMoreValues) {
  const tessera::testing::TempDir folder;
  const fs::path path = write_test_file(folder.path());
  EXPECT_EQ(netcdf_float_variables(path),
            (std::vector<std::string>{"density", "both", "missing", "unwritten", "full"}));
}

TEST(NetcdfIo, ErrorsNameTheFile) {
  const tessera::testing::TempDir folder;
  const fs::path text = folder / "notes.nc";
  const std::string content = "not a netCDF file\n";
  write_file(text, std::as_bytes(std::span(content)));
  expect_error([&] { (void)read_netcdf(text, "x"); },
               {.input = text.string(),
                .contains = "cannot read as netCDF: NetCDF: Unknown file format",
                .code = ExitCode::kFailure});
  expect_error(
      [&] { (void)netcdf_float_variables(text); },
      {.input = text.string(), .contains = "cannot read as netCDF", .code = ExitCode::kFailure});
  const fs::path absent = folder / "absent.nc";
  expect_error([&] { (void)read_netcdf(absent, "x"); }, {.input = absent.string(),
                                                         .contains = "No such file or directory",
                                                         .code = ExitCode::kFailure});
}

/// Writes `file` in `folder`: one float or double variable `name` over `dimensions` (name,
/// length), holding `values`.
template <class T>
fs::path write_one_variable(const fs::path& folder, const char* file, const char* name,
                            const std::vector<std::pair<const char*, std::size_t>>& dimensions,
                            const std::vector<T>& values) {
  const fs::path path = folder / file;
  NcWriter nc(path);
  std::vector<int> ids;
  for (const auto& [dimension, length] : dimensions) ids.push_back(nc.dimension(dimension, length));
  const int v = nc.variable(name, std::is_same_v<T, float> ? NC_FLOAT : NC_DOUBLE, ids);
  nc_must(nc_enddef(nc.id()));
  if constexpr (std::is_same_v<T, float>) {
    nc_must(nc_put_var_float(nc.id(), v, values.data()));
  } else {
    nc_must(nc_put_var_double(nc.id(), v, values.data()));
  }
  return path;
}

// libnetcdf reads zeros past the end of a classic file on disk; a truncated one must be refused.
TEST(NetcdfIo, TruncatedClassicFileIsAnError) {
  const tessera::testing::TempDir folder;
  std::vector<float> values(5000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.5f * float(i % 77);
  const fs::path path =
      write_one_variable(folder.path(), "wave.nc", "wave", {{"y", 100}, {"x", 50}}, values);
  EXPECT_EQ(read_netcdf(path, "wave").values<float>()[4999], values[4999]);
  std::vector<std::byte> bytes = read_file(path);
  for (const std::size_t cut : {std::size_t{4}, bytes.size() / 2}) {
    const fs::path truncated = folder / "truncated.nc";
    write_file(truncated, std::span(bytes).first(bytes.size() - cut));
    expect_error([&] { (void)read_netcdf(truncated, "wave"); },
                 {.input = "truncated.nc:wave",
                  .contains = "the file ends before the data its header describes",
                  .code = ExitCode::kFailure});
  }
}

// A variable whose name holds a colon is addressed after the first colon that follows the file.
TEST(NetcdfIo, VariableNamesMayHoldColons) {
  const tessera::testing::TempDir folder;
  const fs::path path = write_one_variable(folder.path(), "colon.nc", "a:b", {{"x", 3}},
                                           std::vector<double>{1, 2, 3});
  EXPECT_EQ(netcdf_float_variables(path), std::vector<std::string>{"a:b"});
  EXPECT_EQ(read_field(path.string() + ":a:b", std::nullopt, {}).values<double>()[2], 3.0);
}

TEST(NetcdfIo, ReadFieldRoutesNetcdfSpecsAndChecksTypeAndShape) {
  const tessera::testing::TempDir folder;
  const std::string spec = write_test_file(folder.path()).string() + ":density";
  const Field field = read_field(spec, std::nullopt, {});
  EXPECT_EQ(field.name, "fill.nc:density");
  EXPECT_EQ(read_field(spec, DataType::kFloat64, {3, 4, 2}).shape, field.shape);
  expect_error([&] { (void)read_field(spec, DataType::kFloat32, {}); },
               {.input = spec,
                .contains = "holds f64 values, but f32 values were asked for",
                .code = ExitCode::kUsage});
  expect_error(
      [&] {
        (void)read_field(spec, std::nullopt, {4, 3, 2});
      },
      {.input = spec,
       .contains = "has shape 3x4x2, but the dimensions given are 4x3x2",
       .code = ExitCode::kUsage});
}

using testing::real_input;
using testing::skip_reason;

TEST(RealNetcdf, Etopo20ReliefHasAFillValueButNoFillPoints) {
  const DataInput input = real_input("etopo20");
  if (const std::string why = skip_reason(input); !why.empty()) GTEST_SKIP() << why;
  const Field field = read_netcdf(input.path, input.variable);
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
  const DataInput input = real_input("levitus-temp");
  if (const std::string why = skip_reason(input); !why.empty()) GTEST_SKIP() << why;
  const Field field = read_netcdf(input.path, input.variable);
  EXPECT_EQ(field.shape, (std::vector<std::size_t>{20, 180, 360}));
  EXPECT_EQ(field.fill_value, static_cast<double>(-1e10f));
  EXPECT_EQ(count_equal<float>(field, *field.fill_value), 577275u);  // 44.5% of 1,296,000
}

TEST(RealNetcdf, PopTemperatureIsThirtyPercentFill) {
  const DataInput input = real_input("pop-t");
  if (const std::string why = skip_reason(input); !why.empty()) GTEST_SKIP() << why;
  const Field field = read_netcdf(input.path, input.variable);
  EXPECT_EQ(field.shape, (std::vector<std::size_t>{384, 320}));
  EXPECT_EQ(field.fill_value, static_cast<double>(NC_FILL_FLOAT));
  EXPECT_EQ(count_equal<float>(field, *field.fill_value), 36526u);  // 29.7% of 122,880
  EXPECT_EQ(netcdf_float_variables(input.path),
            (std::vector<std::string>{"urot", "vrot", "t", "lat2d", "lon2d"}));
}

TEST(RealNetcdf, RectilinearGridTemperatureSqueezesItsTimeDimension) {
  const DataInput input = real_input("rectilinear-t");
  if (const std::string why = skip_reason(input); !why.empty()) GTEST_SKIP() << why;
  const Field field = read_netcdf(input.path, input.variable);
  EXPECT_EQ(field.shape, (std::vector<std::size_t>{17, 96, 192}));  // 1x17x96x192 in the file
  EXPECT_FALSE(field.fill_value.has_value());
  const auto [low, high] = std::ranges::minmax(field.values<float>());
  EXPECT_GT(low, 150.0f);  // kelvin
  EXPECT_LT(high, 350.0f);
  EXPECT_EQ(read_field(input.spec(), DataType::kFloat32, {17, 96, 192}).shape, field.shape);
}

}  // namespace
}  // namespace tessera::compress
