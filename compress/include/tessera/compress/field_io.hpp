// Reading and writing the fields `tessera compress` works on: headerless little-endian raw arrays
// (the SZ3/zfp convention) and float/double variables of netCDF files, named "file.nc:VAR".
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/compress/field.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::compress {

/// The values of a headerless little-endian array of `type` values with `shape` (slowest first, 1-4
/// dimensions) held in `bytes`, as a field named `name`. The size in bytes must equal the number of
/// values times 4 (f32) or 8 (f64); otherwise throws tessera::Error naming `name` and both sizes.
Field decode_raw(std::span<const std::byte> bytes, const std::string& name, DataType type,
                 std::vector<std::size_t> shape);

/// decode_raw of the file at `path`, read (not mapped, so that a file that shrinks meanwhile is an
/// error rather than a crash); the field is named by the path.
Field read_raw(const std::filesystem::path& path, DataType type, std::vector<std::size_t> shape);

/// The field's values as a headerless little-endian array (4 or 8 bytes per value, no shape or
/// fill value).
std::vector<std::byte> encode_raw(const FieldView& field);

/// Writes encode_raw(field) to `output`, which the caller commits.
void write_raw(OutputFile& output, const FieldView& field);
/// Writes encode_raw(field) to the output `path` (tessera::OutputFile: "-" is standard output, a
/// regular file is replaced atomically).
void write_raw(const std::filesystem::path& path, const FieldView& field);

/// Whether this build reads netCDF (CMake option TESSERA_WITH_NETCDF). Without it, read_netcdf and
/// netcdf_float_variables throw tessera::Error saying so (netcdf_missing_reason()).
bool netcdf_available() noexcept;

/// "this build of tessera reads no netCDF: install libnetcdf-dev and reconfigure ...".
std::string netcdf_missing_reason();

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

/// Names of the root-group float and double variables of netCDF file `path` that hold at least 2
/// values and that read_netcdf accepts (not packed, at most 4 dimensions longer than 1), in the
/// file's order: the real fields benchmarks enumerate.
std::vector<std::string> netcdf_float_variables(const std::filesystem::path& path);

/// The command line's input: "path.nc:VAR" (also .cdf, .nc4) reads a netCDF variable; anything else
/// is a raw file of `type` values (float32 when not given) with `shape` (slowest first), which is
/// then required. For netCDF a given type or a non-empty shape must match the variable's. Usage
/// problems throw tessera::usage_error naming `spec`.
Field read_field(const std::string& spec, std::optional<DataType> type,
                 std::vector<std::size_t> shape);

/// The file an input spec reads: the netCDF file of "file.nc:VAR" (the variable is what follows
/// the first colon after a netCDF path, so "f.nc:a:b" is variable "a:b"), else the raw file itself.
std::string spec_file(const std::string& spec);

}  // namespace tessera::compress
