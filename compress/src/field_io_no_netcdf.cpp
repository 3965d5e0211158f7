// Stands in for field_io_netcdf.cpp in builds without netCDF (TESSERA_WITH_NETCDF=OFF): reading a
// netCDF variable fails with an error that says what the build lacks and how to get it.
#include "tessera/compress/field_io.hpp"
#include "tessera/core/error.hpp"

namespace tessera::compress {

bool netcdf_available() noexcept { return false; }

Field read_netcdf(const std::filesystem::path& path, const std::string& /*variable*/) {
  throw Error(path.string(), netcdf_missing_reason());
}

std::vector<std::string> netcdf_float_variables(const std::filesystem::path& path) {
  throw Error(path.string(), netcdf_missing_reason());
}

}  // namespace tessera::compress
