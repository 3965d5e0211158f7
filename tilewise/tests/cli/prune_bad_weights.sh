# Weights that cannot be pruned are a problem of the data (exit 1), named with the file: a layer
# of no weights, a NaN; -G 0 is a usage error (exit 2). Nothing is written.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
python3 -c '
import struct
header = "{\x27descr\x27: \x27<f4\x27, \x27fortran_order\x27: False, \x27shape\x27: (0, 5), }"
header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
open("empty.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
'
npy_weights fc1.npy 16 16 1
python3 -c '
data = bytearray(open("fc1.npy", "rb").read())
data[-4:] = bytes([0, 0, 0xc0, 0x7f])
open("nan.npy", "wb").write(data)
'
tessera tilewise prune -i empty.npy -o x.tw; echo "exit $?"
tessera tilewise prune -i nan.npy -o x.tw; echo "exit $?"
tessera tilewise prune -i fc1.npy -o x.tw -G 0; echo "exit $?"
ls
