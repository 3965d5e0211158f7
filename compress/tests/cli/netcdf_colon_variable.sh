# A netCDF variable whose name holds a colon is addressed after the first colon that follows the
# file: colon.nc:a:b is variable "a:b". The file is a minimal classic (CDF-1) file written here.
source "$TESSERA_SOURCE_DIR/compress/tests/cli/netcdf.bash"
needs_netcdf
python3 - <<'PY'
import struct

def name(text):
    data = text.encode()
    return struct.pack(">i", len(data)) + data + b"\0" * (-len(data) % 4)

header = b"CDF\x01" + struct.pack(">i", 0)                             # no records
header += struct.pack(">ii", 0x0A, 1) + name("x") + struct.pack(">i", 3)  # one dimension, x = 3
header += struct.pack(">ii", 0, 0)                                      # no global attributes
header += struct.pack(">ii", 0x0B, 1) + name("a:b") + struct.pack(">ii", 1, 0)  # a:b(x)
header += struct.pack(">ii", 0, 0) + struct.pack(">ii", 6, 24)          # no attributes, double
begin = len(header) + 4
open("colon.nc", "wb").write(header + struct.pack(">i", begin) + struct.pack(">3d", 1.5, 2.5, 3.5))
PY
tessera compress -i colon.nc:a:b -z colon.tsz -o colon.out -M ABS 0.01 2>/dev/null &&
  tessera compress verify colon.nc:a:b colon.out -M ABS 0.01
