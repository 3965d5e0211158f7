# A netCDF variable of the manifest compresses at REL 1e-3 and verifies against the file.
source "$TESSERA_SOURCE_DIR/compress/tests/cli/netcdf.bash"
netcdf_input field etopo20
tessera compress -i "$field" -z rose.tsz -o rose.out -M REL 1e-3 2>/dev/null
tessera compress verify "$field" rose.out -M REL 1e-3
