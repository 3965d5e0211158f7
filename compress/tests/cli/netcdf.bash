# Sourced by the netCDF tests of this folder: `netcdf_input <variable> <id>` sets <variable> to the
# spec of input <id> of compress/data.json, or skips the test when this build reads no netCDF or the
# data package is not installed (the reason on stderr).
netcdf_input() {
  needs_netcdf
  data_input "$1" compress "$2"
}

# needs_netcdf: skips the test when this build reads no netCDF.
needs_netcdf() {
  if ! tessera doctor | grep -q '^  netCDF  *built'; then
    echo "this build reads no netCDF (TESSERA_WITH_NETCDF=OFF)" >&2
    exit 77
  fi
}
