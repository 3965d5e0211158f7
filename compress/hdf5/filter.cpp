// The tessera HDF5 filter plugin, loaded by HDF5 from HDF5_PLUGIN_PATH: each chunk of an f32/f64
// dataset becomes one .tsz stream. No exception crosses into HDF5: a failure becomes an entry on
// the HDF5 error stack and a failed callback.
#include <H5PLextern.h>
#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/compress/compressor.hpp"
#include "tessera/compress/hdf5_filter.hpp"
#include "tessera/compress/quantizer.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::compress {
namespace {

constexpr const char* kCdValuesInput = "cd_values";
constexpr const char* kChunkInput = "HDF5 chunk";

// What encoding or checking one chunk needs: the full cd_values, decoded.
struct ChunkSettings {
  CompressOptions options;
  DataType type = DataType::kFloat32;
  std::optional<double> fill_value;
  std::vector<std::size_t> shape;  // slowest first, dimensions of extent 1 dropped
};

// The user's bound and radius: the first six cd_values, checked.
CompressOptions user_options(std::span<const unsigned> cd) {
  if (cd.size() < kHdf5UserCdValues) {
    throw Error(kCdValuesInput,
                fmt::format("has {} values, expected {}: mode, absolute bound (low, high 32 bits), "
                            "relative bound (low, high 32 bits), radius",
                            cd.size(), kHdf5UserCdValues));
  }
  const unsigned mode = cd[kCdMode];
  if (mode < 1 || mode > 3) {
    throw Error(kCdValuesInput,
                fmt::format("mode {} is not 1 (ABS), 2 (REL) or 3 (ABS_AND_REL)", mode));
  }
  CompressOptions options;
  options.bound = {static_cast<BoundMode>(mode), join_double(cd[kCdAbsLow], cd[kCdAbsHigh]),
                   join_double(cd[kCdRelLow], cd[kCdRelHigh])};
  const auto positive = [](double v) { return v > 0 && std::isfinite(v); };
  if (options.bound.mode != BoundMode::kRel && !positive(options.bound.abs)) {
    throw Error(kCdValuesInput, fmt::format("absolute bound {} (values 1 and 2) must be positive "
                                            "and finite",
                                            options.bound.abs));
  }
  if (options.bound.mode != BoundMode::kAbs && !positive(options.bound.rel)) {
    throw Error(kCdValuesInput, fmt::format("relative bound {} (values 3 and 4) must be positive "
                                            "and finite",
                                            options.bound.rel));
  }
  const unsigned radius = cd[kCdRadius];
  if (radius != 0 && (radius < 2 || radius > kMaxRadius)) {
    throw Error(kCdValuesInput, fmt::format("radius {} (value 5) is not 0 (default) or in [2, {}]",
                                            radius, kMaxRadius));
  }
  if (radius != 0) options.radius = radius;
  return options;
}

// The full cd_values that set_local wrote, decoded and checked.
ChunkSettings chunk_settings(std::span<const unsigned> cd) {
  ChunkSettings settings;
  settings.options = user_options(cd);
  if (cd.size() <= kCdRank || cd[kCdRank] < 1 || cd[kCdRank] > 4 ||
      cd.size() != kCdDims + cd[kCdRank]) {
    throw Error(kCdValuesInput,
                fmt::format("has {} values, not the layout the filter's set_local callback writes",
                            cd.size()));
  }
  const unsigned type = cd[kCdType];
  if (type != static_cast<unsigned>(DataType::kFloat32) &&
      type != static_cast<unsigned>(DataType::kFloat64)) {
    throw Error(kCdValuesInput,
                fmt::format("data type {} (value 6) is not 1 (f32) or 2 (f64)", type));
  }
  settings.type = static_cast<DataType>(type);
  if (cd[kCdHasFill] != 0) settings.fill_value = join_double(cd[kCdFillLow], cd[kCdFillHigh]);
  settings.shape.assign(cd.begin() + kCdDims, cd.end());
  return settings;
}

// "a 4-byte integer", "an 8-byte big-endian float": what a rejected dataset type is.
std::string describe_type(hid_t type) {
  const H5T_class_t type_class = H5Tget_class(type);
  const char* name = type_class == H5T_INTEGER ? "integer"
                     : type_class == H5T_FLOAT ? "float"
                                               : "non-numeric type";
  const char* order = H5Tget_order(type) == H5T_ORDER_BE ? "big-endian " : "";
  return fmt::format("a {}-byte {}{}", H5Tget_size(type), order, name);
}

// f32 or f64 for a dataset type equal to the native float or double; an error for anything else.
DataType dataset_type(hid_t type) {
  if (H5Tequal(type, H5T_NATIVE_FLOAT) > 0) return DataType::kFloat32;
  if (H5Tequal(type, H5T_NATIVE_DOUBLE) > 0) return DataType::kFloat64;
  throw Error("dataset type", fmt::format("is {}; the filter compresses only IEEE f32 and f64 in "
                                          "native byte order",
                                          describe_type(type)));
}

// The chunk dimensions, slowest first, without the dimensions of extent 1 (they have no
// neighbours to predict from, so dropping them changes no prediction).
std::vector<std::size_t> chunk_shape(hid_t dcpl) {
  std::array<hsize_t, H5S_MAX_RANK> dims{};
  const int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, dims.data());
  if (rank < 1) {
    throw Error("dataset layout", "is not chunked; the filter compresses chunked datasets only");
  }
  std::vector<std::size_t> all(dims.begin(), dims.begin() + rank);
  std::vector<std::size_t> shape;
  for (std::size_t d : all) {
    if (d != 1) shape.push_back(d);
  }
  if (shape.empty()) shape.push_back(1);
  if (shape.size() > 4) {
    throw Error("chunk dimensions",
                fmt::format("{} has {} dimensions of extent above 1; the filter handles at most 4",
                            shape_string(all), shape.size()));
  }
  return shape;
}

// The dataset's fill value when the user set one: its points are stored exactly and left out of
// the value range of REL bounds (HDF5 also pads partial edge chunks with it).
std::optional<double> user_fill_value(hid_t dcpl) {
  H5D_fill_value_t status = H5D_FILL_VALUE_ERROR;
  if (H5Pfill_value_defined(dcpl, &status) < 0) {
    throw Error("dataset creation property list", "its fill value cannot be read");
  }
  if (status != H5D_FILL_VALUE_USER_DEFINED) return std::nullopt;
  double fill = 0;
  if (H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) < 0) {
    throw Error("dataset creation property list", "its fill value cannot be read as a double");
  }
  return fill;
}

// Replaces HDF5's buffer by a copy of `bytes` (allocated the way HDF5 frees it); returns the size.
std::size_t replace_buffer(std::span<const std::byte> bytes, std::size_t* buf_size, void** buf) {
  void* out = H5allocate_memory(bytes.size(), false);
  if (out == nullptr) {
    throw Error(kChunkInput,
                fmt::format("cannot allocate {} bytes for the filter's output", bytes.size()));
  }
  std::memcpy(out, bytes.data(), bytes.size());
  H5free_memory(*buf);
  *buf = out;
  *buf_size = bytes.size();
  return bytes.size();
}

std::size_t encode(const ChunkSettings& settings, std::size_t nbytes, std::size_t* buf_size,
                   void** buf) {
  Field field = make_field(kChunkInput, settings.type, settings.shape);
  if (nbytes != field.bytes.size()) {
    throw Error(kChunkInput, fmt::format("has {} bytes, expected {} for {} {} values", nbytes,
                                         field.bytes.size(), shape_string(settings.shape),
                                         to_string(settings.type)));
  }
  std::memcpy(field.bytes.data(), *buf, nbytes);
  field.fill_value = settings.fill_value;
  const std::vector<std::byte> stream = compress_to_memory(field, settings.options);
  return replace_buffer(stream, buf_size, buf);
}

std::size_t decode(const ChunkSettings& settings, std::size_t nbytes, std::size_t* buf_size,
                   void** buf) {
  const Field field = decompress({static_cast<const std::byte*>(*buf), nbytes}, kChunkInput);
  if (field.type != settings.type || field.shape != settings.shape) {
    throw Error(kChunkInput, fmt::format("holds {} {} values; the dataset's chunks are {} {}",
                                         shape_string(field.shape), to_string(field.type),
                                         shape_string(settings.shape), to_string(settings.type)));
  }
  return replace_buffer(field.bytes.span(), buf_size, buf);
}

void push_error(const char* function, hid_t minor, const char* message) noexcept {
  H5Epush2(H5E_DEFAULT, __FILE__, function, __LINE__, H5E_ERR_CLS, H5E_PLINE, minor,
           "tessera HDF5 filter: %s", message);
}

// H5Z set_local: appends the dataset's type, fill value and chunk shape to the user's cd_values.
herr_t set_local(hid_t dcpl, hid_t type, hid_t /*space*/) noexcept {
  try {
    unsigned flags = 0;
    std::array<unsigned, kHdf5MaxCdValues> cd{};
    std::size_t count = cd.size();
    if (H5Pget_filter_by_id2(dcpl, kHdf5FilterId, &flags, &count, cd.data(), 0, nullptr, nullptr) <
        0) {
      throw Error("dataset creation property list", "its tessera filter parameters cannot be read");
    }
    user_options({cd.data(), std::min(count, cd.size())});
    cd[kCdType] = static_cast<unsigned>(dataset_type(type));
    const std::optional<double> fill = user_fill_value(dcpl);
    const auto fill_halves = split_double(fill.value_or(0.0));
    cd[kCdHasFill] = fill.has_value() ? 1 : 0;
    cd[kCdFillLow] = fill_halves[0];
    cd[kCdFillHigh] = fill_halves[1];
    const std::vector<std::size_t> shape = chunk_shape(dcpl);
    cd[kCdRank] = static_cast<unsigned>(shape.size());
    std::copy(shape.begin(), shape.end(), cd.begin() + kCdDims);
    if (H5Pmodify_filter(dcpl, kHdf5FilterId, flags, kCdDims + shape.size(), cd.data()) < 0) {
      throw Error("dataset creation property list", "its tessera filter parameters cannot be set");
    }
    return 0;
  } catch (const std::exception& e) {
    push_error("tessera_h5filter_set_local", H5E_CANTINIT, e.what());
  } catch (...) {
    push_error("tessera_h5filter_set_local", H5E_CANTINIT, "unknown failure");
  }
  return -1;
}

// H5Z filter: one chunk in, one .tsz stream out (or back); 0 on failure, as HDF5 expects. One
// thread: HDF5 calls filters chunk by chunk from its own thread, and a thread pool started from a
// plugin would outlive the plugin when HDF5 unloads it.
std::size_t filter(unsigned flags, std::size_t cd_nelmts, const unsigned cd_values[],
                   std::size_t nbytes, std::size_t* buf_size, void** buf) noexcept {
  try {
    const ThreadCountScope one_thread(1);
    const ChunkSettings settings = chunk_settings({cd_values, cd_nelmts});
    return (flags & H5Z_FLAG_REVERSE) != 0 ? decode(settings, nbytes, buf_size, buf)
                                           : encode(settings, nbytes, buf_size, buf);
  } catch (const std::exception& e) {
    push_error("tessera_h5filter", H5E_CANTFILTER, e.what());
  } catch (...) {
    push_error("tessera_h5filter", H5E_CANTFILTER, "unknown failure");
  }
  return 0;
}

const H5Z_class2_t kFilterClass = {
    H5Z_CLASS_T_VERS,
    kHdf5FilterId,
    1,  // encoder present
    1,  // decoder present
    "tessera: error-bounded lossy compression of f32/f64 chunks (.tsz streams)",
    nullptr,  // can_apply: set_local rejects unsupported datasets with a message
    set_local,
    filter,
};

}  // namespace
}  // namespace tessera::compress

/// HDF5 plugin entry point: this library holds a filter.
H5PL_type_t H5PLget_plugin_type() { return H5PL_TYPE_FILTER; }

/// HDF5 plugin entry point: the filter class (id tessera::compress::kHdf5FilterId).
const void* H5PLget_plugin_info() { return &tessera::compress::kFilterClass; }
