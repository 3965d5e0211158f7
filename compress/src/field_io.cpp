// Raw field I/O and the command line's input specs. Raw files are little-endian on disk and native
// in memory; netCDF variables are read by field_io_netcdf.cpp.
#include "tessera/compress/field_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstring>
#include <limits>
#include <span>
#include <string_view>
#include <utility>

#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::compress {
namespace {

constexpr std::size_t kMaxDimensions = 4;
constexpr std::array<std::string_view, 3> kNetcdfExtensions = {".nc", ".cdf", ".nc4"};

/// Copies values of `value_bytes` bytes each between little-endian and native byte order (the same
/// permutation both ways); `to` is at least as long as `from`.
void copy_little_endian(std::span<const std::byte> from, std::span<std::byte> to,
                        std::size_t value_bytes) {
  if constexpr (std::endian::native == std::endian::little) {
    if (!from.empty()) std::memcpy(to.data(), from.data(), from.size());
  } else {
    for (std::size_t i = 0; i < from.size(); i += value_bytes) {
      std::reverse_copy(from.begin() + i, from.begin() + i + value_bytes, to.begin() + i);
    }
  }
}

bool is_netcdf_path(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::ranges::transform(extension, extension.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::ranges::find(kNetcdfExtensions, extension) != kNetcdfExtensions.end();
}

// Checks that a raw array of `have` bytes, named `name`, holds exactly the values of `shape`.
void check_raw_size(const std::string& name, std::size_t have, DataType type,
                    const std::vector<std::size_t>& shape) {
  // Compare sizes before allocating, so that a mistyped shape fails with both sizes rather than
  // with a huge allocation. Shapes that make_field rejects (no dimensions, more than 4, a zero
  // length) go on to its usage error.
  const bool well_formed = !shape.empty() && shape.size() <= kMaxDimensions &&
                           std::ranges::find(shape, 0) == shape.end();
  std::size_t need = element_bytes(type);
  bool overflow = false;
  for (std::size_t d : shape) overflow = __builtin_mul_overflow(need, d, &need) || overflow;
  if (well_formed && (overflow || need != have)) {
    const std::string need_text =
        overflow ? fmt::format("more than {}", std::numeric_limits<std::size_t>::max())
                 : std::to_string(need);
    throw Error(name, fmt::format("has {} bytes, but {} {} values need {} bytes", have,
                                  shape_string(shape), to_string(type), need_text));
  }
}

// Where `spec` names a netCDF variable: the position of the colon after the first prefix that is a
// netCDF path ("f.nc:a:b" is variable "a:b" of f.nc), or npos for a raw file.
std::size_t variable_colon(const std::string& spec) {
  for (std::size_t colon = spec.find(':'); colon != std::string::npos;
       colon = spec.find(':', colon + 1)) {
    if (is_netcdf_path(spec.substr(0, colon))) return colon;
  }
  return std::string::npos;
}

// True for raw files: a spec that names no netCDF variable. Usage errors for a netCDF file without
// a variable, and for a raw file without a shape.
bool is_raw_spec(const std::string& spec, const std::vector<std::size_t>& shape) {
  const bool has_variable = variable_colon(spec) != std::string::npos;
  if (!has_variable && is_netcdf_path(spec)) {
    throw usage_error(spec, "is a netCDF file: name a variable as FILE:VAR");
  }
  if (!has_variable && shape.empty()) {
    throw usage_error(spec,
                      "is a raw file: give its dimensions with -1/-2/-3/-4 (float32 values "
                      "unless -d says float64), or name a netCDF variable as FILE.nc:VAR");
  }
  return !has_variable;
}

}  // namespace

std::string netcdf_missing_reason() {
  return "this build of tessera reads no netCDF: install libnetcdf-dev and reconfigure "
         "(CMake option TESSERA_WITH_NETCDF)";
}

Field decode_raw(std::span<const std::byte> bytes, const std::string& name, DataType type,
                 std::vector<std::size_t> shape) {
  check_raw_size(name, bytes.size(), type, shape);
  Field field = make_field(name, type, std::move(shape));
  copy_little_endian(bytes, field.bytes.span(), element_bytes(type));
  return field;
}

Field read_raw(const std::filesystem::path& path, DataType type, std::vector<std::size_t> shape) {
  check_raw_size(path.string(), regular_file_size(path), type, shape);
  Field field = make_field(path.string(), type, std::move(shape));
  read_file_into(path,
                 field.bytes.span());  // read, not mapped: a file shrinking meanwhile is an error
  if constexpr (std::endian::native != std::endian::little) {
    const std::size_t value_bytes = element_bytes(type);
    const std::span<std::byte> bytes = field.bytes.span();
    for (std::size_t i = 0; i < bytes.size(); i += value_bytes) {
      std::reverse(bytes.begin() + i, bytes.begin() + i + value_bytes);
    }
  }
  return field;
}

std::vector<std::byte> encode_raw(const FieldView& field) {
  std::vector<std::byte> bytes(field.bytes.size());
  copy_little_endian(field.bytes, bytes, element_bytes(field.type));
  return bytes;
}

void write_raw(OutputFile& output, const FieldView& field) {
  if constexpr (std::endian::native == std::endian::little) {
    output.write(field.bytes);
  } else {
    output.write(encode_raw(field));
  }
}

void write_raw(const std::filesystem::path& path, const FieldView& field) {
  OutputFile output(path);
  write_raw(output, field);
  output.commit();
}

std::string spec_file(const std::string& spec) { return spec.substr(0, variable_colon(spec)); }

Field read_field(const std::string& spec, std::optional<DataType> type,
                 std::vector<std::size_t> shape) {
  if (is_raw_spec(spec, shape)) {
    return read_raw(spec, type.value_or(DataType::kFloat32), std::move(shape));
  }
  const std::size_t colon = variable_colon(spec);
  const std::string variable = spec.substr(colon + 1);
  if (variable.empty()) throw usage_error(spec, "names no variable: write FILE:VAR");
  Field field = read_netcdf(spec.substr(0, colon), variable);
  if (type.has_value() && *type != field.type) {
    throw usage_error(spec, fmt::format("holds {} values, but {} values were asked for",
                                        to_string(field.type), to_string(*type)));
  }
  if (!shape.empty() && shape != field.shape) {
    throw usage_error(spec, fmt::format("has shape {}, but the dimensions given are {}",
                                        shape_string(field.shape), shape_string(shape)));
  }
  return field;
}

}  // namespace tessera::compress
