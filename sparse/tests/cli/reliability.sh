# labels: slow
# Data safety under attack, one line per check: outputs that are not regular files are written in
# place and stay what they were; outputs equal to inputs are refused; a signal during a run leaves
# no temporary file; truncated and crafted inputs of every kind are refused with no output.
data_input m sparse jgl009
tessera sparse convert -i "$m" --to csr -o ref.tsp 2>/dev/null
tessera sparse convert -i "$m" --to csr -o ref.npz 2>/dev/null
cp "$m" ref.mtx

# Outputs that are not regular files.
mkfifo pipe
timeout 60 cat pipe > from_pipe.tsp &
tessera sparse convert -i ref.mtx --to csr -o pipe --to-file tsp 2>/dev/null
wait
[ -p pipe ] && cmp -s from_pipe.tsp ref.tsp && echo "FIFO -o: written in place, still a FIFO"
cmp -s <(tessera sparse convert -i ref.mtx --to csr -o /dev/stdout --to-file tsp 2>/dev/null) ref.tsp &&
  echo "/dev/stdout -o: the tensor on standard output"
tessera sparse convert -i ref.mtx -o /dev/null --to-file tsp 2>/dev/null && [ -c /dev/null ] &&
  echo "/dev/null -o: still a device"
cp ref.tsp target.tsp
ln -s target.tsp link.tsp
tessera sparse convert -i ref.mtx --to csr -o link.tsp 2>/dev/null && [ -L link.tsp ] &&
  cmp -s target.tsp ref.tsp && echo "symlink -o: its target written, still a link"
mkdir folder.tsp
tessera sparse convert -i ref.mtx -o folder.tsp 2>/dev/null || echo "folder -o: refused, exit $?"
rm -r folder.tsp from_pipe.tsp link.tsp target.tsp pipe

# Outputs that are inputs.
cp ref.tsp keep.tsp
tessera sparse convert -i ref.tsp -o ref.tsp 2>/dev/null || echo "-o equal to -i: exit $?"
cmp -s ref.tsp keep.tsp && echo "nothing replaced"
rm keep.tsp

# A signal while convert waits for its input: its output's temporary file exists by then.
for signal in INT TERM HUP; do
  interrupt_while_reading "SIG$signal while converting" $signal 'out.tsp.tmp-*' \
    tessera sparse convert -i - -o out.tsp
done

# Truncated and crafted inputs.
for kind in tsp npz mtx; do
  size=$(wc -c < ref.$kind)
  head -c $((size * 2 / 3)) ref.$kind > cut.$kind
  tessera sparse convert -i cut.$kind -o out-$kind.tsp 2>/dev/null || echo "truncated .$kind: exit $?"
done
for craft in canonical rows; do
  python3 "$TESSERA_SOURCE_DIR/sparse/tests/cli/craft_tsp.py" ref.tsp crafted.tsp $craft
  tessera sparse convert -i crafted.tsp -o out-$craft.mtx 2>&1 | sed 's/^tessera: crafted.tsp: //'
done
ls | grep -c '^out' | sed 's/^/outputs left: /'
