# labels: slow
# Data safety under attack, one line per check: outputs that are not regular files are written in
# place and stay what they were; outputs equal to inputs are refused; a signal during a run leaves
# no temporary file; empty and non-finite weights are refused; huge thread counts do not crash.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 256 300 1
npy_weights fc2.npy 300 128 2
tessera tilewise prune -i fc1.npy -o ref.tw --sparsity 0.75 2>/dev/null

# Outputs that are not regular files.
mkfifo pipe.tw
timeout 60 cat pipe.tw > from_pipe.tw &
tessera tilewise prune -i fc1.npy -o pipe.tw --sparsity 0.75 2>/dev/null
wait
[ -p pipe.tw ] && cmp -s from_pipe.tw ref.tw && echo "FIFO -o: written in place, still a FIFO"
ln -s /dev/stdout stdout.tw
tessera tilewise prune -i fc1.npy -o stdout.tw --sparsity 0.75 2>/dev/null | cmp -s - ref.tw &&
  [ -L stdout.tw ] && echo "symlink to /dev/stdout -o: the layer on standard output"
ln -s ref.tw link.tw
tessera tilewise prune -i fc1.npy -o link.tw --sparsity 0.75 2>/dev/null && [ -L link.tw ] &&
  echo "symlink -o: its target written, still a link"
rm from_pipe.tw link.tw pipe.tw stdout.tw

# Outputs that are inputs, or each other.
cp fc1.npy keep.npy
tessera tilewise prune -i fc1.npy -o fc1.npy --pattern ew 2>/dev/null || echo "-o equal to -i: exit $?"
tessera tilewise prune -i fc1.npy -i fc2.npy -o a.tw -o ./a.tw 2>/dev/null ||
  echo "two -o the same: exit $?"
tessera tilewise prune -i fc1.npy -o fc2.npy --scores fc2.npy --pattern ew 2>/dev/null ||
  echo "-o equal to --scores: exit $?"
cmp -s fc1.npy keep.npy && [ ! -e a.tw ] && echo "nothing replaced or written"
rm keep.npy

# A signal during a run: tessera has opened its outputs (their temporary files exist) and waits
# for the weights of the first layer when the signal comes.
for signal in INT TERM HUP; do
  interrupt_while_reading "SIG$signal while pruning" $signal 'out2.tw.tmp-*' \
    tessera tilewise prune -i - -i fc2.npy -o out1.tw -o out2.tw
done

# Truncated and crafted packed layers: a .tw cut short, and one whose K is smaller than the rows its
# tiles keep, with its checksum recomputed.
head -c 200 ref.tw > cut.tw
tessera tilewise info cut.tw 2>/dev/null || echo "truncated .tw: exit $?"
python3 "$TESSERA_SOURCE_DIR/tilewise/tests/cli/craft_tw.py" ref.tw small_k.tw 200
tessera tilewise info small_k.tw 2>/dev/null || echo ".tw with a shrunk K: exit $?"
tessera tilewise prune -i small_k.tw -o x.tw 2>/dev/null || echo "pruning it: exit $?"

# Bad weights.
python3 -c '
import struct
header = "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (0, 5), }".replace("\"", "\x27")
header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
open("empty.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
'
tessera tilewise prune -i empty.npy -o empty.tw 2>/dev/null || echo "0x5 weights: exit $?"
python3 -c '
data = bytearray(open("fc1.npy", "rb").read())
data[-4:] = bytes([0, 0, 0xc0, 0x7f])  # the last weight a NaN
open("nan.npy", "wb").write(data)
'
tessera tilewise prune -i nan.npy -o nan.tw 2>/dev/null || echo "NaN weight: exit $?"

# Thread counts.
OMP_NUM_THREADS=65536 tessera tilewise prune -i fc1.npy -o t.tw --sparsity 0.75 2>&1 |
  grep -o 'asks for 65536 threads; using 4096'
cmp -s t.tw ref.tw && echo "same bytes on 4096 threads"
tessera tilewise bench --thread-sweep 65536 2>/dev/null || echo "bench --thread-sweep 65536: exit $?"
ls | grep -c -e tmp -e '^empty.tw' -e '^nan.tw' -e '^x.tw' | sed 's/^/outputs left: /'
