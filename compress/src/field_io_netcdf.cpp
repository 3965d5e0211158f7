// netCDF variables as fields, through libnetcdf, whose file ids NcFile owns and closes on every way
// out; classic-format files are read from memory, where a truncated file is an error. Built when
// TESSERA_WITH_NETCDF is on; field_io_no_netcdf.cpp stands in otherwise.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <netcdf.h>
#include <netcdf_mem.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tessera/compress/field_io.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::compress {
namespace {

constexpr std::size_t kMaxDimensions = 4;
constexpr std::array<const char*, 2> kPackingAttributes = {"scale_factor", "add_offset"};

/// netCDF's default fill value for T (what unwritten points of a variable without _FillValue hold).
template <class T>
constexpr T kNetcdfDefaultFill = std::is_same_v<T, float> ? NC_FILL_FLOAT : NC_FILL_DOUBLE;

/// Throws tessera::Error naming `input` unless `status` is NC_NOERR; `doing` says what failed.
void check_nc(int status, std::string_view input, std::string_view doing) {
  if (status != NC_NOERR) throw Error(input, fmt::format("{}: {}", doing, nc_strerror(status)));
}

/// Whether `path` starts like a classic-format (netCDF-3) file: "CDF" and version 1, 2 or 5.
bool is_classic_netcdf(const std::filesystem::path& path) {
  std::array<char, 4> magic{};
  std::ifstream in(path, std::ios::binary);
  return in.read(magic.data(), magic.size()) && std::string_view(magic.data(), 3) == "CDF" &&
         (magic[3] == 1 || magic[3] == 2 || magic[3] == 5);
}

/// A netCDF file open for reading, closed on destruction. A classic-format file is read into memory
/// and opened there: from a file on disk libnetcdf fills what lies past its end with zeros, so a
/// truncated file would read as whole, while from memory the read fails. (netCDF-4 files are
/// HDF5, which checks their length itself.)
class NcFile {
 public:
  explicit NcFile(const std::filesystem::path& path) : path_(path) {
    if (is_classic_netcdf(path)) {
      bytes_ = read_file(path);
      check_nc(nc_open_mem(path.c_str(), NC_NOWRITE, bytes_.size(), bytes_.data(), &id_),
               path.string(), "cannot read as netCDF");
    } else {
      check_nc(nc_open(path.c_str(), NC_NOWRITE, &id_), path.string(), "cannot read as netCDF");
    }
  }
  ~NcFile() { nc_close(id_); }
  NcFile(const NcFile&) = delete;
  NcFile& operator=(const NcFile&) = delete;

  int id() const noexcept { return id_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  /// Whether the file was read into memory (classic format): a failed read is then a file that
  /// ends before the data its header describes.
  bool in_memory() const noexcept { return !bytes_.empty(); }

 private:
  std::filesystem::path path_;
  std::vector<std::byte> bytes_;  // the whole file, for a classic-format file
  int id_ = -1;
};

/// The lengths of variable `varid`'s dimensions, slowest first (empty for a scalar).
std::vector<std::size_t> dimension_lengths(const NcFile& file, int varid) {
  const std::string input = file.path().string();
  int count = 0;
  check_nc(nc_inq_varndims(file.id(), varid, &count), input, "cannot query dimensions");
  std::vector<int> dimensions(static_cast<std::size_t>(count));
  check_nc(nc_inq_vardimid(file.id(), varid, dimensions.data()), input, "cannot query dimensions");
  std::vector<std::size_t> lengths(dimensions.size());
  for (std::size_t d = 0; d < dimensions.size(); ++d) {
    check_nc(nc_inq_dimlen(file.id(), dimensions[d], &lengths[d]), input,
             "cannot query a dimension's length");
  }
  return lengths;
}

nc_type variable_type(const NcFile& file, int varid) {
  nc_type type = NC_NAT;
  check_nc(nc_inq_vartype(file.id(), varid, &type), file.path().string(),
           "cannot query a variable's type");
  return type;
}

/// "short", "int", "char", ... (netCDF's name of the type).
std::string type_name(const NcFile& file, nc_type type) {
  std::array<char, NC_MAX_NAME + 1> name{};
  check_nc(nc_inq_type(file.id(), type, name.data(), nullptr), file.path().string(),
           "cannot query a type's name");
  return name.data();
}

/// Why read_netcdf cannot read variable `varid` with dimension `lengths` ("" if it can).
std::string unreadable_reason(const NcFile& file, int varid, std::span<const std::size_t> lengths) {
  const nc_type type = variable_type(file, varid);
  if (type != NC_FLOAT && type != NC_DOUBLE) {
    return fmt::format("holds {} values; only float and double variables can be read",
                       type_name(file, type));
  }
  for (const char* attribute : kPackingAttributes) {
    int attribute_id = -1;
    if (nc_inq_attid(file.id(), varid, attribute, &attribute_id) == NC_NOERR) {
      return fmt::format("is packed ({} attribute); packed variables are not supported", attribute);
    }
  }
  if (std::ranges::find(lengths, 0) != lengths.end()) {
    return fmt::format("holds no values (shape {})", shape_string(lengths));
  }
  const auto longer = std::ranges::count_if(lengths, [](std::size_t n) { return n > 1; });
  if (static_cast<std::size_t>(longer) > kMaxDimensions) {
    return fmt::format("has {} dimensions longer than 1 (shape {}); at most {} are supported",
                       longer, shape_string(lengths), kMaxDimensions);
  }
  return {};
}

std::vector<std::string> float_variables(const NcFile& file) {
  int count = 0;
  check_nc(nc_inq_nvars(file.id(), &count), file.path().string(), "cannot list variables");
  std::vector<std::string> names;
  for (int varid = 0; varid < count; ++varid) {
    const auto lengths = dimension_lengths(file, varid);
    const bool readable = unreadable_reason(file, varid, lengths).empty();
    // Readable variables have no zero length, so some length above 1 means at least 2 values.
    if (!readable || std::ranges::none_of(lengths, [](std::size_t n) { return n > 1; })) continue;
    std::array<char, NC_MAX_NAME + 1> name{};
    check_nc(nc_inq_varname(file.id(), varid, name.data()), file.path().string(),
             "cannot query a variable's name");
    names.emplace_back(name.data());
  }
  return names;
}

template <class T>
int get_values(int ncid, int varid, T* out) {
  if constexpr (std::is_same_v<T, float>) {
    return nc_get_var_float(ncid, varid, out);
  } else {
    return nc_get_var_double(ncid, varid, out);
  }
}

template <class T>
int get_attribute(int ncid, int varid, const char* attribute, T* out) {
  if constexpr (std::is_same_v<T, float>) {
    return nc_get_att_float(ncid, varid, attribute, out);
  } else {
    return nc_get_att_double(ncid, varid, attribute, out);
  }
}

/// The single number in attribute `attribute` of the variable, converted (rounded) to T by
/// libnetcdf; nullopt if the variable has no such attribute. `name` is the field's, for errors.
template <class T>
std::optional<T> number_attribute(const NcFile& file, int varid, const char* attribute,
                                  const std::string& name) {
  nc_type type = NC_NAT;
  std::size_t length = 0;
  const int status = nc_inq_att(file.id(), varid, attribute, &type, &length);
  if (status == NC_ENOTATT) return std::nullopt;
  check_nc(status, name, fmt::format("cannot query attribute {}", attribute));
  if (length != 1) {
    throw Error(name, fmt::format("attribute {} holds {} values; one number is supported",
                                  attribute, length));
  }
  T value{};
  check_nc(get_attribute(file.id(), varid, attribute, &value), name,
           fmt::format("cannot read attribute {} as {}", attribute, type_name(file, type)));
  return value;
}

/// The field's fill value: _FillValue, else missing_value, else netCDF's default fill if present.
template <class T>
std::optional<double> fill_value_of(const NcFile& file, int varid, const FieldView& field) {
  if (const auto fill = number_attribute<T>(file, varid, "_FillValue", field.name)) return *fill;
  if (const auto missing = number_attribute<T>(file, varid, "missing_value", field.name)) {
    return *missing;
  }
  const auto values = field.values<T>();
  if (std::ranges::find(values, kNetcdfDefaultFill<T>) != values.end()) {
    return kNetcdfDefaultFill<T>;
  }
  return std::nullopt;
}

template <class T>
void read_values(const NcFile& file, int varid, Field& field) {
  const int status = get_values(file.id(), varid, field.values<T>().data());
  if (status != NC_NOERR && file.in_memory()) {
    throw Error(field.name, fmt::format("cannot read the values ({}): the file ends before the "
                                        "data its header describes (truncated?)",
                                        nc_strerror(status)));
  }
  check_nc(status, field.name, "cannot read the values");
  field.fill_value = fill_value_of<T>(file, varid, field);
}

}  // namespace

bool netcdf_available() noexcept { return true; }

Field read_netcdf(const std::filesystem::path& path, const std::string& variable) {
  const NcFile file(path);
  const std::string name = path.filename().string() + ":" + variable;
  int varid = -1;
  const int found = nc_inq_varid(file.id(), variable.c_str(), &varid);
  if (found == NC_ENOTVAR) {
    const auto candidates = float_variables(file);
    const std::string listed =
        candidates.empty() ? "none" : fmt::format("{}", fmt::join(candidates, ", "));
    throw Error(name, fmt::format("no such variable (float variables: {})", listed));
  }
  check_nc(found, name, "cannot look up the variable");
  const std::vector<std::size_t> lengths = dimension_lengths(file, varid);
  if (const std::string problem = unreadable_reason(file, varid, lengths); !problem.empty()) {
    throw Error(name, problem);
  }
  std::vector<std::size_t> shape;
  std::ranges::copy_if(lengths, std::back_inserter(shape), [](std::size_t n) { return n != 1; });
  if (shape.empty()) shape.push_back(1);
  const nc_type type = variable_type(file, varid);
  Field field = make_field(name, type == NC_FLOAT ? DataType::kFloat32 : DataType::kFloat64,
                           std::move(shape));
  if (field.type == DataType::kFloat32) {
    read_values<float>(file, varid, field);
  } else {
    read_values<double>(file, varid, field);
  }
  return field;
}

std::vector<std::string> netcdf_float_variables(const std::filesystem::path& path) {
  return float_variables(NcFile(path));
}

}  // namespace tessera::compress
