# A netCDF file cut short is refused (exit 1), not compressed as zeros, and nothing is written:
# the classic hgt.nc at 5000 of its bytes, and the netCDF-4 nc4uvt.nc at half of them.
source "$TESSERA_SOURCE_DIR/compress/tests/cli/netcdf.bash"
netcdf_input hgt hgt
netcdf_input uvt nc4uvt-t
head -c 5000 "${hgt%:*}" > hgt.nc
head -c $(($(stat -c %s "${uvt%:*}") / 2)) "${uvt%:*}" > uvt.nc
tessera compress -i hgt.nc:HGT -z hgt.tsz -M REL 1e-3; echo "exit $?"
tessera compress -i uvt.nc:T -z uvt.tsz -M REL 1e-3; echo "exit $?"
ls
