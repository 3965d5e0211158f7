# Sourced by the netCDF tests of this folder: netcdf_input <id> prints the spec of input <id> of
# compress/data.json, or skips the test (exit 77) when this build reads no netCDF or the data
# package is not installed.
netcdf_input() {
  if ! tessera doctor | grep -q '^  netCDF  *built'; then
    echo "this build reads no netCDF (TESSERA_WITH_NETCDF=OFF)" >&2
    exit 77
  fi
  data_input compress "$1"
}
