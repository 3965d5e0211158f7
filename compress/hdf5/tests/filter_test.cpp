// The HDF5 filter through the HDF5 library: f32/f64 datasets round-trip within their bound and
// shrink, failures reach the HDF5 error stack with their message, and h5repack / h5dump load the
// plugin from HDF5_PLUGIN_PATH the way users run them.
#include <H5PLextern.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/compress/field.hpp"
#include "tessera/compress/hdf5_filter.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::compress {
namespace {

namespace fs = std::filesystem;

/// An HDF5 identifier closed with `close` when it goes out of scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Turns off HDF5's printing of the error stack for one scope (for failures a test expects).
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &function_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, function_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t function_ = nullptr;
  void* data_ = nullptr;
};

/// The descriptions on the current HDF5 error stack, one a line.
std::string error_stack_text() {
  std::string text;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* out) -> herr_t {
        *static_cast<std::string*>(out) += std::string(error->desc) + "\n";
        return 0;
      },
      &text);
  return text;
}

/// A smooth field with a little noise: travelling waves over the index grid.
Field smooth_field(DataType type, std::vector<std::size_t> shape, std::uint64_t seed) {
  Field field = make_field("smooth", type, shape);
  const CounterRng rng(seed, 0);
  const std::size_t fastest = shape.back();
  const std::size_t plane = shape.size() > 1 ? fastest * shape[shape.size() - 2] : fastest;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const std::size_t row = i % plane / fastest;
    const std::size_t time = i / plane;
    const double x = static_cast<double>(i % fastest);
    const double y = static_cast<double>(row);
    const double t = static_cast<double>(time);
    const double v = 10.0 * std::sin(0.04 * x + 0.1 * t) * std::cos(0.03 * y) + 280.0 +
                     rng.normal(i, 0.0, 0.001);
    if (type == DataType::kFloat32) {
      field.values<float>()[i] = static_cast<float>(v);
    } else {
      field.values<double>()[i] = v;
    }
  }
  return field;
}

hid_t native_type(DataType type) {
  return type == DataType::kFloat32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
}

std::vector<hsize_t> hsize_dims(std::span<const std::size_t> dims) {
  return {dims.begin(), dims.end()};
}

/// How a test dataset is created: its chunks, the filter's cd_values (none: no filter), an
/// optional user-defined fill value, and its dimensions when they differ from the field's shape.
struct Layout {
  std::vector<std::size_t> chunks = {};
  std::vector<unsigned> cd_values = {};
  std::optional<double> fill_value = {};
  std::vector<std::size_t> dims = {};
};

/// Writes `field` as dataset /field of a new file at `path`.
void write_dataset(const fs::path& path, const Field& field, const Layout& layout) {
  const Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  ASSERT_GE(file.get(), 0) << path;
  const auto dims = hsize_dims(layout.dims.empty() ? field.shape : layout.dims);
  const Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                     H5Sclose);
  const Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  const auto chunks = hsize_dims(layout.chunks);
  ASSERT_GE(H5Pset_chunk(dcpl.get(), static_cast<int>(chunks.size()), chunks.data()), 0);
  if (!layout.cd_values.empty()) {
    ASSERT_GE(H5Pset_filter(dcpl.get(), kHdf5FilterId, H5Z_FLAG_MANDATORY, layout.cd_values.size(),
                            layout.cd_values.data()),
              0);
  }
  if (layout.fill_value) {
    ASSERT_GE(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &*layout.fill_value), 0);
  }
  const hid_t type = native_type(field.type);
  const Handle dataset(
      H5Dcreate2(file.get(), "field", type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose);
  ASSERT_GE(dataset.get(), 0);
  ASSERT_GE(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, field.bytes.data()), 0);
}

/// Reads dataset /field of `path` as a field of `type` and `shape` (of as many values).
Field read_dataset(const fs::path& path, DataType type, std::vector<std::size_t> shape) {
  Field field = make_field(path.string(), type, std::move(shape));
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  const Handle dataset(H5Dopen2(file.get(), "field", H5P_DEFAULT), H5Dclose);
  EXPECT_GE(
      H5Dread(dataset.get(), native_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, field.bytes.data()),
      0);
  return field;
}

/// The tessera filter's cd_values on dataset /field of `path` (empty if it has none).
std::vector<unsigned> stored_cd_values(const fs::path& path) {
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  const Handle dataset(H5Dopen2(file.get(), "field", H5P_DEFAULT), H5Dclose);
  const Handle dcpl(H5Dget_create_plist(dataset.get()), H5Pclose);
  std::vector<unsigned> cd(kHdf5MaxCdValues);
  std::size_t count = cd.size();
  unsigned flags = 0;
  if (H5Pget_filter_by_id2(dcpl.get(), kHdf5FilterId, &flags, &count, cd.data(), 0, nullptr,
                           nullptr) < 0) {
    return {};
  }
  cd.resize(count);
  return cd;
}

std::vector<unsigned> cd_vector(const ErrorBound& bound) {
  const auto cd = hdf5_filter_cd_values(bound);
  return {cd.begin(), cd.end()};
}

/// Registers the filter in-process (as a program linking the plugin would) and gives each test a
/// fresh folder of its own.
class Hdf5Filter : public ::testing::Test {
 protected:
  Hdf5Filter() {
    EXPECT_EQ(H5PLget_plugin_type(), H5PL_TYPE_FILTER);
    EXPECT_GE(H5Zregister(H5PLget_plugin_info()), 0);
  }

  tessera::testing::TempDir folder_;
};

constexpr std::size_t kTimes = 20, kRows = 180, kCols = 360;

TEST_F(Hdf5Filter, Float32RoundTripHoldsTheAbsBoundAndShrinksTheFile) {
  const Field original = smooth_field(DataType::kFloat32, {kTimes, kRows, kCols}, 1);
  const fs::path path = folder_ / "f32.h5";
  const double eb = 1e-2;
  write_dataset(path, original,
                {.chunks = {5, 90, 180}, .cd_values = cd_vector({BoundMode::kAbs, eb, 0})});
  ASSERT_FALSE(HasFatalFailure());

  const std::vector<unsigned> cd = stored_cd_values(path);
  ASSERT_EQ(cd.size(), kCdDims + 3);
  EXPECT_EQ(cd[kCdType], 1u);
  EXPECT_EQ(cd[kCdHasFill], 0u);
  EXPECT_EQ(std::vector<unsigned>(cd.begin() + kCdDims, cd.end()),
            (std::vector<unsigned>{5, 90, 180}));

  const Field back = read_dataset(path, DataType::kFloat32, original.shape);
  const BoundCheck check = check_abs_bound(original, back, eb);
  EXPECT_TRUE(check.ok) << check.violations << " violations, first at " << check.first_violation;
  const double ratio = static_cast<double>(original.bytes.size()) / fs::file_size(path);
  RecordProperty("ratio", std::to_string(ratio));
  EXPECT_GT(ratio, 4.0) << fs::file_size(path) << " bytes for " << original.bytes.size();
}

TEST_F(Hdf5Filter, Float64RoundTripHoldsTheRelBoundOfEachChunk) {
  const Field original = smooth_field(DataType::kFloat64, {kTimes, kRows, kCols}, 2);
  const fs::path path = folder_ / "f64.h5";
  const double rel = 1e-4;
  write_dataset(path, original,
                {.chunks = {5, 90, 180}, .cd_values = cd_vector({BoundMode::kRel, 0, rel})});
  ASSERT_FALSE(HasFatalFailure());

  EXPECT_EQ(stored_cd_values(path).at(kCdType), 2u);
  const Field back = read_dataset(path, DataType::kFloat64, original.shape);
  // Each chunk's bound is rel × its own value range, never above rel × the whole field's range.
  const ValueRange range = value_range(original);
  const BoundCheck check = check_abs_bound(original, back, rel * (range.max - range.min));
  EXPECT_TRUE(check.ok) << check.violations << " violations, first at " << check.first_violation;
  const double ratio = static_cast<double>(original.bytes.size()) / fs::file_size(path);
  RecordProperty("ratio", std::to_string(ratio));
  EXPECT_GT(ratio, 4.0) << fs::file_size(path) << " bytes for " << original.bytes.size();
}

TEST_F(Hdf5Filter, EdgeChunksUnitDimensionsAndFillValuesRoundTrip) {
  // A 5-D dataset 2x1x3x50x70 with chunks 1x1x2x32x32: the filter sees 3-D 2x32x32 chunks,
  // partial at three edges, which HDF5 pads with the fill value. Fill points stay exact and do not
  // widen the REL value range.
  const double fill = -9999.0;
  Field original = smooth_field(DataType::kFloat32, {2, 3, 50, 70}, 3);
  for (std::size_t i = 0; i < original.size(); i += 97) original.values<float>()[i] = fill;
  original.fill_value = fill;
  const fs::path path = folder_ / "edges.h5";
  const double rel = 1e-3;
  write_dataset(path, original,
                {.chunks = {1, 1, 2, 32, 32},
                 .cd_values = cd_vector({BoundMode::kRel, 0, rel}),
                 .fill_value = fill,
                 .dims = {2, 1, 3, 50, 70}});
  ASSERT_FALSE(HasFatalFailure());

  const std::vector<unsigned> cd = stored_cd_values(path);
  ASSERT_EQ(cd.size(), kCdDims + 3);
  EXPECT_EQ(cd[kCdHasFill], 1u);
  EXPECT_EQ(join_double(cd[kCdFillLow], cd[kCdFillHigh]), fill);
  EXPECT_EQ(std::vector<unsigned>(cd.begin() + kCdDims, cd.end()),
            (std::vector<unsigned>{2, 32, 32}));

  const Field back = read_dataset(path, DataType::kFloat32, original.shape);
  const ValueRange range = value_range(original);
  const BoundCheck check = check_abs_bound(original, back, rel * (range.max - range.min));
  EXPECT_TRUE(check.ok) << check.violations << " violations, first at " << check.first_violation;
}

/// Creates a dataset of `type` with the filter and `cd_values`, expecting HDF5 to refuse it with
/// `message` on its error stack.
void expect_create_fails(const fs::path& path, hid_t type, const std::vector<unsigned>& cd_values,
                         const std::string& message) {
  const Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  const std::array<hsize_t, 2> dims = {40, 40};
  const Handle space(H5Screate_simple(2, dims.data(), nullptr), H5Sclose);
  const Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  ASSERT_GE(H5Pset_chunk(dcpl.get(), 2, dims.data()), 0);
  ASSERT_GE(H5Pset_filter(dcpl.get(), kHdf5FilterId, H5Z_FLAG_MANDATORY, cd_values.size(),
                          cd_values.data()),
            0);
  const QuietErrors quiet;
  const Handle dataset(
      H5Dcreate2(file.get(), "field", type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose);
  EXPECT_LT(dataset.get(), 0);
  const std::string stack = error_stack_text();
  EXPECT_NE(stack.find("tessera HDF5 filter: " + message), std::string::npos) << stack;
}

TEST_F(Hdf5Filter, RejectsDatasetsThatAreNotF32OrF64) {
  const auto cd = cd_vector({BoundMode::kAbs, 0.1, 0});
  expect_create_fails(folder_ / "int.h5", H5T_NATIVE_INT, cd,
                      "dataset type: is a 4-byte integer; the filter compresses only IEEE f32");
  expect_create_fails(folder_ / "be.h5", H5T_IEEE_F64BE, cd,
                      "dataset type: is a 8-byte big-endian float");
}

TEST_F(Hdf5Filter, RejectsBadCdValuesWithTheirPosition) {
  const fs::path path = folder_ / "bad.h5";
  expect_create_fails(path, H5T_NATIVE_FLOAT, {1, 2, 3}, "cd_values: has 3 values, expected 6");
  expect_create_fails(path, H5T_NATIVE_FLOAT, {9, 0, 0, 0, 0, 0},
                      "cd_values: mode 9 is not 1 (ABS), 2 (REL) or 3 (ABS_AND_REL)");
  expect_create_fails(path, H5T_NATIVE_FLOAT, cd_vector({BoundMode::kAbsAndRel, 0.1, -1}),
                      "cd_values: relative bound -1 (values 3 and 4) must be positive");
  std::vector<unsigned> big_radius = cd_vector({BoundMode::kAbs, 0.1, 0});
  big_radius[kCdRadius] = 1u << 20;
  expect_create_fails(path, H5T_NATIVE_FLOAT, big_radius, "cd_values: radius 1048576 (value 5)");
}

TEST_F(Hdf5Filter, CorruptChunkFailsTheReadWithAMessage) {
  const Field original = smooth_field(DataType::kFloat32, {64, 64}, 4);
  const fs::path path = folder_ / "corrupt.h5";
  write_dataset(path, original,
                {.chunks = {64, 64}, .cd_values = cd_vector({BoundMode::kAbs, 0.1, 0})});
  ASSERT_FALSE(HasFatalFailure());
  {
    const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    const Handle dataset(H5Dopen2(file.get(), "field", H5P_DEFAULT), H5Dclose);
    const std::array<hsize_t, 2> offset = {0, 0};
    const std::string garbage = "not a tsz stream";
    ASSERT_GE(H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 0, offset.data(), garbage.size(),
                             garbage.data()),
              0);
  }
  Field back = make_field("back", DataType::kFloat32, original.shape);
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  const Handle dataset(H5Dopen2(file.get(), "field", H5P_DEFAULT), H5Dclose);
  const QuietErrors quiet;
  EXPECT_LT(
      H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.bytes.data()),
      0);
  const std::string stack = error_stack_text();
  EXPECT_NE(stack.find("tessera HDF5 filter: HDF5 chunk: "), std::string::npos) << stack;
}

/// `text` quoted for sh.
std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// Runs the program and arguments `argv` with the plugin folder in HDF5_PLUGIN_PATH, output into
/// `log`; true on exit status 0.
bool run_with_plugin(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<std::string> quoted;
  for (const std::string& arg : argv) quoted.push_back(shell_quote(arg));
  const std::string line =
      fmt::format("HDF5_PLUGIN_PATH={} {} >{} 2>&1", shell_quote(TESSERA_H5FILTER_DIR),
                  fmt::join(quoted, " "), shell_quote(log.string()));
  return std::system(line.c_str()) == 0;
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(Hdf5Filter, H5repackAndH5dumpLoadThePluginFromHdf5PluginPath) {
  if (std::string(TESSERA_H5REPACK).empty() || std::string(TESSERA_H5DUMP).empty()) {
    GTEST_SKIP() << "h5repack or h5dump not found (Debian package hdf5-tools)";
  }
#ifdef __SANITIZE_ADDRESS__
  // An ASan-built plugin loads only into processes that start with the ASan runtime, and the
  // uninstrumented h5repack hangs at exit (in p11-kit) when that runtime is preloaded.
  GTEST_SKIP() << "AddressSanitizer build: the uninstrumented HDF5 tools cannot load this plugin";
#endif
  const Field original = smooth_field(DataType::kFloat32, {kTimes, kRows, kCols}, 5);
  const fs::path plain = folder_ / "plain.h5";
  const fs::path packed = folder_ / "packed.h5";
  const fs::path dumped = folder_ / "packed.bin";
  const fs::path log = folder_ / "tool.log";
  write_dataset(plain, original, {.chunks = {5, 90, 180}});
  ASSERT_FALSE(HasFatalFailure());

  const double eb = 1e-2;
  const std::string filter =
      fmt::format("UD={},0,{},{}", kHdf5FilterId, kHdf5UserCdValues,
                  fmt::join(hdf5_filter_cd_values({BoundMode::kAbs, eb, 0}), ","));
  ASSERT_TRUE(run_with_plugin({TESSERA_H5REPACK, "-f", filter, plain, packed}, log))
      << file_text(log);
  EXPECT_EQ(stored_cd_values(packed).size(), kCdDims + 3);
  EXPECT_LT(fs::file_size(packed) * 4, fs::file_size(plain));

  ASSERT_TRUE(
      run_with_plugin({TESSERA_H5DUMP, "-d", "/field", "-b", "NATIVE", "-o", dumped, packed}, log))
      << file_text(log);
  Field back = make_field("h5dump output", DataType::kFloat32, original.shape);
  ASSERT_EQ(fs::file_size(dumped), back.bytes.size());
  std::ifstream in(dumped, std::ios::binary);
  in.read(reinterpret_cast<char*>(back.bytes.data()),
          static_cast<std::streamsize>(back.bytes.size()));
  const BoundCheck check = check_abs_bound(original, back, eb);
  EXPECT_TRUE(check.ok) << check.violations << " violations, first at " << check.first_violation;
}

}  // namespace
}  // namespace tessera::compress
