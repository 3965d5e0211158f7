// Reading and writing the fields `tessera compress` works on: headerless little-endian raw arrays
// (the SZ3/zfp convention) and float/double variables of netCDF files, named "file.nc:VAR".
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tessera/compress/field.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::compress {

/// Reads a headerless little-endian array of `type` values with `shape` (slowest first, 1-4
/// dimensions). The file's size in bytes must equal the number of values times 4 (f32) or 8 (f64);
/// otherwise throws tessera::Error naming the path and both sizes. The field is named by the path.
Field read_raw(const std::filesystem::path& path, DataType type, std::vector<std::size_t> shape);

/// Writes the field's values as a headerless little-endian array (4 or 8 bytes per value, no
/// shape or fill value), replacing `path` atomically. "-" is an ordinary file name here.
void write_raw(const std::filesystem::path& path, const FieldView& field);

/// Reads netCDF variable `variable` of `path` (netCDF-3 or netCDF-4, root group). NC_FLOAT gives
/// f32 and NC_DOUBLE f64 values (in the file's units); any other type, packed variables
/// (scale_factor/add_offset) and more than 4 dimensions longer than 1 are errors. The shape is the
/// variable's dimension lengths, slowest first, with length-1 dimensions dropped (1x17x96x192 reads
/// as 17x96x192; a single value as shape {1}). The fill value is the _FillValue attribute, else the
/// missing_value attribute (when both exist and differ, _FillValue wins and points equal to
/// missing_value are ordinary values), else netCDF's default fill (NC_FILL_FLOAT/NC_FILL_DOUBLE)
/// if some point holds it; attribute values are rounded to the variable's type. The field is named
/// "<file name>:<variable>", and errors name it or the path. libnetcdf is not thread-safe: call
/// from one thread at a time.
Field read_netcdf(const std::filesystem::path& path, const std::string& variable);

/// The command line's input: "path.nc:VAR" (also .cdf, .nc4) reads a netCDF variable; anything else
/// is a raw file of `type` values with `shape` (slowest first), both then required. For netCDF a
/// given type or a non-empty shape must match the variable's. Usage problems throw
/// tessera::usage_error naming `spec`.
Field read_field(const std::string& spec, std::optional<DataType> type,
                 std::vector<std::size_t> shape);

/// Names of the root-group float and double variables of netCDF file `path` that hold at least 2
/// values and that read_netcdf accepts (not packed, at most 4 dimensions longer than 1), in the
/// A field to read from without owning a copy: a netCDF variable loaded into memory, or a raw
/// little-endian file mapped in place, so that compressing a raw file larger than RAM streams
/// through the page cache. Same spec rules as read_field.
class InputField {
 public:
  InputField(const std::string& spec, std::optional<DataType> type, std::vector<std::size_t> shape);
  InputField(const InputField&) = delete;
  InputField& operator=(const InputField&) = delete;

  /// The field; valid while this object lives.
  const FieldView& view() const { return view_; }

 private:
  std::optional<Field> loaded_;
  std::optional<MappedFile> mapped_;
  FieldView view_;
};

/// file's order: the real fields benchmarks enumerate.
std::vector<std::string> netcdf_float_variables(const std::filesystem::path& path);

}  // namespace tessera::compress
