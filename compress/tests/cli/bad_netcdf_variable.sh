# A variable the file lacks fails (exit 1) and lists the float variables it has.
source "$TESSERA_SOURCE_DIR/compress/tests/cli/netcdf.bash"
netcdf_input field etopo20
tessera compress -i "${field%:*}:NOPE" -z rose.tsz -M REL 1e-3
